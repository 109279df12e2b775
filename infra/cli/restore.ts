/**
 * `npm run restore -- --stack <s> --service <svc> [--volume v] [--snapshot latest|ID] [--dry-run] [--yes]`
 *
 * Prints the exact Docker commands that restore a service's volumes from the
 * stack's restic repository (infra/backups/restore.ts) and, once confirmed
 * (typing yes, or --yes), runs them one by one against the service's host.
 * Exit codes: 0 restored or dry run; 1 not confirmed or a step failed;
 * 2 bad arguments or a bad stack file.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as readline from "readline";
import { formatRestorePlan, restorePlan, shellLine, type RestorePlan, type RestoreStep } from "../backups/restore";
import { ConfigError, UsageError } from "../errors";
import { loadStack } from "../plan/evaluate";
import { cliCommand, defaultIo, parseArgs, runMain, type CliIo } from "./io";

export interface RestoreDeps {
  /** Runs one command, output going to the terminal; resolves to its exit code. */
  readonly run?: (argv: readonly string[]) => Promise<number>;
  /** Asks the user; resolves true only for an explicit yes. */
  readonly confirm?: (question: string) => Promise<boolean>;
}

const DEFAULT_PROJECT_DIR = path.resolve(__dirname, "..", "..");

function runCommand(argv: readonly string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: "inherit" });
    child.on("error", () => resolve(127));
    child.on("close", (code) => resolve(code ?? 1));
  });
}

/** Interactive only: without a terminal there is nobody to say yes. */
function askYes(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return Promise.resolve(false);
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  return new Promise((resolve) =>
    rl.question(question, (answer) => {
      rl.close();
      resolve(answer.trim().toLowerCase() === "yes");
    }),
  );
}

interface Options {
  stack?: string;
  service?: string;
  volume?: string;
  snapshot: string;
  dryRun?: boolean;
  yes?: boolean;
  projectDir: string;
}

async function execute(plan: RestorePlan, io: CliIo, run: (argv: readonly string[]) => Promise<number>): Promise<number> {
  let failed = false;
  for (const [i, step] of plan.steps.entries()) {
    io.stderr(`[${i + 1}/${plan.steps.length}] ${step.title}\n`);
    const code = await run(step.argv);
    if (code === 0) continue;
    io.stderr(`error: step ${i + 1} failed (exit ${code}): ${shellLine(step.argv)}\n`);
    if (step.kind === "stage") {
      io.stderr("nothing was stopped or changed\n");
      return 1;
    }
    if (step.kind === "stop") {
      // The volumes are untouched: bring the service back as it was.
      io.stderr(`the volumes are untouched; starting ${plan.service} again\n`);
      await run(plan.startAgain.argv);
      return 1;
    }
    if (step.kind === "replace") {
      io.stderr(`${plan.service} stays stopped; fix the cause and run the remaining steps by hand:\n${remaining(plan.steps.slice(i))}`);
      return 1;
    }
    // A staged copy left behind or a failed start: report it, the data is in place.
    failed = true;
  }
  if (failed) return 1;
  io.stdout(`restored ${plan.volumes.join(", ")} of ${plan.service} from snapshot ${plan.snapshot}\n`);
  return 0;
}

const remaining = (steps: readonly RestoreStep[]): string => steps.map((s) => `  ${shellLine(s.argv)}\n`).join("");

export async function runRestoreCli(argv: readonly string[], io: CliIo = defaultIo, deps: RestoreDeps = {}): Promise<number> {
  const program = cliCommand("restore", io)
    .description("Restore a service's volumes from the stack's restic repository, over the host's Docker endpoint.")
    .requiredOption("--stack <stack>", "stack whose Pulumi.<stack>.yaml names the service and its host")
    .requiredOption("--service <service>", "service whose volumes are restored (it is stopped meanwhile)")
    .option("--volume <volume>", "restore only this volume (default: every backed-up volume of the service)")
    .option("--snapshot <id>", "snapshot id, or latest", "latest")
    .option("--dry-run", "print the steps, run nothing")
    .option("--yes", "run without asking (the steps are still printed)")
    .option("--project-dir <dir>", "folder holding the Pulumi.<stack>.yaml files", DEFAULT_PROJECT_DIR)
    .allowExcessArguments(false);

  const parsed = parseArgs<Options>(program, argv);
  if ("exit" in parsed) return parsed.exit;
  const opts = parsed.opts;

  let plan: RestorePlan;
  try {
    const file = path.join(opts.projectDir, `Pulumi.${opts.stack!}.yaml`);
    if (!fs.existsSync(file)) throw new UsageError(`${path.basename(file)}: no such stack file in ${opts.projectDir}`);
    const { model } = loadStack({ stack: opts.stack!, projectDir: opts.projectDir });
    plan = restorePlan(model, { service: opts.service!, volume: opts.volume, snapshot: opts.snapshot });
  } catch (err) {
    if (err instanceof ConfigError || err instanceof UsageError) {
      io.stderr(`error: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  io.stdout(formatRestorePlan(plan));
  if (opts.dryRun) return 0;
  const confirmed = opts.yes === true || (await (deps.confirm ?? askYes)(`\nThis replaces the content of ${plan.volumes.join(", ")}. Type yes to run these steps: `));
  if (!confirmed) {
    io.stderr("not confirmed: nothing was run (answer yes, or pass --yes)\n");
    return 1;
  }
  return execute(plan, io, deps.run ?? runCommand);
}

if (require.main === module) runMain((argv) => runRestoreCli(argv));
