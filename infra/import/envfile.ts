/**
 * `.env` and `env_file:` files as Docker Compose reads them: `KEY=VALUE`
 * lines, `#` comments, an optional `export ` prefix, and single or double
 * quotes around a value (double quotes understand `\n`, `\t`, `\\`, `\"`).
 */
import * as fs from "fs";
import * as path from "path";
import { ConfigError, type ConfigProblem } from "../errors";

const LINE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*(?:=(.*))?$/;

function unquote(raw: string): string {
  const v = raw.trim();
  if (v.length >= 2 && v.startsWith("'") && v.endsWith("'")) return v.slice(1, -1);
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) {
    return v.slice(1, -1).replace(/\\(.)/g, (_, c: string) => ({ n: "\n", t: "\t", r: "\r" })[c] ?? c);
  }
  // An unquoted value ends at ` #` (an inline comment), as in Compose v2.
  const hash = v.search(/\s#/);
  return hash >= 0 ? v.slice(0, hash).trim() : v;
}

/** Parses env-file text; a line that is not `KEY[=VALUE]` is a problem naming its line. */
export function parseEnvText(text: string, file: string): { values: Record<string, string | undefined>; problems: ConfigProblem[] } {
  const values: Record<string, string | undefined> = {};
  const problems: ConfigProblem[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === "" || line.trim().startsWith("#")) return;
    const m = LINE.exec(line);
    if (!m) {
      // The line itself may hold a secret: name the line, never quote it.
      problems.push({ file: path.basename(file), path: "", message: `line ${i + 1}: not KEY=VALUE` });
      return;
    }
    values[m[1]] = m[2] === undefined ? undefined : unquote(m[2]);
  });
  return { values, problems };
}

/** Reads an env file; throws ConfigError when it is missing or malformed. */
export function readEnvFile(file: string, mentionedBy: { file: string; path: string }): Record<string, string | undefined> {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError([{ ...mentionedBy, message: `${file}: ${code === "ENOENT" ? "no such file" : `cannot be read (${code ?? "error"})`}` }]);
  }
  const { values, problems } = parseEnvText(text, file);
  if (problems.length > 0) throw new ConfigError(problems);
  return values;
}
