/**
 * What the command-line shells share: where they print, and how a parse
 * failure becomes an exit code (commander has already printed its message).
 */
import { Command, CommanderError, type OptionValues } from "commander";

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

export const defaultIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

/**
 * A commander command that reports through `io` and throws instead of
 * exiting, so parseArgs turns a bad command line into exit code 2.
 */
export function cliCommand(name: string, io: CliIo): Command {
  return new Command(name).exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
}

/**
 * Parses `argv` with a command built with `exitOverride()`. Resolves to the
 * options, or to the exit code when commander stopped: 0 after `--help`,
 * 2 for bad arguments.
 */
export function parseArgs<O extends OptionValues>(program: Command, argv: readonly string[]): { opts: O } | { exit: number } {
  try {
    program.parse([...argv], { from: "user" });
    return { opts: program.opts<O>() };
  } catch (err) {
    if (err instanceof CommanderError) return { exit: err.exitCode === 0 ? 0 : 2 };
    throw err;
  }
}

/**
 * Runs a command as the process's main module: its resolved code becomes the
 * exit code; an unexpected rejection prints its message (never a stack trace)
 * and exits 1.
 */
export function runMain(run: (argv: readonly string[]) => Promise<number>): void {
  run(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}

/** `["a,b", "c"]` -> `["a", "b", "c"]`: list options take comma-separated and repeated values alike. */
export function splitList(values: readonly string[]): string[] {
  return values.flatMap((v) => v.split(","));
}
