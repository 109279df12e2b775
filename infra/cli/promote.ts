/**
 * `npm run promote -- --from dev --to homelab [--services a,b] [--dry-run] [--force]`
 * `npm run promote -- --status`
 *
 * A thin shell over infra/promote: argument parsing, printing and exit codes.
 * Exit codes: 0 promoted, dry run or nothing to do; 1 refused (rules or plan
 * gate) or the write failed; 2 bad arguments or a bad stack file.
 */
import * as path from "path";
import { ConfigError, UsageError } from "../errors";
import { formatPromoteReport, formatStatus, promote, promotionStatus, type PlanGate } from "../promote";
import { cliCommand, defaultIo, parseArgs, runMain, splitList, type CliIo } from "./io";

export type { CliIo };

export interface CliDeps {
  /** Loaded only when a promotion reaches the gate, so --status and bad arguments stay fast. */
  readonly loadGate?: () => Promise<PlanGate>;
}

const DEFAULT_PROJECT_DIR = path.resolve(__dirname, "..", "..");

async function loadRealGate(): Promise<PlanGate> {
  const plan = await import("../plan/index");
  return plan.planGate;
}

interface Options {
  from?: string;
  to?: string;
  services?: string[];
  dryRun?: boolean;
  force?: boolean;
  status?: boolean;
  projectDir: string;
}

export async function runPromoteCli(argv: readonly string[], io: CliIo = defaultIo, deps: CliDeps = {}): Promise<number> {
  const program = cliCommand("promote", io)
    .description("Copy immutable image references from one stack file to the next in the promotion order.")
    .option("--from <stack>", "stack whose images are promoted")
    .option("--to <stack>", "stack file that receives them")
    .option("--services <name...>", "services to promote, comma-separated or repeated (default: every service both stacks have)")
    .option("--dry-run", "show the change and run the plan gate, write nothing")
    .option("--force", "allow a target that is not next after the source in the promotion order")
    .option("--status", "show each service's image per stack and which stacks are behind")
    // The gate always plans with this repository's program and policy pack; only the stack files come from here.
    .option("--project-dir <dir>", "folder holding the Pulumi.<stack>.yaml files", DEFAULT_PROJECT_DIR)
    .allowExcessArguments(false);

  const parsed = parseArgs<Options>(program, argv);
  if ("exit" in parsed) return parsed.exit;
  const opts = parsed.opts;

  const problems: string[] = [];
  if (opts.status) {
    for (const flag of ["from", "to", "services", "dryRun", "force"] as const) {
      if (opts[flag] !== undefined) problems.push(`--status cannot be combined with --${flag === "dryRun" ? "dry-run" : flag}`);
    }
  } else {
    if (opts.from === undefined) problems.push("--from <stack> is required (or use --status)");
    if (opts.to === undefined) problems.push("--to <stack> is required (or use --status)");
  }
  if (problems.length > 0) {
    io.stderr(`error: ${problems.join("\n       ")}\n`);
    return 2;
  }

  try {
    if (opts.status) {
      io.stdout(formatStatus(promotionStatus(opts.projectDir)));
      return 0;
    }
    const gate: PlanGate = async (stack, text) => {
      const real = await (deps.loadGate ?? loadRealGate)();
      return real(stack, text);
    };
    const report = await promote(
      {
        from: opts.from!,
        to: opts.to!,
        services: opts.services === undefined ? undefined : splitList(opts.services),
        dryRun: opts.dryRun ?? false,
        force: opts.force ?? false,
        projectDir: opts.projectDir,
      },
      { gate },
    );
    (report.exitCode === 0 ? io.stdout : io.stderr)(formatPromoteReport(report));
    return report.exitCode;
  } catch (err) {
    if (err instanceof ConfigError || err instanceof UsageError) {
      io.stderr(`error: ${err.message}\n`);
      return 2;
    }
    // Unexpected, but decided before any write (a failed write is a report): say so without a trace.
    io.stderr(`error: ${err instanceof Error ? err.message : String(err)}\nnothing was written\n`);
    return 1;
  }
}

if (require.main === module) runMain((argv) => runPromoteCli(argv));
