/**
 * `npm run plan -- --stack <name> [--format text|markdown|json] [--out FILE]`
 * `npm run plan -- --all [...]`
 * `npm run plan -- --all --base <git-ref> | --base-plan <file> [--detailed-exitcode]`
 *
 * A credential-free preview: the real program evaluated under Pulumi's mock
 * runtime, checked by the policy pack over the analyzer protocol.
 * Exit codes: 0 clean or advisory only, 1 a mandatory violation (or an
 * unexpected failure), 2 invalid config or arguments; with
 * --detailed-exitcode, 3 when anything differs from the base.
 */
import * as fs from "fs";
import * as path from "path";
import { type Command, Option } from "commander";
import { PROJECT_DIR } from "../context";
import { ConfigError, formatProblem, UsageError } from "../errors";
import { planAtRef, readBasePlan, resolveBase, type BaseSides } from "../plan/diff/base";
import { diffStack, emptySide, hasChanges, type StackDiff } from "../plan/diff";
import { renderDiff } from "../plan/diff/render";
import { listStacks } from "../plan/project";
import { planStacks, type StackPlan } from "../plan/plan";
import { FORMATS, jsonPlan, render, type Format } from "../plan/render";
import { writeFileAtomic } from "../stackfile";
import { cliCommand, defaultIo, parseArgs, runMain, splitList, type CliIo } from "./io";

export type { CliIo };

interface Options {
  stack?: string[];
  all?: boolean;
  format: string;
  out?: string;
  projectDir: string;
  policyPack?: string;
  base?: string;
  basePlan?: string;
  detailedExitcode?: boolean;
}

/** --detailed-exitcode's answer when the plan passes and something differs from the base. */
export const EXIT_CHANGES = 3;

const HELP_AFTER = `
Output:
  text and markdown print one section per stack, in the order planned.
  json with one --stack name prints that stack's object:
    {stack, file, profile, policyPack, policyConfig,
     resources: [{urn, type, name, parent, provider, inputs, dependencies,
                  propertyDependencies, options}],
     endpoints: [...], violations: [{policy, level, urn, message}], summary}
  json with --all or several --stack names prints one object holding them all:
    {stacks: [<one object per stack, as above>], summary: {stacks, mandatory, advisory}}
  Secrets print as "[secret]", values that exist only after deployment as
  "(known after deploy)". --out replaces FILE atomically.

Against a base (--base <git-ref> or --base-plan <file>):
  each stack is compared with the base, exposure first (hostnames made public
  or losing Access, tunnel routes, host ports off loopback, policy findings new
  or fixed), then downtime (replaced containers, in order), data (volumes
  deleted, replaced or found again, mounts dropped) and every resource change
  (create, update, replace, delete, with old -> new per input). --base plans
  the commit from a temporary git worktree with its own program and stack
  files; --base-plan reads a plan saved earlier with --format json.
  json with one stack: {stack, base, newStack, changes: [{urn, type, name,
    action, reasons, diff: [{path, old, new}]}], exposure, downtime, data, summary}
  json with several: {stacks: [...], summary}

Exit codes:
  0  clean, or advisory findings only (with --detailed-exitcode: and no change)
  1  at least one mandatory policy violation (or an unexpected failure)
  2  invalid stack config, policy config or arguments
  3  with --detailed-exitcode: the plan passes and something differs from the base
`;

export function planCommand(io: CliIo): Command {
  return cliCommand("plan", io)
    .description("Preview a stack offline (no credentials, no Docker) and check it with the homelab-guard policy pack.")
    .addOption(new Option("-s, --stack <name...>", "stack(s) to plan (Pulumi.<name>.yaml), comma-separated or repeated"))
    .option("-a, --all", "plan every Pulumi.<stack>.yaml in the project, in promotion order")
    .addOption(new Option("-f, --format <format>", `output format: ${FORMATS.join(", ")}`).default("text"))
    .option("-o, --out <file>", "write the report to this file (atomically, creating folders) instead of stdout")
    .option("--project-dir <dir>", "folder holding Pulumi.yaml, the program it names (main) and the stack files", PROJECT_DIR)
    .option("--policy-pack <dir>", "policy pack folder, holding PulumiPolicy.yaml (default: the project's policies/)")
    .option("--base <git-ref>", "show what changes against this commit, branch or tag (planned from a temporary git worktree)")
    .option("--base-plan <file>", "show what changes against a plan saved earlier with --format json")
    .option("--detailed-exitcode", `with --base or --base-plan: exit ${EXIT_CHANGES} when anything changes, 0 when nothing does`)
    .addHelpText("after", HELP_AFTER)
    .allowExcessArguments(false);
}

