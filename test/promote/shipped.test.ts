/**
 * Promotion on copies of the repository's own stack files, judged by the real
 * plan gate: the program under the mock runtime and the policy pack over its
 * gRPC protocol, exactly as `npm run promote` runs them.
 */
import * as fs from "fs";
import * as path from "path";
import { makePlanGate, PolicyRunner } from "../../infra/plan";
import { formatPromoteReport, promote, type PlanGate, type PromoteRequest } from "../../infra/promote";
import { changedLines, copyShipped, removeCopies, stackText, writeStack } from "./helpers";

const COMMANDER = "ghcr.io/pedromiravaz/miravaz-commander:sha-4f9c2e1";
const NEXT = "ghcr.io/pedromiravaz/miravaz-commander:sha-9e8d7c6";

let runner: PolicyRunner;
let realGate: PlanGate;
const asked: string[] = [];
const gate: PlanGate = (stack, text) => {
  asked.push(stack);
  return realGate(stack, text);
};

beforeAll(() => {
  runner = new PolicyRunner();
  realGate = makePlanGate({ runner });
});
afterAll(() => runner.close());
beforeEach(() => asked.splice(0));
afterEach(removeCopies);

const request = (dir: string, more: Partial<PromoteRequest> = {}): PromoteRequest => ({ from: "dev", to: "homelab", projectDir: dir, ...more });

/** The dev copy with commander on a new commit, plus any other edit. */
function withNewCommander(dir: string, edit: (text: string) => string = (t) => t): void {
  const dev = stackText(dir, "dev");
  expect(dev.split(COMMANDER)).toHaveLength(3); // commander and worker
  writeStack(dir, "dev", edit(dev.replace(`image: ${COMMANDER}\n      command: uvicorn`, `image: ${NEXT}\n      command: uvicorn`)));
}

const secureLines = (text: string): string[] => text.split("\n").filter((l) => l.includes("secure:"));
const commentLines = (text: string): string[] => text.split("\n").filter((l) => l.includes("#"));

describe("the shipped stacks as they are", () => {
  it("have nothing to promote, and name the services that only one side has", async () => {
    const dir = copyShipped();
    const devToHomelab = await promote(request(dir), { gate });
    expect(devToHomelab.outcome).toBe("up-to-date");
    expect(devToHomelab.onlyInSource).toEqual(["worker", "postgres", "cache"]);
    expect(devToHomelab.onlyInTarget).toEqual([]);
    expect(formatPromoteReport(devToHomelab)).toBe("nothing to promote: homelab already runs dev's images\n  only in dev, not added to homelab: worker, postgres, cache\n");

    const homelabToProd = await promote(request(dir, { from: "homelab", to: "prod" }), { gate });
    expect(homelabToProd.outcome).toBe("up-to-date");
    expect(homelabToProd.onlyInSource).toEqual([]);
    expect(homelabToProd.onlyInTarget).toEqual(["worker", "postgres", "cache"]);
    expect(asked).toEqual([]);
  });
});

describe("a new commander image in dev", () => {
  it("dry run: plans both stacks, writes nothing", async () => {
    const dir = copyShipped();
    withNewCommander(dir);
    const before = stackText(dir, "homelab");
    const report = await promote(request(dir, { dryRun: true }), { gate });
    expect(report.outcome).toBe("dry-run");
    expect(report.changes).toEqual([{ service: "commander", from: COMMANDER, to: NEXT, by: "tag" }]);
    expect(asked).toEqual(["dev", "homelab"]);
    expect(stackText(dir, "homelab")).toBe(before);
  });

  it("moves to homelab changing one line, keeps every secure value and comment, then to prod, and a rerun changes nothing", async () => {
    const dir = copyShipped();
    withNewCommander(dir);
    const dev = stackText(dir, "dev");
    const homelab = stackText(dir, "homelab");
    const report = await promote(request(dir), { gate });
    expect(report.problems).toEqual([]);
    expect(report.outcome).toBe("promoted");
    expect(formatPromoteReport(report)).toBe(
      [
        "promote dev -> homelab (Pulumi.homelab.yaml)",
        `  commander  ${COMMANDER} -> ${NEXT}`,
        "  only in dev, not added to homelab: worker, postgres, cache",
        "promoted 1 image into homelab",
        "",
      ].join("\n"),
    );
    const after = stackText(dir, "homelab");
    const line = homelab.split("\n").indexOf(`      image: ${COMMANDER}`) + 1;
    expect(changedLines(homelab, after)).toEqual([{ line, before: `      image: ${COMMANDER}`, after: `      image: ${NEXT}` }]);
    expect(secureLines(after)).toEqual(secureLines(homelab));
    expect(secureLines(after).length).toBeGreaterThanOrEqual(4);
    expect(commentLines(after)).toEqual(commentLines(homelab));
    expect(stackText(dir, "dev")).toBe(dev);

    const file = path.join(dir, "Pulumi.homelab.yaml");
    const stat = fs.statSync(file);
    const again = await promote(request(dir), { gate });
    expect(again.outcome).toBe("up-to-date");
    expect(fs.statSync(file).mtimeMs).toBe(stat.mtimeMs);
    expect(fs.statSync(file).ino).toBe(stat.ino);

    // prod's worker runs the same image but homelab has no worker: it stays as it is.
    const prod = stackText(dir, "prod");
    const onward = await promote(request(dir, { from: "homelab", to: "prod" }), { gate });
    expect(onward.outcome).toBe("promoted");
    expect(onward.onlyInTarget).toEqual(["worker", "postgres", "cache"]);
    const prodAfter = stackText(dir, "prod");
    expect(changedLines(prod, prodAfter)).toHaveLength(1);
    expect(prodAfter).toContain(`    worker:\n      image: ${COMMANDER}\n`);
    expect(secureLines(prodAfter)).toEqual(secureLines(prod));
  });
});

