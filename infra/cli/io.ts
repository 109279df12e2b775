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
