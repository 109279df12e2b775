/**
 * The base side of a diff. `--base-plan FILE` reads a JSON plan saved earlier
 * (`--format json`). `--base REF` plans the commit REF with its own program
 * and stack files: the commit is checked out into a temporary git worktree
 * (removed afterwards) and that checkout's own `infra/cli/plan.ts` runs in a
 * child process, so a change to the program shows as well as a change to a
 * stack file.
 *
 * Dependencies: when the base's package-lock.json is the same as the current
 * one (or neither has one), the base uses the current checkout's
 * node_modules (linked). When it differs, the base needs other dependencies:
 * `npm ci` installs them in the worktree first (network needed); if that
 * fails, the error says so and suggests `--base-plan` with a plan saved at
 * the base.
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { UsageError } from "../../errors";
import { listStacks } from "../project";
import { parsePlanSides, type PlanSide } from "./side";

export interface BaseSides {
  /** How the base is named in the report: `<ref> (<short commit>)` or the file. */
  readonly label: string;
  readonly sides: ReadonlyMap<string, PlanSide>;
  /** --base: a stack without a stack file at the base is new (its base is empty); --base-plan: an error. */
  readonly missingIsNew: boolean;
}

/** Reads `--base-plan FILE`; a missing or malformed file is a usage error (exit 2). */
export function readBasePlan(file: string): BaseSides {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new UsageError(`--base-plan ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`--base-plan ${file}: not JSON (${(err as Error).message})`);
  }
  try {
    const sides = parsePlanSides(json);
    return { label: path.basename(file), sides: new Map(sides.map((s) => [s.stack, s])), missingIsNew: false };
  } catch (err) {
    throw new UsageError(`--base-plan ${file}: ${(err as Error).message}`);
  }
}

function git(cwd: string, args: readonly string[]): { ok: boolean; out: string; err: string } {
  const r = spawnSync("git", [...args], { cwd, encoding: "utf8" });
  if (r.error) throw new UsageError(`--base needs git, which could not run (${r.error.message})`);
  return { ok: r.status === 0, out: r.stdout.trim(), err: r.stderr.trim() };
}

/** The nearest folder at or above `dir` holding `name`. */
function findUp(dir: string, name: string, stopAt?: string): string | undefined {
  for (let cur = path.resolve(dir); ; cur = path.dirname(cur)) {
    if (fs.existsSync(path.join(cur, name))) return cur;
    if (cur === stopAt || path.dirname(cur) === cur) return undefined;
  }
}

const readOrEmpty = (file: string): string => (fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "");

export interface BaseRefOptions {
  readonly ref: string;
  readonly projectDir: string;
  readonly stacks: readonly string[];
  /** The checkout whose node_modules the base may share (this program's own, by default). */
  readonly codeDir: string;
  readonly policyPack?: string;
  readonly log: (line: string) => void;
}

/** Resolves REF to a commit of the repository holding the project; usage errors name what is wrong. */
export function resolveBase(ref: string, projectDir: string): { top: string; commit: string } {
  const top = git(projectDir, ["rev-parse", "--show-toplevel"]);
  if (!top.ok) throw new UsageError(`--base ${ref}: ${projectDir} is not inside a git repository`);
  const commit = git(top.out, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  if (!commit.ok || commit.out === "") {
    throw new UsageError(`--base ${ref}: no such commit, branch or tag in ${top.out} (in a shallow clone, fetch it first: git fetch origin ${ref})`);
  }
  return { top: fs.realpathSync(top.out), commit: commit.out };
}

/**
 * Makes the base worktree's dependencies available: the current ones when the
 * base has no package.json of its own or the same package-lock.json, else `npm ci`.
 */
function provideDependencies(baseRoot: string, ownPackage: boolean, codeDir: string, log: (line: string) => void): void {
  if (fs.existsSync(path.join(baseRoot, "node_modules"))) return;
  const current = findUp(codeDir, "node_modules");
  const sameLock = readOrEmpty(path.join(baseRoot, "package-lock.json")) === readOrEmpty(path.join(current ?? codeDir, "package-lock.json"));
  if ((!ownPackage || sameLock) && current) {
    fs.symlinkSync(path.join(current, "node_modules"), path.join(baseRoot, "node_modules"), "dir");
    return;
  }
  log("the base's package-lock.json differs from this checkout's: installing its dependencies with npm ci");
  const r = spawnSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: baseRoot, encoding: "utf8" });
  if (r.error || r.status !== 0) {
    const why = r.error?.message ?? r.stderr.trim().split("\n").slice(-3).join(" ");
    throw new Error(`the base needs other dependencies (its package-lock.json differs) and npm ci failed in its worktree: ${why}; plan the base in its own checkout and pass that JSON with --base-plan instead`);
  }
}

/** Runs the base checkout's own plan command; resolves to its JSON output. */
function runBasePlan(baseRoot: string, baseProject: string, stacks: readonly string[], policyPack: string | undefined): Promise<string> {
  const cli = path.join(baseRoot, "infra", "cli", "plan.ts");
  if (!fs.existsSync(cli)) {
    return Promise.reject(new Error(`the base has no offline plan (${path.relative(baseRoot, cli)}); plan it another way and pass the JSON with --base-plan`));
  }
  const tsNode = require.resolve("ts-node/dist/bin.js", { paths: [baseRoot] });
  const args = [tsNode, "--transpile-only", cli, "--format", "json", "--project-dir", baseProject, "--stack", ...stacks];
  if (policyPack) args.push("--policy-pack", policyPack);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: baseRoot, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    let err = "";
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      // 0: clean, 1: a mandatory violation; both print the plan.
      if (code === 0 || code === 1) resolve(Buffer.concat(out).toString("utf8"));
      else reject(new Error(`the plan at the base failed (exit ${code}): ${err.trim().split("\n").slice(0, 8).join("\n  ")}`));
    });
  });
}

/** Plans `stacks` at the commit REF from a temporary worktree, removed afterwards whatever happens. */
export async function planAtRef(opts: BaseRefOptions): Promise<BaseSides> {
  const { top, commit } = resolveBase(opts.ref, opts.projectDir);
  const label = `${opts.ref} (${commit.slice(0, 7)})`;
  const rel = path.relative(top, fs.realpathSync(opts.projectDir));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-base-"));
  const worktree = path.join(tmp, "base");
  const added = git(top, ["worktree", "add", "--detach", "--quiet", worktree, commit]);
  if (!added.ok) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw new Error(`--base ${opts.ref}: git worktree add failed: ${added.err}`);
  }
  try {
    const baseProject = path.join(worktree, rel);
    const present = fs.existsSync(baseProject) ? listStacks(baseProject) : [];
    const stacks = opts.stacks.filter((s) => present.includes(s));
    if (stacks.length === 0) return { label, sides: new Map(), missingIsNew: true };
    const packageRoot = findUp(baseProject, "package.json", worktree);
    const baseRoot = packageRoot ?? baseProject;
    provideDependencies(baseRoot, packageRoot !== undefined, opts.codeDir, opts.log);
    const json: unknown = JSON.parse(await runBasePlan(baseRoot, baseProject, stacks, opts.policyPack));
    const sides = parsePlanSides(json);
    return { label, sides: new Map(sides.map((s) => [s.stack, s])), missingIsNew: true };
  } finally {
    git(top, ["worktree", "remove", "--force", worktree]);
    fs.rmSync(tmp, { recursive: true, force: true });
    git(top, ["worktree", "prune"]);
  }
}