describe("refusals", () => {
  it.each([
    ["latest", "ghcr.io/pedromiravaz/miravaz-commander:latest", "uses the moving tag `latest`"],
    ["no tag", "ghcr.io/pedromiravaz/miravaz-commander", "has no tag or digest"],
    ["a tag outside the pattern", "ghcr.io/pedromiravaz/miravaz-commander:v1.2.3", 'has tag "v1.2.3", which does not match the immutable-tag pattern /^sha-[0-9a-f]{7,40}$/'],
  ])("a mutable reference (%s) moves nothing and never reaches the gate", async (_what, image, reason) => {
    const dir = copyShipped();
    writeStack(dir, "dev", stackText(dir, "dev").replace(`image: ${COMMANDER}\n      command: uvicorn`, `image: ${image}\n      command: uvicorn`));
    const before = stackText(dir, "homelab");
    const report = await promote(request(dir), { gate });
    expect(report.exitCode).toBe(1);
    expect(report.problems).toEqual([expect.stringContaining(`commander: ${image} (Pulumi.dev.yaml homelab:services.commander.image) ${reason}`)]);
    expect(asked).toEqual([]);
    expect(stackText(dir, "homelab")).toBe(before);
  });

  it("a source stack with a mandatory violation promotes nothing", async () => {
    const dir = copyShipped();
    withNewCommander(dir, (t) => t.replace('"127.0.0.1:8000:8000"', '"0.0.0.0:8000:8000"'));
    const before = stackText(dir, "homelab");
    const report = await promote(request(dir), { gate });
    expect(report.outcome).toBe("refused");
    expect(report.exitCode).toBe(1);
    expect(report.problems).toEqual([expect.stringMatching(/^source stack dev: mandatory policy no-public-ports violated by urn:pulumi:dev::homelab::.*commander-container: .*0\.0\.0\.0/s)]);
    expect(stackText(dir, "homelab")).toBe(before);
  });

  it("a target that would fail its policies with the change applied is left as it was", async () => {
    const dir = copyShipped();
    // dev allows any registry (advisory); homelab's allow-list is mandatory.
    const sentinel = "registry.example.com/miravaz-sentinel:sha-1234567";
    writeStack(dir, "dev", stackText(dir, "dev").replace("ghcr.io/pedromiravaz/miravaz-sentinel:sha-8d21b7a", sentinel));
    const before = stackText(dir, "homelab");
    const report = await promote(request(dir), { gate });
    expect(report.outcome).toBe("refused");
    expect(report.changes.map((c) => [c.service, c.to])).toEqual([["sentinel", sentinel]]);
    expect(report.problems).toEqual([expect.stringMatching(/^target stack homelab: mandatory policy allowed-registries violated by .*sentinel.*registry\.example\.com/s)]);
    expect(stackText(dir, "homelab")).toBe(before);
  });

  it("skipping homelab needs --force; with it, prod's own plan is the gate", async () => {
    const dir = copyShipped();
    withNewCommander(dir);
    const before = stackText(dir, "prod");
    const skip = await promote(request(dir, { to: "prod" }), { gate });
    expect(skip.exitCode).toBe(2);
    expect(skip.problems).toEqual(["dev -> prod skips homelab in the promotion order (dev -> homelab -> prod); pass --force to promote anyway"]);
    expect(asked).toEqual([]);

    const forced = await promote(request(dir, { to: "prod", force: true, dryRun: true }), { gate });
    expect(forced.outcome).toBe("dry-run");
    // Only commander: dev's worker still runs the image prod already has.
    expect(forced.changes.map((c) => c.service)).toEqual(["commander"]);
    expect(asked).toEqual(["dev", "prod"]);
    expect(stackText(dir, "prod")).toBe(before);
  });
});