const isFormat = (f: string): f is Format => (FORMATS as readonly string[]).includes(f);

/** The nearest existing folder at or above `dir`. */
function existingAncestor(dir: string): string {
  let cur = dir;
  while (!fs.existsSync(cur) && path.dirname(cur) !== cur) cur = path.dirname(cur);
  return cur;
}

/** Why `out` cannot be written, checked before planning so a bad path costs nothing. */
function outProblem(out: string): string | undefined {
  const file = path.resolve(out);
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) return `--out ${out}: is a folder, not a file`;
  const base = existingAncestor(path.dirname(file));
  if (!fs.statSync(base).isDirectory()) return `--out ${out}: ${base} is not a folder`;
  try {
    fs.accessSync(base, fs.constants.W_OK);
  } catch {
    return `--out ${out}: ${base} is not writable`;
  }
  return undefined;
}

/** Creates the missing folders one level at a time, then replaces the file atomically. */
function writeOut(out: string, text: string): void {
  const file = path.resolve(out);
  const missing: string[] = [];
  for (let dir = path.dirname(file); !fs.existsSync(dir); dir = path.dirname(dir)) missing.unshift(dir);
  try {
    // Not mkdirSync's recursive mode: under some pseudo filesystems (/proc) it never returns.
    for (const dir of missing) fs.mkdirSync(dir);
    writeFileAtomic(file, text);
  } catch (err) {
    throw new UsageError(`--out ${out}: cannot write it (${(err as Error).message})`);
  }
}

function usageProblems(opts: Options): { stacks: string[]; problems: string[] } {
  const problems: string[] = [];
  const projectDir = path.resolve(opts.projectDir);
  const haveProject = fs.existsSync(projectDir) && fs.statSync(projectDir).isDirectory();
  if (!haveProject) problems.push(`--project-dir ${opts.projectDir}: no such folder`);
  if (opts.policyPack !== undefined) {
    const pack = path.resolve(opts.policyPack);
    // Only the folder: whether it holds a pack is the pack runner's to say, after the config checks.
    if (!fs.existsSync(pack) || !fs.statSync(pack).isDirectory()) problems.push(`--policy-pack ${opts.policyPack}: no such folder`);
  }
  if (!isFormat(opts.format)) problems.push(`--format ${opts.format}: unknown format (choose ${FORMATS.join(", ")})`);
  if (opts.out !== undefined) {
    const p = outProblem(opts.out);
    if (p) problems.push(p);
  }
  const have = haveProject ? listStacks(projectDir) : [];
  const list = have.length > 0 ? have.join(", ") : "none";
  let stacks: string[] = [];
  if (opts.all && opts.stack) problems.push("give either --stack or --all, not both");
  else if (opts.all) {
    stacks = have;
    if (haveProject && have.length === 0) problems.push(`--all: no Pulumi.<stack>.yaml in ${projectDir}`);
  } else if (opts.stack && opts.stack.length > 0) {
    stacks = [...new Set(splitList(opts.stack).filter((s) => s !== ""))];
    const unknown = stacks.filter((s) => !have.includes(s));
    if (haveProject && unknown.length > 0) {
      problems.push(`--stack: ${unknown.map((s) => `Pulumi.${s}.yaml`).join(", ")}: no such stack file in ${projectDir} (stacks: ${list})`);
    }
  } else problems.push(`give --stack <name> or --all (stacks: ${list})`);
  if (opts.base !== undefined && opts.basePlan !== undefined) problems.push("give either --base or --base-plan, not both");
  if (opts.detailedExitcode && opts.base === undefined && opts.basePlan === undefined) problems.push("--detailed-exitcode needs --base or --base-plan to compare with");
  if (opts.basePlan !== undefined && !fs.existsSync(opts.basePlan)) problems.push(`--base-plan ${opts.basePlan}: no such file`);
  return { stacks, problems };
}

/** A saved plan must hold every stack asked for: it cannot tell a new stack from a forgotten one. */
function requireBaseStacks(base: BaseSides, stacks: readonly string[], file: string): void {
  const lacking = stacks.filter((s) => !base.sides.has(s));
  if (lacking.length > 0) throw new UsageError(`--base-plan ${file}: has no stack ${lacking.join(", ")} (it has: ${[...base.sides.keys()].join(", ") || "none"})`);
}

