import * as fs from "fs";
import * as path from "path";
import { checkImmutable, DEFAULT_IMMUTABLE_TAG, formatPromoteReport, orderProblem, promote, splitImageRef, type PromoteRequest } from "../../infra/promote";
import { StackFile, type AtomicWriteFs } from "../../infra/stackfile";
import { changedLines, copyFixtures, fakeGate, removeCopies, stackText, writeStack } from "./helpers";

const DIGEST = "sha256:" + "0123456789abcdef".repeat(4);
afterEach(removeCopies);

function request(dir: string, more: Partial<PromoteRequest> = {}): PromoteRequest {
  return { from: "dev", to: "homelab", projectDir: dir, ...more };
}

describe("which references may move", () => {
  const sha = new RegExp(DEFAULT_IMMUTABLE_TAG);

  it("splits name, tag and digest, keeping registry ports in the name", () => {
    expect(splitImageRef("localhost:5000/team/api:sha-1234567")).toEqual({ name: "localhost:5000/team/api", tag: "sha-1234567", digest: undefined });
    expect(splitImageRef(`ghcr.io/a/b:v1@${DIGEST}`)).toEqual({ name: "ghcr.io/a/b", tag: "v1", digest: DIGEST });
    expect(splitImageRef("localhost:5000/api")).toEqual({ name: "localhost:5000/api", tag: undefined, digest: undefined });
  });

  it("splits references without a slash, or with nothing before the digest", () => {
    expect(splitImageRef("postgres")).toEqual({ name: "postgres", tag: undefined, digest: undefined });
    expect(splitImageRef("postgres:16.4")).toEqual({ name: "postgres", tag: "16.4", digest: undefined });
    expect(splitImageRef(`@${DIGEST}`)).toEqual({ name: "", tag: undefined, digest: DIGEST });
  });

  it.each([
    [`@${DIGEST}`],
    [":sha-1234567"],
    ["ghcr.io/acme/api :sha-1234567"],
    ["ghcr.io/acme/api:sha-1234567\n"],
  ])("refuses %j as not an image reference", (ref) => {
    expect(checkImmutable(ref, sha)).toEqual({ immutable: false, reason: "is not an image reference" });
  });

  it("treats an empty tag like no tag", () => {
    expect(checkImmutable("ghcr.io/acme/api:", /.*/)).toEqual({ immutable: false, reason: "has no tag or digest, so it means whatever `latest` points to at pull time" });
  });

  it.each([
    [`ghcr.io/acme/api@${DIGEST}`, "digest"],
    [`ghcr.io/acme/api:latest@${DIGEST}`, "digest"],
    ["ghcr.io/acme/api:sha-1a2b3c4", "tag"],
    [`ghcr.io/acme/api:sha-${"a".repeat(40)}`, "tag"],
  ])("accepts %s (by %s)", (ref, by) => {
    expect(checkImmutable(ref, sha)).toEqual({ immutable: true, by });
  });

  it.each([
    ["ghcr.io/acme/api:latest", "moving tag `latest`"],
    ["ghcr.io/acme/api", "no tag or digest"],
    ["localhost:5000/api", "no tag or digest"],
    ["postgres:16.4", 'tag "16.4", which does not match'],
    ["ghcr.io/acme/api:v1.2.3", 'tag "v1.2.3", which does not match'],
    ["ghcr.io/acme/api:sha-123", 'tag "sha-123"'],
    ["ghcr.io/acme/api@sha256:abc", "malformed digest"],
  ])("refuses %s", (ref, reason) => {
    const v = checkImmutable(ref, sha);
    expect(v.immutable).toBe(false);
    if (!v.immutable) expect(v.reason).toContain(reason);
  });

  it("never takes latest, even under a pattern that matches it", () => {
    expect(checkImmutable("x/y:latest", /.*/).immutable).toBe(false);
    expect(checkImmutable("x/y:v1.2.3", /^v?\d+\.\d+\.\d+$/)).toEqual({ immutable: true, by: "tag" });
  });

  it("knows the promotion order", () => {
    const order = ["dev", "homelab", "prod"];
    expect(orderProblem("dev", "homelab", order)).toBeUndefined();
    expect(orderProblem("homelab", "prod", order)).toBeUndefined();
    expect(orderProblem("dev", "prod", order)).toBe("dev -> prod skips homelab in the promotion order (dev -> homelab -> prod)");
    expect(orderProblem("prod", "dev", order)).toBe("prod -> dev goes against the promotion order (dev -> homelab -> prod)");
    expect(orderProblem("homelab", "homelab", order)).toBe("homelab -> homelab goes against the promotion order (dev -> homelab -> prod)");
    expect(orderProblem("qa", "prod", order)).toBe('"qa" is not in the promotion order (dev -> homelab -> prod)');
    expect(orderProblem("dev", "qa", order)).toBe('"qa" is not in the promotion order (dev -> homelab -> prod)');
    expect(orderProblem("dev", "prod", ["dev", "qa", "homelab", "prod"])).toBe("dev -> prod skips qa, homelab in the promotion order (dev -> qa -> homelab -> prod)");
  });
});

