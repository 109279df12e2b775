/**
 * One problem in a stack file: the file it is in, the key path inside it and
 * what is wrong. Rendered as `Pulumi.prod.yaml: homelab:services.api.ports[0]: ...`.
 */
export interface ConfigProblem {
  readonly file: string;
  readonly path: string;
  readonly message: string;
  /** 1-based line in the file, when the problem could be placed: rendered `Pulumi.prod.yaml:12: ...`. */
  readonly line?: number;
  /** 1-based column, given with `line` for YAML syntax errors. */
  readonly column?: number;
}

/** The project's config namespace: keys are written `homelab:<key>`. */
export const NAMESPACE = "homelab";

/** `["services", "api", "ports", 0]` -> `homelab:services.api.ports[0]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  path.forEach((p, i) => {
    if (i === 0) out = `${NAMESPACE}:${String(p)}`;
    else if (typeof p === "number") out += `[${p}]`;
    else out += `.${String(p)}`;
  });
  return out;
}

/** `(declared: a, b)` after an unknown name, or `(none declared)`: an empty list must not read `(declared: )`. */
export function declaredNames(names: Iterable<string>): string {
  const list = [...names];
  return list.length === 0 ? "(none declared)" : `(declared: ${list.join(", ")})`;
}

/** Longest message and key path printed: a 1 MB value must not make a 1 MB line. */
export const MAX_MESSAGE = 400;
export const MAX_PATH = 160;

/** `text` cut to `max` characters, saying that it was. */
export function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function formatProblem(p: ConfigProblem): string {
  const where = p.line === undefined ? p.file : `${p.file}:${p.line}${p.column === undefined ? "" : `:${p.column}`}`;
  const message = cut(p.message, MAX_MESSAGE);
  return p.path === "" ? `${where}: ${message}` : `${where}: ${cut(p.path, MAX_PATH)}: ${message}`;
}

/**
 * Every problem found in a stack's configuration, reported at once so a user
 * fixes them in one pass instead of one per run.
 */
export class ConfigError extends Error {
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    const lines = problems.map(formatProblem);
    super(
      `invalid configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        lines.map((l) => `  - ${l}`).join("\n"),
    );
    this.name = "ConfigError";
    this.problems = problems;
  }
}

/** A bad command line: also exit code 2, also no stack trace. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * Runs a CLI body and maps failures to exit codes: 2 for bad input, 1 for
 * anything else. Stack traces are never shown for expected failures, because
 * the reader is an operator, not a maintainer.
 */
export async function runCli(main: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await main();
  } catch (err) {
    if (err instanceof ConfigError || err instanceof UsageError) {
      process.stderr.write(`error: ${err.message}\n`);
      process.exitCode = 2;
      return;
    }
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`error: ${message}\n`);
    process.exitCode = 1;
  }
}
