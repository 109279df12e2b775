/**
 * Promotion: copy the image references one stack runs into the next stack's
 * file, but only references that cannot move, only for services both stacks
 * already have, and only when both stacks still plan clean. Everything is
 * decided before anything is written, and the write is atomic, so a refusal
 * or a crash leaves the target file as it was.
 */
import * as fs from "fs";
import * as path from "path";
import { ConfigError, formatProblem, type ConfigProblem } from "../errors";
import { listStacks } from "../plan/project";
import { SERVICES_KEY, stackFilePath, StackFile, writeFileAtomic, type AtomicWriteFs } from "../stackfile";
import { PROMOTION_ORDER } from "../../stacks/profiles";
import { checkImmutable, immutablePattern } from "./images";

export interface GateViolation {
  readonly policy: string;
  readonly urn: string;
  readonly message: string;
}

export interface GateResult {
  readonly mandatory: readonly GateViolation[];
  readonly configErrors: readonly string[];
}

/** Plans one stack from the given stack file text, offline, and reports what would block it. */
export type PlanGate = (stack: string, stackFileText: string) => Promise<GateResult>;

export interface PromoteRequest {
  readonly from: string;
  readonly to: string;
  /** Only these services; every one must exist, with an image, in both stacks. */
  readonly services?: readonly string[];
  readonly dryRun?: boolean;
  /** Allow a target that is not the stack right after the source in the promotion order. */
  readonly force?: boolean;
  /** Folder holding the `Pulumi.<stack>.yaml` files. */
  readonly projectDir: string;
  readonly order?: readonly string[];
}

export interface PromoteDeps {
  readonly gate: PlanGate;
  /** Swapped in tests to make the write fail at a chosen step. */
  readonly fs?: AtomicWriteFs;
}

export interface ImageChange {
  readonly service: string;
  /** What the target runs now. */
  readonly from: string;
  /** What the source runs, and the target will. */
  readonly to: string;
  readonly by: "digest" | "tag";
}

/**
 * `invalid` (exit 2): the request or a stack file is wrong.
 * `refused` (exit 1): a rule or the plan gate said no.
 * `failed` (exit 1): everything was approved but the write did not happen.
 */
export type PromoteOutcome = "promoted" | "dry-run" | "up-to-date" | "refused" | "failed" | "invalid";

export interface PromoteReport {
  readonly outcome: PromoteOutcome;
  readonly exitCode: 0 | 1 | 2;
  readonly from: string;
  readonly to: string;
  /** Target stack file, once known. */
  readonly file: string | undefined;
  readonly changes: readonly ImageChange[];
  /** Services only the source has: promotion never creates services. */
  readonly onlyInSource: readonly string[];
  /** Services only the target has: there is nothing to promote them from. */
  readonly onlyInTarget: readonly string[];
  /** Services both stacks have, but one of them without an image. */
  readonly withoutImage: readonly string[];
  readonly problems: readonly string[];
}

const STACK_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Why this pair of stacks is out of order, or undefined when `to` comes right after `from`. */
export function orderProblem(from: string, to: string, order: readonly string[]): string | undefined {
  const i = order.indexOf(from);
  const j = order.indexOf(to);
  const chain = order.join(" -> ");
  if (i < 0) return `"${from}" is not in the promotion order (${chain})`;
  if (j < 0) return `"${to}" is not in the promotion order (${chain})`;
  if (j === i + 1) return undefined;
  if (j <= i) return `${from} -> ${to} goes against the promotion order (${chain})`;
  return `${from} -> ${to} skips ${order.slice(i + 1, j).join(", ")} in the promotion order (${chain})`;
}

function readStack(projectDir: string, stack: string, problems: ConfigProblem[]): StackFile | undefined {
  const file = stackFilePath(projectDir, stack);
  if (!fs.existsSync(file)) {
    const known = fs.existsSync(projectDir) ? listStacks(projectDir) : [];
    const message = `no such stack file in ${projectDir} (stacks there: ${known.length > 0 ? known.join(", ") : "none"})`;
    problems.push({ file: path.basename(file), path: "", message });
    return undefined;
  }
  try {
    return StackFile.read(file);
  } catch (err) {
    if (err instanceof ConfigError) {
      problems.push(...err.problems);
      return undefined;
    }
    throw err;
  }
}

function gateProblems(stack: string, role: string, result: GateResult): string[] {
  return [
    ...result.configErrors.map((e) => `${role} stack ${stack}: configuration error: ${e}`),
    ...result.mandatory.map((v) => `${role} stack ${stack}: mandatory policy ${v.policy} violated by ${v.urn}: ${v.message}`),
  ];
}