describe("promote", () => {
  it("moves every image both stacks have, touching only the image lines", async () => {
    const dir = copyFixtures();
    const before = stackText(dir, "homelab");
    const devBefore = stackText(dir, "dev");
    const { gate, calls } = fakeGate();
    const report = await promote(request(dir), { gate });
    expect(report.outcome).toBe("promoted");
    expect(report.exitCode).toBe(0);
    expect(report.changes).toEqual([
      { service: "api", from: "ghcr.io/acme/api:sha-1a2b3c4", to: "ghcr.io/acme/api:sha-2b3c4d5", by: "tag" },
      { service: "web", from: "ghcr.io/acme/web:sha-0000001", to: `ghcr.io/acme/web@${DIGEST}`, by: "digest" },
      { service: "worker", from: "ghcr.io/acme/api:sha-1a2b3c4", to: "ghcr.io/acme/api:sha-2b3c4d5", by: "tag" },
    ]);
    // postgres is the same in both; scratch exists only in dev (and floats, which is fine since it is not promoted);
    // sidecar exists only in homelab. Both are named, neither is touched.
    expect(report.onlyInSource).toEqual(["scratch"]);
    expect(report.onlyInTarget).toEqual(["sidecar"]);
    expect(report.withoutImage).toEqual([]);
    expect(report.problems).toEqual([]);

    const after = stackText(dir, "homelab");
    expect(changedLines(before, after)).toEqual([
      { line: 13, before: "      image: ghcr.io/acme/api:sha-1a2b3c4 # promoted 2024-05-01", after: "      image: ghcr.io/acme/api:sha-2b3c4d5 # promoted 2024-05-01" },
      {
        line: 19,
        before: '    web: { image: "ghcr.io/acme/web:sha-0000001", port: 80 }   # flow style on purpose',
        after: `    web: { image: "ghcr.io/acme/web@${DIGEST}", port: 80 }   # flow style on purpose`,
      },
      { line: 21, before: '      image:   "ghcr.io/acme/api:sha-1a2b3c4"', after: '      image:   "ghcr.io/acme/api:sha-2b3c4d5"' },
    ]);
    const secureLines = (t: string): string[] => t.split("\n").filter((l) => l.includes("secure"));
    expect(secureLines(after)).toEqual(secureLines(before));
    expect(secureLines(after)).toHaveLength(3);
    expect(stackText(dir, "dev")).toBe(devBefore);

    // The source is planned as it is, the target as it will be.
    expect(calls.map((c) => c.stack)).toEqual(["dev", "homelab"]);
    expect(calls[0].text).toBe(devBefore);
    expect(calls[1].text).toBe(after);

    expect(formatPromoteReport(report)).toBe(
      [
        "promote dev -> homelab (Pulumi.homelab.yaml)",
        "  api     ghcr.io/acme/api:sha-1a2b3c4 -> ghcr.io/acme/api:sha-2b3c4d5",
        `  web     ghcr.io/acme/web:sha-0000001 -> ghcr.io/acme/web@${DIGEST}`,
        "  worker  ghcr.io/acme/api:sha-1a2b3c4 -> ghcr.io/acme/api:sha-2b3c4d5",
        "  only in dev, not added to homelab: scratch",
        "  only in homelab, left as they are: sidecar",
        "promoted 3 images into homelab",
        "",
      ].join("\n"),
    );
  });

  it("is idempotent: a second run writes nothing and says so", async () => {
    const dir = copyFixtures();
    await promote(request(dir), { gate: fakeGate().gate });
    const file = path.join(dir, "Pulumi.homelab.yaml");
    const text = fs.readFileSync(file, "utf8");
    const inode = fs.statSync(file).ino;
    const second = fakeGate();
    const report = await promote(request(dir), { gate: second.gate });
    expect(report.outcome).toBe("up-to-date");
    expect(report.exitCode).toBe(0);
    expect(report.problems).toEqual([]);
    expect(formatPromoteReport(report)).toBe(
      ["nothing to promote: homelab already runs dev's images", "  only in dev, not added to homelab: scratch", "  only in homelab, left as they are: sidecar", ""].join("\n"),
    );
    expect(report.onlyInSource).toEqual(["scratch"]);
    expect(second.calls).toEqual([]);
    expect(fs.readFileSync(file, "utf8")).toBe(text);
    // Same inode: the file was not even rewritten with identical bytes.
    expect(fs.statSync(file).ino).toBe(inode);
  });

  it("dry run plans both stacks and writes nothing", async () => {
    const dir = copyFixtures();
    const before = stackText(dir, "homelab");
    const { gate, calls } = fakeGate();
    const report = await promote(request(dir, { dryRun: true }), { gate });
    expect(report.outcome).toBe("dry-run");
    expect(report.exitCode).toBe(0);
    expect(report.changes).toHaveLength(3);
    expect(calls).toHaveLength(2);
    expect(stackText(dir, "homelab")).toBe(before);
    expect(report.problems).toEqual([]);
    expect(formatPromoteReport(report).split("\n").slice(-5)).toEqual([
      "  only in dev, not added to homelab: scratch",
      "  only in homelab, left as they are: sidecar",
      "plan gate: passed (dev as it is and homelab with these images: no config error, no mandatory policy violation)",
      "dry run: 3 images would change; nothing written",
      "",
    ]);
  });

  it("only promotes the named services", async () => {
    const dir = copyFixtures();
    const report = await promote(request(dir, { services: ["api", " postgres"] }), { gate: fakeGate().gate });
    expect(report).toEqual({
      outcome: "promoted",
      exitCode: 0,
      from: "dev",
      to: "homelab",
      file: path.join(dir, "Pulumi.homelab.yaml"),
      changes: [{ service: "api", from: "ghcr.io/acme/api:sha-1a2b3c4", to: "ghcr.io/acme/api:sha-2b3c4d5", by: "tag" }],
      onlyInSource: [],
      onlyInTarget: [],
      withoutImage: [],
      problems: [],
    });
    // Services left out by --services are not listed as left alone.
    expect(formatPromoteReport(report)).toBe(
      ["promote dev -> homelab (Pulumi.homelab.yaml)", "  api  ghcr.io/acme/api:sha-1a2b3c4 -> ghcr.io/acme/api:sha-2b3c4d5", "promoted 1 image into homelab", ""].join("\n"),
    );
    const homelab = stackText(dir, "homelab");
    expect(homelab).toContain("image: ghcr.io/acme/api:sha-2b3c4d5 # promoted");
    expect(homelab).toContain('image:   "ghcr.io/acme/api:sha-1a2b3c4"');
  });

  it("refuses a mutable reference, naming the service and the image, and writes nothing", async () => {
    const dir = copyFixtures();
    writeStack(dir, "dev", stackText(dir, "dev").replace("image: postgres:16.4", "image: postgres:16.5").replace("api:sha-2b3c4d5   #", "api:latest   #"));
    const before = stackText(dir, "homelab");
    const { gate, calls } = fakeGate();
    const report = await promote(request(dir), { gate });
    expect(report.outcome).toBe("refused");
    expect(report.exitCode).toBe(1);
    expect(report.problems).toEqual([
      "api: ghcr.io/acme/api:latest (Pulumi.dev.yaml homelab:services.api.image) uses the moving tag `latest`; only digests (@sha256:...) and tags matching /^sha-[0-9a-f]{7,40}$/ are promoted",
      'postgres: postgres:16.5 (Pulumi.dev.yaml homelab:services.postgres.image) has tag "16.5", which does not match the immutable-tag pattern /^sha-[0-9a-f]{7,40}$/; only digests (@sha256:...) and tags matching /^sha-[0-9a-f]{7,40}$/ are promoted',
      "use --services to promote only the others",
    ]);
    expect(calls).toEqual([]);
    expect(stackText(dir, "homelab")).toBe(before);
    expect(formatPromoteReport(report)).toMatch(/refused: nothing written\n {2}- api: ghcr\.io\/acme\/api:latest/);
  });

  it("refuses without the --services hint when the mutable reference is the only change", async () => {
    const dir = copyFixtures();
    writeStack(dir, "dev", stackText(dir, "dev").replace("api:sha-2b3c4d5   #", "api:latest   #"));
    const report = await promote(request(dir, { services: ["api"] }), { gate: fakeGate().gate });
    expect(report.outcome).toBe("refused");
    expect(report.problems).toEqual([
      "api: ghcr.io/acme/api:latest (Pulumi.dev.yaml homelab:services.api.image) uses the moving tag `latest`; only digests (@sha256:...) and tags matching /^sha-[0-9a-f]{7,40}$/ are promoted",
    ]);
  });

  it("leaves alone services missing from one stack or without an image in one, and says why", async () => {
    const dir = copyFixtures([]);
    writeStack(dir, "dev", "config:\n  homelab:services:\n    api:\n      image: acme/api:sha-2222222\n    side:\n      image: acme/side:sha-3333333\n    job:\n      command: run\n    solo:\n      image: acme/solo:sha-5555555\n    lone:\n      image: acme/lone:sha-5555555\n");
    writeStack(dir, "homelab", "config:\n  homelab:services:\n    api:\n      image: acme/api:sha-1111111\n    side:\n      command: wait\n    job:\n      image: acme/job:sha-4444444\n    extra:\n      image: acme/extra:sha-6666666\n    spare:\n      image: acme/spare:sha-6666666\n");
    const report = await promote(request(dir), { gate: fakeGate().gate });
    expect(report.changes).toEqual([{ service: "api", from: "acme/api:sha-1111111", to: "acme/api:sha-2222222", by: "tag" }]);
    expect([report.onlyInSource, report.onlyInTarget, report.withoutImage]).toEqual([["solo", "lone"], ["extra", "spare"], ["side", "job"]]);
    expect(formatPromoteReport(report)).toBe(
      [
        "promote dev -> homelab (Pulumi.homelab.yaml)",
        "  api  acme/api:sha-1111111 -> acme/api:sha-2222222",
        "  only in dev, not added to homelab: solo, lone",
        "  only in homelab, left as they are: extra, spare",
        "  no image in one of the stacks, left alone: side, job",
        "promoted 1 image into homelab",
        "",
      ].join("\n"),
    );
    expect(stackText(dir, "homelab")).toBe("config:\n  homelab:services:\n    api:\n      image: acme/api:sha-2222222\n    side:\n      command: wait\n    job:\n      image: acme/job:sha-4444444\n    extra:\n      image: acme/extra:sha-6666666\n    spare:\n      image: acme/spare:sha-6666666\n");
  });

  it("judges tags by the source stack's pattern, not the target's", async () => {
    const dir = copyFixtures();
    // prod only accepts 40-hex tags for itself, but homelab is the source here and sets no pattern: the default applies.
    const report = await promote(request(dir, { from: "homelab", to: "prod" }), { gate: fakeGate().gate });
    expect(report.outcome).toBe("promoted");
    expect(report.changes.map((c) => [c.service, c.to])).toEqual([["api", "ghcr.io/acme/api:sha-1a2b3c4"]]);

    const wide = copyFixtures();
    writeStack(wide, "dev", stackText(wide, "dev").replace('"^sha-[0-9a-f]{7,40}$"', () => "'^(sha-[0-9a-f]{7,40}|v?\\d+\\.\\d+\\.\\d+)$'").replace("postgres:16.4", "postgres:16.5.1"));
    const semver = await promote(request(wide, { services: ["postgres"] }), { gate: fakeGate().gate });
    expect(semver.outcome).toBe("promoted");
    expect(stackText(wide, "homelab")).toContain("image: postgres:16.5.1");
  });

  it("refuses when the source stack has a mandatory policy violation", async () => {
    const dir = copyFixtures();
    const before = stackText(dir, "homelab");
    const { gate } = fakeGate({
      dev: () => ({ mandatory: [{ policy: "no-public-bind", urn: "urn:pulumi:dev::homelab::docker:index/container:Container::api", message: "port 8080 binds 0.0.0.0" }], configErrors: [] }),
    });
    const report = await promote(request(dir), { gate });
    expect(report.exitCode).toBe(1);
    expect(report.problems).toEqual(["source stack dev: mandatory policy no-public-bind violated by urn:pulumi:dev::homelab::docker:index/container:Container::api: port 8080 binds 0.0.0.0"]);
    expect(stackText(dir, "homelab")).toBe(before);
  });

  it("keeps a policy message's continuation lines under its bullet", async () => {
    const dir = copyFixtures();
    const { gate } = fakeGate({ dev: () => ({ mandatory: [{ policy: "p", urn: "urn:api", message: "first line\nsecond line" }], configErrors: [] }) });
    const report = await promote(request(dir, { services: ["api"] }), { gate });
    expect(formatPromoteReport(report).split("\n").slice(-4)).toEqual(["refused: nothing written", "  - source stack dev: mandatory policy p violated by urn:api: first line", "    second line", ""]);
  });

  it("refuses when the target would fail its plan with the change applied", async () => {
    const dir = copyFixtures();
    const before = stackText(dir, "homelab");
    const { gate } = fakeGate({
      homelab: (text) =>
        text.includes("@sha256:")
          ? { mandatory: [{ policy: "digest-allowlist", urn: "urn:web", message: "digest not signed" }], configErrors: ["Pulumi.homelab.yaml: homelab:services.web.image: bad"] }
          : { mandatory: [], configErrors: [] },
    });
    const report = await promote(request(dir), { gate });
    expect(report.outcome).toBe("refused");
    expect(report.problems).toEqual([
      "target stack homelab: configuration error: Pulumi.homelab.yaml: homelab:services.web.image: bad",
      "target stack homelab: mandatory policy digest-allowlist violated by urn:web: digest not signed",
    ]);
    expect(stackText(dir, "homelab")).toBe(before);
  });

  it("refuses when a plan cannot run at all", async () => {
    const dir = copyFixtures();
    const report = await promote(request(dir), {
      gate: async () => {
        throw new Error("evaluator exploded");
      },
    });
    expect(report.exitCode).toBe(1);
    expect(report.problems).toEqual(["source stack dev: could not be planned: evaluator exploded", "target stack homelab: could not be planned: evaluator exploded"]);
  });

  it("needs --force to skip a stack or go backwards", async () => {
    const dir = copyFixtures();
    const before = stackText(dir, "prod");
    const skip = await promote(request(dir, { to: "prod" }), { gate: fakeGate().gate });
    expect(skip.exitCode).toBe(2);
    expect(skip.problems).toEqual(["dev -> prod skips homelab in the promotion order (dev -> homelab -> prod); pass --force to promote anyway"]);
    expect(stackText(dir, "prod")).toBe(before);
    const back = await promote(request(dir, { from: "prod", to: "dev" }), { gate: fakeGate().gate });
    expect(back.exitCode).toBe(2);

    const forced = await promote(request(dir, { to: "prod", force: true }), { gate: fakeGate().gate });
    expect(forced.outcome).toBe("promoted");
    expect(forced.changes.map((c) => c.service)).toEqual(["api", "web"]);
  });

  it("lists every input problem at once, each naming the file and key path", async () => {
    const dir = copyFixtures();
    const report = await promote(request(dir, { to: "prod", services: ["api", "worker", "sidecar", "ghost"] }), { gate: fakeGate().gate });
    expect(report.outcome).toBe("invalid");
    expect(report.exitCode).toBe(2);
    const missing = (file: string, service: string): string => `Pulumi.${file}.yaml: homelab:services.${service}: no such service (promotion only changes services that exist in both stacks)`;
    expect(report.problems).toEqual([
      "dev -> prod skips homelab in the promotion order (dev -> homelab -> prod); pass --force to promote anyway",
      missing("prod", "worker"),
      missing("dev", "sidecar"),
      missing("prod", "sidecar"),
      missing("dev", "ghost"),
      missing("prod", "ghost"),
    ]);
    const text = formatPromoteReport(report);
    expect(text).toMatch(/^error: cannot promote dev -> prod \(6 problems\):\n {2}- /);

    const sidecar = await promote(request(dir, { services: ["sidecar"] }), { gate: fakeGate().gate });
    expect(sidecar.problems).toEqual(["Pulumi.dev.yaml: homelab:services.sidecar: no such service (promotion only changes services that exist in both stacks)", "Pulumi.homelab.yaml: homelab:services.sidecar.image: is not set"]);
  });

  it("rejects bad stack names, equal stacks and empty service lists", async () => {
    const dir = copyFixtures();
    const gate = fakeGate().gate;
    expect((await promote(request(dir, { to: "../etc/passwd" }), { gate })).problems).toEqual(['--to: "../etc/passwd" is not a stack name']);
    expect((await promote(request(dir, { to: "dev" }), { gate })).problems).toEqual(['--from and --to are both "dev"; promotion needs two different stacks']);
    expect((await promote(request(dir, { services: ["api", ""] }), { gate })).problems).toEqual(["--services: expected a comma-separated list of service names"]);
    expect((await promote(request(dir, { services: [] }), { gate })).problems).toEqual(["--services: expected a comma-separated list of service names"]);

    const bad = await promote(request(dir, { from: "dev/x" }), { gate });
    expect(bad).toEqual({
      outcome: "invalid",
      exitCode: 2,
      from: "dev/x",
      to: "homelab",
      file: undefined,
      changes: [],
      onlyInSource: [],
      onlyInTarget: [],
      withoutImage: [],
      problems: ['--from: "dev/x" is not a stack name'],
    });
    expect(formatPromoteReport(bad)).toBe('error: cannot promote dev/x -> homelab (1 problem):\n  - --from: "dev/x" is not a stack name\n');
  });

  it("reports missing and unparsable stack files by name and line", async () => {
    const dir = copyFixtures(["dev"]);
    const missing = await promote(request(dir), { gate: fakeGate().gate });
    expect(missing.exitCode).toBe(2);
    expect(missing.problems).toEqual([`Pulumi.homelab.yaml: no such stack file in ${dir} (stacks there: dev)`]);

    // An unknown stack is reported as a missing file, without a --force hint that could not help.
    const unknown = await promote(request(dir, { from: "qa" }), { gate: fakeGate().gate });
    expect(unknown.exitCode).toBe(2);
    expect(unknown.problems).toEqual([`Pulumi.qa.yaml: no such stack file in ${dir} (stacks there: dev)`, `Pulumi.homelab.yaml: no such stack file in ${dir} (stacks there: dev)`]);

    // With only one of the two files there, the missing file is still the only problem.
    writeStack(dir, "homelab", stackText(copyFixtures(["homelab"]), "homelab"));
    expect((await promote(request(dir, { from: "qa" }), { gate: fakeGate().gate })).problems).toEqual([`Pulumi.qa.yaml: no such stack file in ${dir} (stacks there: dev, homelab)`]);
    expect((await promote(request(dir, { to: "qa" }), { gate: fakeGate().gate })).problems).toEqual([`Pulumi.qa.yaml: no such stack file in ${dir} (stacks there: dev, homelab)`]);

    const nowhere = path.join(dir, "no-such-folder");
    expect((await promote(request(nowhere), { gate: fakeGate().gate })).problems).toEqual([
      `Pulumi.dev.yaml: no such stack file in ${nowhere} (stacks there: none)`,
      `Pulumi.homelab.yaml: no such stack file in ${nowhere} (stacks there: none)`,
    ]);

    writeStack(dir, "homelab", "config:\n  homelab:services:\n    api:\n      image: [oops\n");
    const broken = await promote(request(dir), { gate: fakeGate().gate });
    expect(broken.exitCode).toBe(2);
    expect(broken.problems[0]).toMatch(/^Pulumi\.homelab\.yaml: line 5, column 1: Flow sequence/);

    writeStack(dir, "homelab", stackText(copyFixtures(["homelab"]), "homelab"));
    writeStack(dir, "dev", stackText(dir, "dev").replace('"^sha-[0-9a-f]{7,40}$"', () => '"^sha-[0-9a-f"'));
    const regex = await promote(request(dir), { gate: fakeGate().gate });
    expect(regex.exitCode).toBe(2);
    expect(regex.problems[0]).toMatch(/^Pulumi\.dev\.yaml: homelab:release\.immutableTag: line 6: is not a valid regular expression/);
  });

  it("uses the default pattern when immutableTag is empty, and rejects one that is not a string", async () => {
    const dir = copyFixtures();
    writeStack(dir, "dev", stackText(dir, "dev").replace('"^sha-[0-9a-f]{7,40}$"', "~"));
    const empty = await promote(request(dir, { services: ["api"] }), { gate: fakeGate().gate });
    expect(empty.outcome).toBe("promoted");
    expect(empty.changes).toEqual([{ service: "api", from: "ghcr.io/acme/api:sha-1a2b3c4", to: "ghcr.io/acme/api:sha-2b3c4d5", by: "tag" }]);

    const numeric = copyFixtures();
    writeStack(numeric, "dev", stackText(numeric, "dev").replace('"^sha-[0-9a-f]{7,40}$"', "7"));
    const before = stackText(numeric, "homelab");
    const report = await promote(request(numeric), { gate: fakeGate().gate });
    expect(report.exitCode).toBe(2);
    expect(report.problems).toEqual(["Pulumi.dev.yaml: homelab:release.immutableTag: line 6: must be a regular expression string"]);
    expect(stackText(numeric, "homelab")).toBe(before);
  });

  it("leaves the target untouched when the write fails half-way", async () => {
    const dir = copyFixtures();
    const before = stackText(dir, "homelab");
    const listing = fs.readdirSync(dir).sort();
    const failingRename: AtomicWriteFs = {
      openSync: (f, flags, mode) => fs.openSync(f, flags, mode),
      writeSync: (fd, b, o, l) => fs.writeSync(fd, b, o, l),
      fsyncSync: (fd) => fs.fsyncSync(fd),
      closeSync: (fd) => fs.closeSync(fd),
      renameSync: () => {
        throw Object.assign(new Error("EXDEV: simulated rename failure"), { code: "EXDEV" });
      },
      unlinkSync: (f) => fs.unlinkSync(f),
      statSync: (f) => fs.statSync(f),
    };
    const report = await promote(request(dir), { gate: fakeGate().gate, fs: failingRename });
    expect(report.outcome).toBe("failed");
    expect(report.exitCode).toBe(1);
    expect(report.problems).toEqual(["could not write Pulumi.homelab.yaml (EXDEV: simulated rename failure); it was left as it was"]);
    expect(formatPromoteReport(report)).toMatch(/\nfailed: nothing written\n {2}- could not write Pulumi\.homelab\.yaml/);
    expect(stackText(dir, "homelab")).toBe(before);
    expect(fs.readdirSync(dir).sort()).toEqual(listing);
  });

  it("does not recreate a target deleted while the gate was planning", async () => {
    const dir = copyFixtures();
    const report = await promote(request(dir), {
      gate: async (stack) => {
        if (stack === "homelab") fs.unlinkSync(path.join(dir, "Pulumi.homelab.yaml"));
        return { mandatory: [], configErrors: [] };
      },
    });
    expect(report.outcome).toBe("refused");
    expect(report.problems).toEqual(["Pulumi.homelab.yaml changed on disk while promoting; nothing written, run again"]);
    expect(fs.existsSync(path.join(dir, "Pulumi.homelab.yaml"))).toBe(false);
  });

  it("lets an unexpected failure while reading a stack file through unchanged", async () => {
    const dir = copyFixtures();
    const read = jest.spyOn(StackFile, "read").mockImplementation(() => {
      throw new RangeError("simulated parser crash");
    });
    try {
      await expect(promote(request(dir), { gate: fakeGate().gate })).rejects.toThrow(new RangeError("simulated parser crash"));
    } finally {
      read.mockRestore();
    }
  });

  it("does not overwrite an edit made while the gate was planning", async () => {
    const dir = copyFixtures();
    const edited = stackText(dir, "homelab") + "# edited by someone else\n";
    const report = await promote(request(dir), {
      gate: async (stack) => {
        if (stack === "homelab") writeStack(dir, "homelab", edited);
        return { mandatory: [], configErrors: [] };
      },
    });
    expect(report.exitCode).toBe(1);
    expect(report.problems).toEqual(["Pulumi.homelab.yaml changed on disk while promoting; nothing written, run again"]);
    expect(stackText(dir, "homelab")).toBe(edited);
  });
});
