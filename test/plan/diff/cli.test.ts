/**
 * `npm run plan` against a base: --base-plan with a plan saved earlier,
 * --base with a real git repository (two commits, the base planned from a
 * temporary worktree that is gone afterwards), the three formats, and
 * --detailed-exitcode.
 */
import { runPlan } from "../../support/planCli";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { scratchProject } from "../../../bench/cli";
import type { JsonDiff } from "../../../infra/plan/diff/render";
import { editStack, PROJECT_DIR, stackText } from "../../support/stacks";

jest.mock("../../../infra/providers/behaviours", () => (require("./behaviours") as typeof import("./behaviours")).providerFacts());

jest.setTimeout(300_000);

const plan = runPlan;

const made: string[] = [];
afterAll(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
const project = (stacks: Record<string, string>): string => {
  const dir = scratchProject(stacks);
  made.push(dir);
  return dir;
};
const tmp = (): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-diff-"));
  made.push(dir);
  return dir;
};

const HEAD_DEV = editStack("dev", [
  [["homelab:services", "postgres", "image"], "postgres:16.6"],
  [["homelab:services", "commander", "ports"], ["192.168.1.20:8000:8000"]],
]);

describe("--base-plan: a JSON plan saved earlier", () => {
  let saved: string;
  let headDir: string;
  beforeAll(async () => {
    saved = path.join(tmp(), "base.json");
    const r = await plan(["--stack", "dev", "--project-dir", project({ dev: stackText("dev") }), "--format", "json", "--out", saved]);
    expect(r.code).toBe(0);
    headDir = project({ dev: HEAD_DEV });
  });

  test("json: the issue's shape, the changes and exposure first; --detailed-exitcode gives 3", async () => {
    const r = await plan(["--stack", "dev", "--project-dir", headDir, "--base-plan", saved, "--format", "json", "--detailed-exitcode"]);
    expect(r.code).toBe(3);
    const d = JSON.parse(r.stdout) as JsonDiff;
    expect(Object.keys(d).sort()).toEqual(["base", "changes", "data", "downtime", "exposure", "newStack", "stack", "summary"]);
    expect(d).toMatchObject({ stack: "dev", base: "base.json", newStack: false });
    for (const c of d.changes) expect(Object.keys(c).sort()).toEqual(expect.arrayContaining(["action", "diff", "name", "reasons", "type", "urn"]));
    const byName = Object.fromEntries(d.changes.map((c) => [c.name, c]));
    expect(byName["postgres-image"]).toMatchObject({ action: "replace", reasons: ["name"] });
    expect(byName["commander-container"]).toMatchObject({ action: "replace", reasons: ["ports"] });
    expect(byName["commander-container"].diff).toEqual([{ path: "ports[0].ip", old: "127.0.0.1", new: "192.168.1.20" }]);
    expect(d.exposure[0]).toMatchObject({ kind: "hostPort", change: "moved-off-loopback", severity: "high" });
    // Both go down; postgres first, as commander depends on it.
    expect(d.downtime.map((x) => [x.order, x.container])).toEqual([
      [1, "postgres"],
      [2, "commander"],
    ]);
    expect(d.summary).toMatchObject({ create: 0, delete: 0, replace: 3, update: 0, mandatory: 0 });
  });

  test("text: exposure, downtime, data, then the changes", async () => {
    const r = await plan(["--stack", "dev", "--project-dir", headDir, "--base-plan", saved]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    const resources = (JSON.parse(fs.readFileSync(saved, "utf8")) as { resources: unknown[] }).resources.length;
    expect(lines[0]).toBe(`Stack dev against base.json: 0 to create, 0 to update, 3 to replace, 0 to delete, ${resources - 3} unchanged`);
    const at = (heading: string): number => lines.indexOf(heading);
    expect([at("Exposure"), at("Downtime"), at("Data"), at("Changes")].every((i, k, all) => i > 0 && (k === 0 || i > all[k - 1]))).toBe(true);
    expect(lines[at("Exposure") + 1]).toMatch(/^ {2}! host port 192\.168\.1\.20:8000\/tcp -> commander:8000 on laptop: moves off loopback/);
    expect(lines).toContain("  +- replace postgres-container  (docker:index/container:Container)  because image changed");
  });

  test("markdown: exposure in the open, the rest folded", async () => {
    const r = await plan(["--stack", "dev", "--project-dir", headDir, "--base-plan", saved, "--format", "markdown"]);
    expect(r.code).toBe(0);
    const md = r.stdout;
    expect(md.startsWith("## Plan: `dev` against `base.json`\n")).toBe(true);
    const exposure = md.indexOf("### Exposure");
    const folds = ["<details><summary>Downtime (2)</summary>", "<details><summary>Data (0)</summary>", "<details><summary>Changes (3)</summary>"].map((s) => md.indexOf(s));
    expect(exposure).toBeGreaterThan(0);
    expect(folds.every((i) => i > exposure)).toBe(true);
    expect(md.slice(exposure, folds[0])).toMatch(/- \*\*⚠\*\* host port 192\.168\.1\.20:8000\/tcp -> commander:8000 on laptop: moves off loopback/);
  });

  test("no change against the base: empty changes, exit 0 with --detailed-exitcode", async () => {
    const r = await plan(["--stack", "dev", "--project-dir", project({ dev: stackText("dev") }), "--base-plan", saved, "--format", "json", "--detailed-exitcode"]);
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout) as JsonDiff;
    expect(d.changes).toEqual([]);
    expect(d.exposure).toEqual([]);
    expect(d.summary.same).toBeGreaterThan(0);
  });

  test.each([
    ["a missing file", ["--base-plan", "/nonexistent/base.json"], /^error: --base-plan \/nonexistent\/base\.json: no such file$/],
    ["--base and --base-plan", ["--base", "HEAD", "--base-plan", "x.json"], /give either --base or --base-plan, not both/],
    ["--detailed-exitcode alone", ["--detailed-exitcode"], /^error: --detailed-exitcode needs --base or --base-plan to compare with$/],
  ])("%s: exit 2 before planning", async (_, args, message) => {
    const r = await plan(["--stack", "dev", ...args]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim()).toMatch(message);
  });

  test("a file that is not a plan, or lacks the stack: exit 2", async () => {
    const bad = path.join(tmp(), "bad.json");
    fs.writeFileSync(bad, JSON.stringify({ stack: "dev", resources: "none" }));
    const r1 = await plan(["--stack", "dev", "--base-plan", bad]);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toMatch(/^error: --base-plan .*bad\.json: not a plan in the --format json shape \(resources: /);
    const r2 = await plan(["--stack", "homelab", "--base-plan", saved]);
    expect(r2.code).toBe(2);
    expect(r2.stderr.trim()).toBe(`error: --base-plan ${saved}: has no stack homelab (it has: dev)`);
  });
});

describe("--base: a git commit planned from a temporary worktree", () => {
  const git = (cwd: string, ...args: string[]): string => {
    const r = spawnSync("git", ["-c", "user.name=test", "-c", "user.email=test@example.com", ...args], { cwd, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
    return r.stdout.trim();
  };
  let repo: string;
  beforeAll(() => {
    repo = tmp();
    git(repo, "init", "-q", "-b", "main");
    fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(repo, "Pulumi.yaml"));
    // The program is linked, not copied: the commits differ in their stack files.
    fs.symlinkSync(path.join(PROJECT_DIR, "infra"), path.join(repo, "infra"));
    fs.writeFileSync(path.join(repo, "Pulumi.dev.yaml"), stackText("dev"));
    git(repo, "add", "-A");
    git(repo, "commit", "-q", "-m", "base");
    fs.writeFileSync(path.join(repo, "Pulumi.dev.yaml"), HEAD_DEV);
    fs.writeFileSync(path.join(repo, "Pulumi.homelab.yaml"), stackText("homelab"));
    git(repo, "add", "-A");
    git(repo, "commit", "-q", "-m", "head");
  });

  test("both stacks against HEAD~1: dev's changes, homelab new; the worktree is removed", async () => {
    const r = await plan(["--stack", "dev", "homelab", "--project-dir", repo, "--base", "HEAD~1", "--format", "json", "--detailed-exitcode"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(3);
    const out = JSON.parse(r.stdout) as { stacks: JsonDiff[]; summary: Record<string, number> };
    const commit = git(repo, "rev-parse", "--short=7", "HEAD~1");
    expect(out.stacks.map((s) => [s.stack, s.base, s.newStack])).toEqual([
      ["dev", `HEAD~1 (${commit})`, false],
      ["homelab", `HEAD~1 (${commit})`, true],
    ]);
    const dev = out.stacks[0];
    expect(dev.changes.map((c) => `${c.action} ${c.name}`).sort()).toEqual(["replace commander-container", "replace postgres-container", "replace postgres-image"]);
    const homelab = out.stacks[1];
    expect(homelab.changes.length).toBeGreaterThan(0);
    expect(homelab.changes.every((c) => c.action === "create")).toBe(true);
    expect(homelab.summary.same).toBe(0);
    expect(out.summary).toMatchObject({ stacks: 2, replace: 3, delete: 0 });
    // Only the repository's own worktree is left.
    expect(git(repo, "worktree", "list", "--porcelain").split("\n").filter((l) => l.startsWith("worktree "))).toEqual([`worktree ${fs.realpathSync(repo)}`]);
  });

  test("a base that needs other dependencies: npm ci in its worktree, and a clear error when that fails", async () => {
    const other = tmp();
    git(other, "init", "-q", "-b", "main");
    for (const f of ["Pulumi.yaml", "Pulumi.dev.yaml"]) fs.copyFileSync(path.join(repo, f), path.join(other, f));
    fs.symlinkSync(path.join(PROJECT_DIR, "infra"), path.join(other, "infra"));
    // A lockfile out of step with its package.json: npm ci refuses it without touching the network.
    fs.writeFileSync(path.join(other, "package.json"), JSON.stringify({ name: "old-homelab", version: "0.0.1", dependencies: { yaml: "2.0.0" } }));
    fs.writeFileSync(path.join(other, "package-lock.json"), JSON.stringify({ name: "old-homelab", version: "0.0.1", lockfileVersion: 3, packages: { "": { name: "old-homelab", version: "0.0.1" } } }));
    git(other, "add", "-A");
    git(other, "commit", "-q", "-m", "old base");
    const r = await plan(["--stack", "dev", "--project-dir", other, "--base", "HEAD"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    const lines = r.stderr.trim().split("\n");
    expect(lines[0]).toBe("the base's package-lock.json differs from this checkout's: installing its dependencies with npm ci");
    expect(lines[1]).toMatch(/^error: the base needs other dependencies \(its package-lock\.json differs\) and npm ci failed in its worktree: .*; plan the base in its own checkout and pass that JSON with --base-plan instead$/);
    expect(git(other, "worktree", "list", "--porcelain").split("\n").filter((l) => l.startsWith("worktree "))).toHaveLength(1);
  });

  test("an unknown ref: exit 2, nothing planned", async () => {
    const r = await plan(["--stack", "dev", "--project-dir", repo, "--base", "no-such-branch"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^error: --base no-such-branch: no such commit, branch or tag in /);
  });
});
