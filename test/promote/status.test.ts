import { formatStatus, promotionStatus } from "../../infra/promote";
import { copyFixtures, removeCopies, writeStack } from "./helpers";

afterEach(removeCopies);

describe("promotion status", () => {
  it("shows each service's image per stack and which stacks are behind the one before", () => {
    const report = promotionStatus(copyFixtures());
    expect(report.stacks.map((s) => [s.stack, s.present])).toEqual([["dev", true], ["homelab", true], ["prod", true]]);
    const row = (service: string) => report.rows.find((r) => r.service === service);
    expect(row("api")).toEqual({
      service: "api",
      images: { dev: "ghcr.io/acme/api:sha-2b3c4d5", homelab: "ghcr.io/acme/api:sha-1a2b3c4", prod: "ghcr.io/acme/api:sha-0fedcba" },
      behind: ["homelab", "prod"],
    });
    // prod runs the same web as homelab, so only homelab waits.
    expect(row("web")?.behind).toEqual(["homelab"]);
    // A stack without the service is never behind on it.
    expect(row("worker")?.behind).toEqual(["homelab"]);
    expect(row("scratch")?.behind).toEqual([]);
    expect(row("postgres")?.behind).toEqual([]);
    expect(report.rows.map((r) => r.service)).toEqual(["api", "web", "worker", "postgres", "scratch", "sidecar"]);
  });

  it("marks stacks without a file and still reports the others", () => {
    const report = promotionStatus(copyFixtures(["dev", "homelab"]));
    expect(report.stacks.map((s) => s.present)).toEqual([true, true, false]);
    const text = formatStatus(report);
    expect(text.split("\n")[0]).toMatch(/^SERVICE\s+dev\s+homelab\s+prod \(no file\)\s+BEHIND$/);
  });

  it("says when nothing is waiting", () => {
    const dir = copyFixtures(["dev"]);
    writeStack(dir, "homelab", "config:\n  homelab:services:\n    api:\n      image: ghcr.io/acme/api:sha-2b3c4d5\n");
    expect(formatStatus(promotionStatus(dir))).toContain("every stack runs what the stack before it runs");
  });

  it("lists the problems of every broken file at once", () => {
    const dir = copyFixtures();
    writeStack(dir, "dev", "config: [\n");
    writeStack(dir, "prod", "config:\n  homelab:services:\n    api: 3\n");
    expect(() => promotionStatus(dir)).toThrow(/Pulumi\.dev\.yaml: line[\s\S]*Pulumi\.prod\.yaml: homelab:services\.api: line 3: must be a map of settings/);
  });
});