async function runGate(gate: PlanGate, stack: string, role: string, text: string): Promise<string[]> {
  try {
    return gateProblems(stack, role, await gate(stack, text));
  } catch (err) {
    // A plan that cannot run proves nothing, so it blocks like a failing one.
    return [`${role} stack ${stack}: could not be planned: ${err instanceof Error ? err.message : String(err)}`];
  }
}

interface Selection {
  readonly selected: string[];
  readonly onlyInSource: string[];
  readonly onlyInTarget: string[];
  readonly withoutImage: string[];
}

/** Which services move: the named ones (each must have an image in both), else every one both stacks run. */
function select(source: StackFile, target: StackFile, wanted: readonly string[] | undefined, problems: ConfigProblem[]): Selection {
  const out: Selection = {
    // Stryker disable next-line ArrayDeclaration: a service named by the placeholder exists in neither stack, so both its images are undefined and it is skipped as unchanged
    selected: [],
    onlyInSource: [],
    onlyInTarget: [],
    withoutImage: [],
  };
  if (wanted === undefined) {
    for (const s of source.services()) {
      if (!target.hasService(s.service)) out.onlyInSource.push(s.service);
      else if (s.image === undefined || target.getImage(s.service) === undefined) out.withoutImage.push(s.service);
      else out.selected.push(s.service);
    }
    out.onlyInTarget.push(...target.services().flatMap((s) => (source.hasService(s.service) ? [] : [s.service])));
    return out;
  }
  // An empty name is already a usage problem; looking it up would only repeat it.
  for (const service of wanted.filter((w) => w !== "")) {
    for (const stack of [source, target]) {
      if (!stack.hasService(service)) {
        problems.push({ file: stack.name, path: `${SERVICES_KEY}.${service}`, message: "no such service (promotion only changes services that exist in both stacks)" });
      } else if (stack.getImage(service) === undefined) {
        problems.push({ file: stack.name, path: `${SERVICES_KEY}.${service}.image`, message: "is not set" });
      }
    }
    // Stryker disable next-line ConditionalExpression,LogicalOperator: a service without an image in either stack has pushed a problem above, and any problem stops promote() before the selection is read
    if (source.getImage(service) !== undefined && target.getImage(service) !== undefined) out.selected.push(service);
  }
  return out;
}

/** Decides and, unless refused or a dry run, performs one promotion. Never throws for expected problems. */
export async function promote(req: PromoteRequest, deps: PromoteDeps): Promise<PromoteReport> {
  const order = req.order ?? PROMOTION_ORDER;
  const none = { changes: [] as ImageChange[], onlyInSource: [] as string[], onlyInTarget: [] as string[], withoutImage: [] as string[] };
  const invalid = (problems: string[], file?: string): PromoteReport => ({ ...none, from: req.from, to: req.to, outcome: "invalid", exitCode: 2, file, problems });

  // Bad stack names stop here: there would be no file to read.
  const names: string[] = [];
  for (const [flag, value] of [["--from", req.from], ["--to", req.to]] as const) {
    if (!STACK_NAME.test(value)) names.push(`${flag}: "${value}" is not a stack name`);
  }
  if (req.from === req.to) names.push(`--from and --to are both "${req.from}"; promotion needs two different stacks`);
  const usage: string[] = [];
  const wanted = req.services === undefined ? undefined : [...new Set(req.services.map((s) => s.trim()))];
  if (wanted !== undefined && (wanted.length === 0 || wanted.includes(""))) usage.push("--services: expected a comma-separated list of service names");
  if (names.length > 0) return invalid([...names, ...usage]);

  const fileProblems: ConfigProblem[] = [];
  const source = readStack(req.projectDir, req.from, fileProblems);
  const target = readStack(req.projectDir, req.to, fileProblems);
  // The order only matters between stacks that exist; for a missing one the file is the problem to fix.
  const outOfOrder = req.force || source === undefined || target === undefined ? undefined : orderProblem(req.from, req.to, order);
  if (outOfOrder !== undefined) usage.push(`${outOfOrder}; pass --force to promote anyway`);
  const pattern = source === undefined ? undefined : immutablePattern(source, fileProblems);
  const file = target?.file;
  const selection = source !== undefined && target !== undefined ? select(source, target, wanted, fileProblems) : undefined;
  const problems = [...usage, ...fileProblems.map(formatProblem)];
  if (
    problems.length > 0 ||
    // Stryker disable next-line ConditionalExpression: each of these is undefined only after a problem was pushed; they narrow the types
    source === undefined || target === undefined || pattern === undefined || selection === undefined
  ) {
    return invalid(problems, file);
  }

  const changes: ImageChange[] = [];
  const refusals: string[] = [];
  for (const service of selection.selected) {
    const to = source.getImage(service)!;
    const from = target.getImage(service)!;
    if (to === from) continue;
    const verdict = checkImmutable(to, pattern);
    if (verdict.immutable) changes.push({ service, from, to, by: verdict.by });
    else {
      refusals.push(
        `${service}: ${to} (${source.name} ${SERVICES_KEY}.${service}.image) ${verdict.reason}; only digests (@sha256:...) and tags matching /${pattern.source}/ are promoted`,
      );
    }
  }
  const { onlyInSource, onlyInTarget, withoutImage } = selection;
  const done = { from: req.from, to: req.to, file, changes, onlyInSource, onlyInTarget, withoutImage };
  if (refusals.length > 0) {
    return { ...done, outcome: "refused", exitCode: 1, problems: [...refusals, ...(changes.length > 0 ? ["use --services to promote only the others"] : [])] };
  }
  if (changes.length === 0) return { ...done, outcome: "up-to-date", exitCode: 0, problems: [] };

  const edited = target.setImages(new Map(changes.map((c) => [c.service, c.to])));
  // Sequential on purpose: a plan evaluates the program in-process, and two at once would share its runtime state.
  const blocked = [...(await runGate(deps.gate, req.from, "source", source.text)), ...(await runGate(deps.gate, req.to, "target", edited.text))];
  if (blocked.length > 0) return { ...done, outcome: "refused", exitCode: 1, problems: blocked };
  if (req.dryRun) return { ...done, outcome: "dry-run", exitCode: 0, problems: [] };

  // The gate approved the file as read; if someone changed it since, that approval does not cover their edit.
  let onDisk: string | undefined;
  try {
    onDisk = fs.readFileSync(target.file, "utf8");
  } catch {
    // A file that cannot be read back is not the one the gate approved: onDisk stays undefined and differs.
  }
  if (onDisk !== target.text) {
    return { ...done, outcome: "refused", exitCode: 1, problems: [`${target.name} changed on disk while promoting; nothing written, run again`] };
  }
  try {
    writeFileAtomic(target.file, edited.text, deps.fs);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return { ...done, outcome: "failed", exitCode: 1, problems: [`could not write ${target.name} (${why}); it was left as it was`] };
  }
  return { ...done, outcome: "promoted", exitCode: 0, problems: [] };
}

