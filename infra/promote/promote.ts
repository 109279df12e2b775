/**
 * Promotion: copy the image references one stack runs into the next stack's
 * file, but only references that cannot move, only for services both stacks
 * already have, and only when both stacks still plan clean. Everything is
 * decided before anything is written, and the write is atomic, so a refusal
 * or a crash leaves the target file as it was.
 */
import * as fs from "fs";
import { ConfigError, formatProblem, type ConfigProblem } from "../errors";
import { RELEASE_KEY, SERVICES_KEY, stackFilePath, StackFile, writeFileAtomic, type AtomicWriteFs } from "../stackfile";
import { PROMOTION_ORDER } from "../../stacks/profiles";
import { checkImmutable, DEFAULT_IMMUTABLE_TAG } from "./images";

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
 */
export type PromoteOutcome = "promoted" | "dry-run" | "up-to-date" | "refused" | "invalid";

export interface PromoteReport {
  readonly outcome: PromoteOutcome;
  readonly exitCode: 0 | 1 | 2;
  readonly from: string;
  readonly to: string;
  /** Target stack file, once known. */
  readonly file: string | undefined;
  readonly changes: readonly ImageChange[];
  /** Services the source has but the target does not: promotion never creates services. */
  readonly skipped: readonly string[];
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
  try {
    return StackFile.read(stackFilePath(projectDir, stack));
  } catch (err) {
    if (err instanceof ConfigError) {
      problems.push(...err.problems);
      return undefined;
    }
    throw err;
  }
}

function immutablePattern(source: StackFile, problems: ConfigProblem[]): RegExp | undefined {
  const raw = source.getConfig(RELEASE_KEY, "immutableTag");
  const where = { file: source.name, path: `${RELEASE_KEY}.immutableTag` };
  const line = source.lineOf(RELEASE_KEY, "immutableTag");
  if (raw === undefined || raw === null) return new RegExp(DEFAULT_IMMUTABLE_TAG);
  if (typeof raw !== "string") {
    problems.push({ ...where, message: `line ${line}: must be a regular expression string` });
    return undefined;
  }
  try {
    return new RegExp(raw);
  } catch (err) {
    problems.push({ ...where, message: `line ${line}: is not a valid regular expression (${(err as Error).message})` });
    return undefined;
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

/** Decides and, unless refused or a dry run, performs one promotion. Never throws for expected problems. */
export async function promote(req: PromoteRequest, deps: PromoteDeps): Promise<PromoteReport> {
  const order = req.order ?? PROMOTION_ORDER;
  const base = { from: req.from, to: req.to, changes: [] as ImageChange[], skipped: [] as string[] };
  const invalid = (problems: string[], file?: string): PromoteReport => ({ ...base, outcome: "invalid", exitCode: 2, file, problems });

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
  const outOfOrder = req.force ? undefined : orderProblem(req.from, req.to, order);
  if (outOfOrder !== undefined) usage.push(`${outOfOrder}; pass --force to promote anyway`);

  const fileProblems: ConfigProblem[] = [];
  const source = readStack(req.projectDir, req.from, fileProblems);
  const target = readStack(req.projectDir, req.to, fileProblems);
  const pattern = source === undefined ? undefined : immutablePattern(source, fileProblems);
  const file = target?.file;

  const selected: string[] = [];
  const skipped: string[] = [];
  if (source !== undefined && target !== undefined) {
    if (wanted === undefined) {
      for (const s of source.services()) {
        if (s.image === undefined) continue;
        if (target.getImage(s.service) === undefined) skipped.push(s.service);
        else selected.push(s.service);
      }
    } else {
      for (const service of wanted.filter((w) => w !== "")) {
        for (const stack of [source, target]) {
          if (!stack.hasService(service)) {
            fileProblems.push({ file: stack.name, path: `${SERVICES_KEY}.${service}`, message: "no such service (promotion only changes services that exist in both stacks)" });
          } else if (stack.getImage(service) === undefined) {
            fileProblems.push({ file: stack.name, path: `${SERVICES_KEY}.${service}.image`, message: "is not set" });
          }
        }
        if (source.getImage(service) !== undefined && target.getImage(service) !== undefined) selected.push(service);
      }
    }
  }
  const problems = [...usage, ...fileProblems.map(formatProblem)];
  if (problems.length > 0 || source === undefined || target === undefined || pattern === undefined) return invalid(problems, file);

  const changes: ImageChange[] = [];
  const refusals: string[] = [];
  for (const service of selected) {
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
  const done = { ...base, file, skipped };
  if (refusals.length > 0) {
    return { ...done, outcome: "refused", exitCode: 1, changes, problems: [...refusals, ...(changes.length > 0 ? ["use --services to promote only the others"] : [])] };
  }
  if (changes.length === 0) return { ...done, outcome: "up-to-date", exitCode: 0, changes, problems: [] };

  const edited = target.setImages(new Map(changes.map((c) => [c.service, c.to])));
  // Sequential on purpose: a plan evaluates the program in-process, and two at once would share its runtime state.
  const blocked = [...(await runGate(deps.gate, req.from, "source", source.text)), ...(await runGate(deps.gate, req.to, "target", edited.text))];
  if (blocked.length > 0) return { ...done, outcome: "refused", exitCode: 1, changes, problems: blocked };
  if (req.dryRun) return { ...done, outcome: "dry-run", exitCode: 0, changes, problems: [] };

  // The gate approved the file as read; if someone changed it since, that approval does not cover their edit.
  if (fs.readFileSync(target.file, "utf8") !== target.text) {
    return { ...done, outcome: "refused", exitCode: 1, changes, problems: [`${target.name} changed on disk while promoting; nothing written, run again`] };
  }
  writeFileAtomic(target.file, edited.text, deps.fs);
  return { ...done, outcome: "promoted", exitCode: 0, changes, problems: [] };
}

/** Policy messages can span lines; continuation lines stay under their bullet. */
function bullet(text: string): string {
  return `  - ${text.replace(/\n/g, "\n    ")}`;
}

/** The report as an operator reads it: header, per-service diff, verdict. */
export function formatPromoteReport(r: PromoteReport): string {
  const lines: string[] = [];
  const target = r.file === undefined ? r.to : `${r.to} (${r.file.split(/[\\/]/).pop()})`;
  if (r.outcome === "invalid") {
    lines.push(`error: cannot promote ${r.from} -> ${r.to} (${r.problems.length} problem${r.problems.length === 1 ? "" : "s"}):`);
    for (const p of r.problems) lines.push(bullet(p));
    return lines.join("\n") + "\n";
  }
  if (r.outcome === "up-to-date") return `nothing to promote: ${r.to} already runs these images\n`;
  lines.push(`promote ${r.from} -> ${target}`);
  const width = Math.max(0, ...r.changes.map((c) => c.service.length));
  for (const c of r.changes) lines.push(`  ${c.service.padEnd(width)}  ${c.from} -> ${c.to}`);
  if (r.skipped.length > 0) lines.push(`  not in ${r.to}, left alone: ${r.skipped.join(", ")}`);
  switch (r.outcome) {
    case "refused":
      lines.push(`refused: nothing written`);
      for (const p of r.problems) lines.push(bullet(p));
      break;
    case "dry-run":
      lines.push(`dry run: ${r.changes.length} image${r.changes.length === 1 ? "" : "s"} would change; nothing written`);
      break;
    case "promoted":
      lines.push(`promoted ${r.changes.length} image${r.changes.length === 1 ? "" : "s"} into ${r.to}`);
      break;
  }
  return lines.join("\n") + "\n";
}
