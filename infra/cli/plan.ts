/**
 * `npm run plan -- --stack <name> [--format text|markdown|json] [--out FILE]`
 * `npm run plan -- --all [...]`
 *
 * A credential-free preview: the real program evaluated under Pulumi's mock
 * runtime, checked by the policy pack over the analyzer protocol.
 * Exit codes: 0 clean or advisory only, 1 a mandatory violation (or an
 * unexpected failure), 2 invalid config or arguments.
 */
import * as fs from "fs";
import * as path from "path";
import { Command, CommanderError, Option } from "commander";
import { PROJECT_DIR } from "../context";
import { runCli, UsageError } from "../errors";
import { listStacks, readProject } from "../plan/project";
import { planStacks } from "../plan/plan";
import { FORMATS, render, type Format } from "../plan/render";

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const defaultIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

interface Options {
  stack?: string[];
  all?: boolean;
  format: Format;
  out?: string;
  projectDir: string;
  policyPack?: string;
}

export function planCommand(io: CliIo): Command {
  return new Command("plan")
    .description("Preview a stack offline (no credentials, no Docker) and check it with the homelab-guard policy pack.")
    .addOption(new Option("-s, --stack <name...>", "stack(s) to plan (Pulumi.<name>.yaml)"))
    .option("-a, --all", "plan every Pulumi.<stack>.yaml in the project, in promotion order")
    .addOption(new Option("-f, --format <format>", "output format").choices([...FORMATS]).default("text"))
    .option("-o, --out <file>", "write the report to a file instead of stdout")
    .option("--project-dir <dir>", "folder holding Pulumi.yaml and the stack files", PROJECT_DIR)
    .option("--policy-pack <dir>", "policy pack folder (default: the project's policies/)")
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
}

export async function runPlanCli(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  const program = planCommand(io);
  let opts: Options;
  try {
    program.parse([...argv], { from: "user" });
    opts = program.opts<Options>();
  } catch (err) {
    // Commander has already printed its message (or the help text).
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    throw err;
  }

  const projectDir = path.resolve(opts.projectDir);
  if (!fs.existsSync(projectDir)) throw new UsageError(`--project-dir ${opts.projectDir}: no such folder`);
  if (opts.all && opts.stack) throw new UsageError("give either --stack or --all, not both");
  readProject(projectDir);
  let stacks: string[];
  if (opts.all) {
    stacks = listStacks(projectDir);
    if (stacks.length === 0) throw new UsageError(`no Pulumi.<stack>.yaml in ${projectDir}`);
  } else if (opts.stack && opts.stack.length > 0) {
    stacks = [...new Set(opts.stack)];
  } else {
    const have = listStacks(projectDir);
    throw new UsageError(`give --stack <name> or --all (stacks: ${have.length > 0 ? have.join(", ") : "none"})`);
  }

  const plans = await planStacks({ stacks, projectDir, packDir: opts.policyPack });
  const text = render(plans, opts.format, opts.all === true);
  if (opts.out) {
    fs.mkdirSync(path.dirname(path.resolve(opts.out)), { recursive: true });
    fs.writeFileSync(opts.out, text);
    const mandatory = plans.reduce((n, p) => n + p.summary.mandatory, 0);
    io.stderr(`wrote ${opts.out} (${plans.length} stack${plans.length === 1 ? "" : "s"}, ${mandatory} mandatory violation${mandatory === 1 ? "" : "s"})\n`);
  } else {
    io.stdout(text);
  }
  return plans.some((p) => p.summary.mandatory > 0) ? 1 : 0;
}

if (require.main === module) void runCli(() => runPlanCli(process.argv.slice(2)));
