/**
 * `npm run import -- <compose files...> --stack <name> [--env-file FILE]
 *   [--profile P...] [--format text|json] [--dry-run] [--replace]`
 *
 * Turns docker-compose files into (or adds them to) `Pulumi.<name>.yaml` and
 * prints what became of every key. Exit codes: 0 imported (or dry run),
 * 2 input it cannot accept (nothing written), 1 an unexpected failure.
 */
import * as path from "path";
import { type Command, Option } from "commander";
import { PROJECT_DIR } from "../context";
import { ConfigError, UsageError } from "../errors";
import { importCompose } from "../import";
import { renderJson, renderText } from "../import/report";
import { cliCommand, defaultIo, parseArgs, runMain, type CliIo } from "./io";

interface Options {
  stack?: string;
  envFile?: string;
  profile?: string[];
  format: string;
  dryRun?: boolean;
  replace?: boolean;
  projectDir: string;
}

const FORMATS = ["text", "json"] as const;

const HELP_AFTER = `
Secrets: with PULUMI_CONFIG_PASSPHRASE set, secret-looking values are written
encrypted (Pulumi's passphrase scheme, the stack's encryptionsalt); without it
they are left out and the report lists the pulumi config set --secret commands.
No secret value is ever printed.

Exit codes:
  0  imported (or, with --dry-run, would import)
  1  an unexpected failure
  2  compose files, stack file or arguments it cannot accept; nothing written
`;

export function importCommand(io: CliIo): Command {
  return cliCommand("import", io)
    .description("Import docker-compose files into a homelab stack file, with a report on every key.")
    .argument("<compose-files...>", "compose files, merged in order (docker-compose.yml docker-compose.override.yml)")
    .addOption(new Option("-s, --stack <name>", "stack to write (Pulumi.<name>.yaml; created when missing)"))
    .option("--env-file <file>", "variables for interpolation, instead of the .env beside the first file")
    .option("-p, --profile <profile...>", "compose profiles to activate")
    .addOption(new Option("-f, --format <format>", `report format: ${FORMATS.join(", ")}`).default("text"))
    .option("--dry-run", "print the report, write nothing")
    .option("--replace", "overwrite services the stack already has (otherwise they are reported and left alone)")
    .option("--project-dir <dir>", "folder holding Pulumi.yaml and the stack files", PROJECT_DIR)
    .addHelpText("after", HELP_AFTER);
}

function usage(opts: Options): string[] {
  const problems: string[] = [];
  if (opts.stack === undefined) problems.push("give --stack <name>");
  else if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(opts.stack)) problems.push(`--stack ${opts.stack}: a stack name is letters, digits, '_', '.' and '-'`);
  if (!(FORMATS as readonly string[]).includes(opts.format)) problems.push(`--format ${opts.format}: unknown format (choose ${FORMATS.join(", ")})`);
  return problems;
}

export async function runImportCli(argv: readonly string[], io: CliIo = defaultIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const program = importCommand(io);
  const parsed = parseArgs<Options>(program, argv);
  if ("exit" in parsed) return parsed.exit;
  const opts = parsed.opts;
  try {
    const problems = usage(opts);
    if (problems.length > 0) throw new UsageError(problems.length === 1 ? problems[0] : `invalid arguments:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    const result = importCompose({
      files: program.args,
      stack: opts.stack!,
      projectDir: path.resolve(opts.projectDir),
      envFile: opts.envFile,
      profiles: opts.profile ?? [],
      env,
      dryRun: opts.dryRun === true,
      replace: opts.replace === true,
    });
    io.stdout(opts.format === "json" ? renderJson(result.report) : renderText(result.report));
    return 0;
  } catch (err) {
    if (err instanceof ConfigError || err instanceof UsageError) {
      io.stderr(`error: ${err.message}\n`);
      return 2;
    }
    io.stderr(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

if (require.main === module) runMain((argv) => runImportCli(argv));
