import { spawnSync } from "child_process";
import * as path from "path";
import { runPromoteCli, type CliIo } from "../../infra/cli/promote";
import type { PlanGate } from "../../infra/promote";
import { changedLines, copyFixtures, copyShipped, fakeGate, REPO, removeCopies, stackText, writeStack } from "./helpers";

afterEach(removeCopies);

/** Runs the CLI the way `npm run promote` does, in a child process. */
function spawnCli(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const tsNode = path.join(REPO, "node_modules", "ts-node", "dist", "bin.js");
  const r = spawnSync(process.execPath, [tsNode, "--transpile-only", "infra/cli/promote.ts", ...args], { cwd: REPO, encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const noTrace = (text: string): void => {
  expect(text).not.toMatch(/^\s+at .+[:(]/m);
  expect(text).not.toContain("node_modules");
};

describe("promote CLI (spawned)", () => {
  it.each([
    [[], "--from <stack> is required"],
    [["--from", "dev"], "--to <stack> is required"],
    [["--from", "dev", "--to", "homelab", "--bogus"], "unknown option '--bogus'"],
    [["--from"], "option '--from <stack>' argument missing"],
    [["--status", "--from", "dev"], "--status cannot be combined with --from"],
    [["--from", "dev", "--to", "dev"], 'both "dev"'],
    [["stray"], "too many arguments"],
  ])("exits 2 with a clear message for %j", (args, message) => {
    const r = spawnCli(args);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(message);
    noTrace(r.stderr);
  });

  it("exits 2 for an out-of-order target and for an unknown service, listing every problem", () => {
    const dir = copyFixtures();
    const r = spawnCli(["--project-dir", dir, "--from", "dev", "--to", "prod", "--services", "api,ghost"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("error: cannot promote dev -> prod (3 problems):");
    expect(r.stderr).toContain("pass --force to promote anyway");
    expect(r.stderr).toContain("Pulumi.dev.yaml: homelab:services.ghost: no such service");
    expect(r.stderr).toContain("Pulumi.prod.yaml: homelab:services.ghost: no such service");
    noTrace(r.stderr);
  });

  it("exits 2 naming the file and line when a stack file does not parse", () => {
    const dir = copyFixtures();
    writeStack(dir, "homelab", "config:\n  homelab:services: [\n");
    const r = spawnCli(["--project-dir", dir, "--status"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/Pulumi\.homelab\.yaml: line \d+, column \d+: /);
    noTrace(r.stderr);
  });

  it("exits 1 when a mutable tag would move, naming the service and image", () => {
    const dir = copyFixtures();
    writeStack(dir, "dev", stackText(dir, "dev").replace("api:sha-2b3c4d5   #", "api:latest   #"));
    const before = stackText(dir, "homelab");
    const r = spawnCli(["--project-dir", dir, "--from", "dev", "--to", "homelab"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("refused: nothing written");
    expect(r.stderr).toContain("api: ghcr.io/acme/api:latest (Pulumi.dev.yaml homelab:services.api.image) uses the moving tag `latest`");
    expect(stackText(dir, "homelab")).toBe(before);
    noTrace(r.stderr);
  });

  it("prints the status table and exits 0", () => {
    const dir = copyFixtures();
    const r = spawnCli(["--project-dir", dir, "--status"]);
    expect(r.status).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toMatch(/^SERVICE\s+dev\s+homelab\s+prod\s+BEHIND$/);
    expect(lines.find((l) => l.startsWith("api "))).toMatch(/^api\s+ghcr\.io\/acme\/api:sha-2b3c4d5\s+ghcr\.io\/acme\/api:sha-1a2b3c4\s+ghcr\.io\/acme\/api:sha-0fedcba\s+homelab, prod$/);
    expect(lines.find((l) => l.startsWith("postgres "))).toMatch(/\s+-$/);
    expect(r.stdout).toContain("3 services waiting for promotion");
  });

  it("promotes a copy of the shipped stacks through the real plan gate, printing the diff", () => {
    const dir = copyShipped();
    const old = "ghcr.io/pedromiravaz/miravaz-sentinel:sha-8d21b7a";
    const next = "ghcr.io/pedromiravaz/miravaz-sentinel:sha-0c0ffee";
    writeStack(dir, "dev", stackText(dir, "dev").replace(old, next));
    const before = stackText(dir, "homelab");
    const r = spawnCli(["--project-dir", dir, "--from", "dev", "--to", "homelab"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout.split("\n")).toEqual([
      "promote dev -> homelab (Pulumi.homelab.yaml)",
      `  sentinel  ${old} -> ${next}`,
      "  only in dev, not added to homelab: worker, postgres, cache",
      "promoted 1 image into homelab",
      "",
    ]);
    expect(changedLines(before, stackText(dir, "homelab")).map((c) => c.after.trim())).toEqual([`image: ${next}`]);
  });

  it("exits 2 with one message for an unknown stack and for a folder without stack files", () => {
    const dir = copyShipped();
    const unknown = spawnCli(["--project-dir", dir, "--from", "qa", "--to", "homelab"]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toBe(`error: cannot promote qa -> homelab (1 problem):\n  - Pulumi.qa.yaml: no such stack file in ${dir} (stacks there: dev, homelab, prod)\n`);
    const empty = copyFixtures([]);
    const status = spawnCli(["--project-dir", empty, "--status"]);
    expect(status.status).toBe(2);
    expect(status.stdout).toBe("");
    expect(status.stderr).toContain(`${empty}: no stack file for any of dev, homelab, prod`);
    noTrace(status.stderr);
  });

  it("prints help and exits 0", () => {
    const r = spawnCli(["--help"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("--dry-run");
  });
});

describe("promote CLI (in process, fake gate)", () => {
  function capture(): { io: CliIo; out: string[]; err: string[] } {
    const out: string[] = [];
    const err: string[] = [];
    return { io: { stdout: (t) => out.push(t), stderr: (t) => err.push(t) }, out, err };
  }

  it("promotes, then reports nothing to do", async () => {
    const dir = copyFixtures();
    const { gate } = fakeGate();
    const first = capture();
    expect(await runPromoteCli(["--project-dir", dir, "--from", "dev", "--to", "homelab"], first.io, { loadGate: async () => gate })).toBe(0);
    expect(first.out.join("")).toContain("  api     ghcr.io/acme/api:sha-1a2b3c4 -> ghcr.io/acme/api:sha-2b3c4d5\n");
    const second = capture();
    expect(await runPromoteCli(["--project-dir", dir, "--from", "dev", "--to", "homelab"], second.io, { loadGate: async () => gate })).toBe(0);
    expect(second.out.join("")).toBe(["nothing to promote: homelab already runs dev's images", "  only in dev, not added to homelab: scratch", "  only in homelab, left as they are: sidecar", ""].join("\n"));
  });

  it("exits 1 when the gate refuses, and --dry-run never writes", async () => {
    const dir = copyFixtures();
    const before = stackText(dir, "homelab");
    const refusing: PlanGate = async (stack) => ({ mandatory: stack === "homelab" ? [{ policy: "p", urn: "u", message: "m" }] : [], configErrors: [] });
    const refused = capture();
    expect(await runPromoteCli(["--project-dir", dir, "--from", "dev", "--to", "homelab"], refused.io, { loadGate: async () => refusing })).toBe(1);
    expect(refused.err.join("")).toContain("target stack homelab: mandatory policy p violated by u: m");
    const dry = capture();
    expect(await runPromoteCli(["--project-dir", dir, "--from", "dev", "--to", "homelab", "--dry-run"], dry.io, { loadGate: async () => fakeGate().gate })).toBe(0);
    expect(dry.out.join("")).toContain("nothing written");
    expect(stackText(dir, "homelab")).toBe(before);
  });

  it("needs --force to skip a stack, and promotes with it", async () => {
    const dir = copyFixtures();
    const io = capture();
    expect(await runPromoteCli(["--project-dir", dir, "--from", "dev", "--to", "prod", "--force", "--services", "web"], io.io, { loadGate: async () => fakeGate().gate })).toBe(0);
    expect(stackText(dir, "prod")).toContain("image: ghcr.io/acme/web@sha256:0123456789abcdef");
  });
});
