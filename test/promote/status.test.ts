import { formatStatus, promotionStatus } from "../../infra/promote";
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
    expect(text).toContain("nothing is waiting for promotion");
    expect(text).not.toMatch(/\d+ services? waiting/);
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
