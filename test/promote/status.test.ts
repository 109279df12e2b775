import { formatStatus, promotionStatus } from "../../infra/promote";
import { StackFile } from "../../infra/stackfile";
import { copyFixtures, removeCopies, stackText, writeStack } from "./helpers";

afterEach(removeCopies);

describe("promotion status", () => {
  it("shows each service's image per stack and which stacks run something other than an earlier immutable image", () => {
    const report = promotionStatus(copyFixtures());
    expect(report.stacks.map((s) => [s.stack, s.present])).toEqual([["dev", true], ["homelab", true], ["prod", true]]);
    const row = (service: string) => report.rows.find((r) => r.service === service);
    expect(row("api")).toEqual({
      service: "api",
      images: { dev: "ghcr.io/acme/api:sha-2b3c4d5", homelab: "ghcr.io/acme/api:sha-1a2b3c4", prod: "ghcr.io/acme/api:sha-0fedcba" },
      behind: ["homelab", "prod"],
    });
    // prod runs the same web as homelab, but dev's digest has reached neither.
    expect(row("web")?.behind).toEqual(["homelab", "prod"]);
    // A stack without the service is never behind on it.
    expect(row("worker")?.images.prod).toBeUndefined();
    expect(row("worker")?.behind).toEqual(["homelab"]);
    // Only in dev, and mutable anyway.
    expect(row("scratch")?.behind).toEqual([]);
    expect(row("postgres")?.behind).toEqual([]);
    expect(row("sidecar")).toEqual({ service: "sidecar", images: { dev: undefined, homelab: undefined, prod: undefined }, behind: [] });
    expect(report.rows.map((r) => r.service)).toEqual(["api", "web", "worker", "postgres", "scratch", "sidecar"]);
  });

  it("skips a stack that lacks the service when looking further back", () => {
    const dir = copyFixtures();
    // worker: dev runs sha-2b3c4d5, homelab drops it, prod runs an older tag.
    writeStack(dir, "homelab", stackText(dir, "homelab").replace(/ {4}worker:\n.*\n.*\n/, ""));
    writeStack(dir, "prod", stackText(dir, "prod") + "    worker:\n      image: ghcr.io/acme/api:sha-1a2b3c4\n");
    const worker = promotionStatus(dir).rows.find((r) => r.service === "worker");
    expect(worker?.images).toEqual({ dev: "ghcr.io/acme/api:sha-2b3c4d5", homelab: undefined, prod: "ghcr.io/acme/api:sha-1a2b3c4" });
    expect(worker?.behind).toEqual(["prod"]);
  });

  it("does not count an earlier mutable image, judged by that stack's own pattern", () => {
    const dir = copyFixtures();
    writeStack(dir, "dev", stackText(dir, "dev").replace("api:sha-2b3c4d5   #", "api:latest   #"));
    // homelab sets no pattern, so its sha- tag is immutable by default and prod (a different tag) is still behind it.
    expect(promotionStatus(dir).rows.find((r) => r.service === "api")?.behind).toEqual(["prod"]);
    // With a homelab pattern its tag does not match, nothing upstream can move, and nobody is behind.
    writeStack(dir, "homelab", stackText(dir, "homelab").replace("config:\n", () => "config:\n  homelab:release:\n    immutableTag: '^v[0-9]+$'\n"));
    expect(promotionStatus(dir).rows.find((r) => r.service === "api")?.behind).toEqual([]);
  });

  it("marks stacks without a file and still reports the others", () => {
    const report = promotionStatus(copyFixtures(["dev", "homelab"]));
    expect(report.stacks.map((s) => s.present)).toEqual([true, true, false]);
    const text = formatStatus(report);
    expect(text.split("\n")[0]).toMatch(/^SERVICE\s+dev\s+homelab\s+prod \(no file\)\s+BEHIND$/);
    expect(text.split("\n").find((l) => l.startsWith("api "))).toMatch(/\s-\s+homelab$/);
  });

  it("refuses a folder with no stack file at all rather than print an empty table", () => {
    const dir = copyFixtures([]);
    expect(() => promotionStatus(dir)).toThrow(`${dir}: no stack file for any of dev, homelab, prod (expected Pulumi.dev.yaml, Pulumi.homelab.yaml, Pulumi.prod.yaml)`);
  });

  it("says when nothing is waiting", () => {
    const dir = copyFixtures(["dev"]);
    writeStack(dir, "homelab", "config:\n  homelab:services:\n    api:\n      image: ghcr.io/acme/api:sha-2b3c4d5\n");
    const text = formatStatus(promotionStatus(dir));
    expect(text.split("\n").slice(-3)).toEqual(["", "nothing is waiting for promotion", ""]);
  });

  it("lets an unexpected failure while reading a file through unchanged", () => {
    const dir = copyFixtures();
    const read = jest.spyOn(StackFile, "read").mockImplementation(() => {
      throw new RangeError("simulated parser crash");
    });
    try {
      expect(() => promotionStatus(dir)).toThrow(new RangeError("simulated parser crash"));
    } finally {
      read.mockRestore();
    }
  });

  it("lists the problems of every broken file at once", () => {
    const dir = copyFixtures();
    writeStack(dir, "dev", "config: [\n");
    writeStack(dir, "homelab", "config:\n  homelab:release:\n    immutableTag: '(['\n");
    writeStack(dir, "prod", "config:\n  homelab:services:\n    api: 3\n");
    expect(() => promotionStatus(dir)).toThrow(
      /Pulumi\.dev\.yaml: line[\s\S]*Pulumi\.homelab\.yaml: homelab:release\.immutableTag: line 3: is not a valid regular expression[\s\S]*Pulumi\.prod\.yaml: homelab:services\.api: line 3: must be a map of settings/,
    );
  });
});

