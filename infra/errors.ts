/**
 * One problem in a stack file: the file it is in, the key path inside it and
 * what is wrong. Rendered as `Pulumi.prod.yaml: homelab:services.api.ports[0]: ...`.
 */
export interface ConfigProblem {
  readonly file: string;
  readonly path: string;
  readonly message: string;
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

export function formatProblem(p: ConfigProblem): string {
  return p.path === "" ? `${p.file}: ${p.message}` : `${p.file}: ${p.path}: ${p.message}`;
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