/** Policy messages can span lines; continuation lines stay under their bullet. */
function bullet(text: string): string {
  return `  - ${text.replace(/\n/g, "\n    ")}`;
}

/** Services the promotion did not touch, and why; empty when `--services` chose them. */
function leftAlone(r: PromoteReport): string[] {
  const lines: string[] = [];
  if (r.onlyInSource.length > 0) lines.push(`  only in ${r.from}, not added to ${r.to}: ${r.onlyInSource.join(", ")}`);
  if (r.onlyInTarget.length > 0) lines.push(`  only in ${r.to}, left as they are: ${r.onlyInTarget.join(", ")}`);
  if (r.withoutImage.length > 0) lines.push(`  no image in one of the stacks, left alone: ${r.withoutImage.join(", ")}`);
  return lines;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

/** The report as an operator reads it: header, per-service diff, verdict. */
export function formatPromoteReport(r: PromoteReport): string {
  const lines: string[] = [];
  const target = r.file === undefined ? r.to : `${r.to} (${r.file.split(/[\\/]/).pop()})`;
  if (r.outcome === "invalid") {
    lines.push(`error: cannot promote ${r.from} -> ${r.to} (${plural(r.problems.length, "problem")}):`);
    for (const p of r.problems) lines.push(bullet(p));
    return lines.join("\n") + "\n";
  }
  if (r.outcome === "up-to-date") return [`nothing to promote: ${r.to} already runs ${r.from}'s images`, ...leftAlone(r)].join("\n") + "\n";
  lines.push(`promote ${r.from} -> ${target}`);
  const width = Math.max(0, ...r.changes.map((c) => c.service.length));
  for (const c of r.changes) lines.push(`  ${c.service.padEnd(width)}  ${c.from} -> ${c.to}`);
  lines.push(...leftAlone(r));
  switch (r.outcome) {
    case "refused":
    case "failed":
      lines.push(`${r.outcome}: nothing written`);
      for (const p of r.problems) lines.push(bullet(p));
      break;
    case "dry-run":
      // A dry run gets here only past the gate: a blocked gate makes the outcome "refused".
      lines.push(`plan gate: passed (${r.from} as it is and ${r.to} with these images: no config error, no mandatory policy violation)`);
      lines.push(`dry run: ${plural(r.changes.length, "image")} would change; nothing written`);
      break;
    case "promoted":
      lines.push(`promoted ${plural(r.changes.length, "image")} into ${r.to}`);
      break;
  }
  return lines.join("\n") + "\n";
}