/** Each current plan against its base side; a stack with no base side is new since the base. */
function diffAgainst(plans: readonly StackPlan[], base: BaseSides): StackDiff[] {
  return plans.map((p) => {
    const side = base.sides.get(p.stack);
    return diffStack(side ?? emptySide(p.stack), jsonPlan(p), { base: base.label, newStack: side === undefined });
  });
}

/** The last line of a text plan of several stacks: the verdict over all of them. */
export function summaryLine(plans: readonly { summary: { mandatory: number; advisory: number }; stack: string }[]): string {
  const mandatory = plans.reduce((n, p) => n + p.summary.mandatory, 0);
  const advisory = plans.reduce((n, p) => n + p.summary.advisory, 0);
  const failing = plans.filter((p) => p.summary.mandatory > 0).map((p) => p.stack);
  const s = (n: number, w: string): string => `${n} ${w}${n === 1 ? "" : "s"}`;
  return `${failing.length > 0 ? "FAIL" : "PASS"}: ${s(plans.length, "stack")} planned, ${s(mandatory, "mandatory violation")}${failing.length > 0 ? ` (${failing.join(", ")})` : ""}, ${s(advisory, "advisory finding")}`;
}

function errorText(err: Error): string {
  return `error: ${err.message}\n`;
}

/** Runs the command; resolves to its exit code, having printed every message itself. */
export async function runPlanCli(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  const program = planCommand(io);
  const parsed = parseArgs<Options>(program, argv);
  if ("exit" in parsed) return parsed.exit;
  const opts = parsed.opts;

  try {
    const { stacks, problems } = usageProblems(opts);
    if (problems.length === 1) throw new UsageError(problems[0]);
    if (problems.length > 1) throw new UsageError(`invalid arguments (${problems.length} problems):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    const combined = opts.all === true || stacks.length > 1;
    const projectDir = path.resolve(opts.projectDir);
    const packDir = opts.policyPack === undefined ? undefined : path.resolve(opts.policyPack);
    // Every base problem is found before anything is planned.
    const basePlan = opts.basePlan === undefined ? undefined : readBasePlan(opts.basePlan);
    if (basePlan) requireBaseStacks(basePlan, stacks, opts.basePlan ?? "");
    if (opts.base !== undefined) resolveBase(opts.base, projectDir);
    // The base is planned in a child process while this one plans the current stacks.
    const baseRun = opts.base === undefined ? undefined : planAtRef({ ref: opts.base, projectDir, stacks, codeDir: PROJECT_DIR, policyPack: packDir, log: (l) => io.stderr(`${l}\n`) });
    baseRun?.catch(() => undefined);
    let plans: StackPlan[];
    try {
      plans = await planStacks({ stacks, projectDir, packDir });
      for (const w of plans.flatMap((p) => p.warnings ?? [])) io.stderr(`warning: ${formatProblem(w)}\n`);
    } finally {
      // A failed current plan still waits for the base's worktree to be removed.
      if (baseRun) await baseRun.catch(() => undefined);
    }
    const base = basePlan ?? (baseRun ? await baseRun : undefined);
    const mandatory = plans.reduce((n, p) => n + p.summary.mandatory, 0);
    let text: string;
    let changed = false;
    if (base) {
      const diffs = diffAgainst(plans, base);
      changed = diffs.some(hasChanges);
      text = renderDiff(diffs, opts.format as Format, combined);
    } else {
      text = render(plans, opts.format as Format, combined) + (combined && opts.format === "text" ? `${summaryLine(plans)}\n` : "");
    }
    if (opts.out !== undefined) {
      writeOut(opts.out, text);
      io.stderr(`wrote ${opts.out} (${plans.length} stack${plans.length === 1 ? "" : "s"}, ${mandatory} mandatory violation${mandatory === 1 ? "" : "s"})\n`);
    } else {
      io.stdout(text);
    }
    if (mandatory > 0) return 1;
    return opts.detailedExitcode && changed ? EXIT_CHANGES : 0;
  } catch (err) {
    if (err instanceof ConfigError || err instanceof UsageError) {
      io.stderr(errorText(err));
      return 2;
    }
    // Unexpected (the pack did not start, a bug): the message, never a stack trace.
    io.stderr(errorText(err instanceof Error ? err : new Error(String(err))));
    return 1;
  }
}

if (require.main === module) runMain((argv) => runPlanCli(argv));