/** A stack file giving each service just an image. */
function imagesOnly(images: Readonly<Record<string, string>>): string {
  return "config:\n  homelab:services:\n" + Object.entries(images).map(([s, i]) => `    ${s}:\n      image: ${i}\n`).join("");
}

describe("promotion status table", () => {
  const dev = { api: "acme/api:sha-2222222", db: "pg:16", tmp: "t:latest" };
  const homelab = { api: "acme/api:sha-1111111", db: "pg:16", cache: "c:sha-aaaaaaa" };
  const prod = { api: "acme/api:sha-1111111", cache: "c:sha-bbbbbbb" };

  it("prints one padded column per stack, '-' for a missing image or nobody behind, and how many services wait", () => {
    const dir = copyFixtures([]);
    writeStack(dir, "dev", imagesOnly(dev));
    writeStack(dir, "homelab", imagesOnly(homelab));
    writeStack(dir, "prod", imagesOnly(prod));
    const report = promotionStatus(dir);
    // cache: dev lacks it, so only homelab's immutable tag counts against prod.
    expect(report.rows.map((r) => [r.service, r.behind])).toEqual([["api", ["homelab", "prod"]], ["db", []], ["tmp", []], ["cache", ["prod"]]]);
    expect(formatStatus(report)).toBe(
      [
        "SERVICE  dev                   homelab               prod                  BEHIND",
        "api      acme/api:sha-2222222  acme/api:sha-1111111  acme/api:sha-1111111  homelab, prod",
        "db       pg:16                 pg:16                 -                     -",
        "tmp      t:latest              -                     -                     -",
        "cache    -                     c:sha-aaaaaaa         c:sha-bbbbbbb         prod",
        "",
        "2 services waiting for promotion",
        "",
      ].join("\n"),
    );
  });

  it("compares later stacks when the first stack has no file, and counts a single waiting service", () => {
    const dir = copyFixtures([]);
    writeStack(dir, "homelab", imagesOnly(homelab));
    writeStack(dir, "prod", imagesOnly(prod));
    expect(formatStatus(promotionStatus(dir))).toBe(
      [
        "SERVICE  dev (no file)  homelab               prod                  BEHIND",
        "api      -              acme/api:sha-1111111  acme/api:sha-1111111  -",
        "db       -              pg:16                 -                     -",
        "cache    -              c:sha-aaaaaaa         c:sha-bbbbbbb         prod",
        "",
        "1 service waiting for promotion",
        "",
      ].join("\n"),
    );
  });

  it("ends the fixture table with the count of waiting services", () => {
    expect(formatStatus(promotionStatus(copyFixtures())).split("\n").slice(-3)).toEqual(["", "3 services waiting for promotion", ""]);
  });
});
