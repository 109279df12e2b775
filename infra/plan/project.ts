/**
 * The project around the stacks: Pulumi.yaml checked the way `pulumi` would
 * refuse it, and the stack files that exist, in promotion order.
 */
import * as fs from "fs";
import * as path from "path";
import { parseDocument } from "yaml";
import { PROMOTION_ORDER } from "../../stacks/profiles";
import { ConfigError, UsageError, type ConfigProblem } from "../errors";

export const PROJECT_NAME = "homelab";
const PROJECT_FILE = "Pulumi.yaml";

export interface ProjectInfo {
  readonly dir: string;
  readonly name: string;
  readonly main: string;
}

/** Reads Pulumi.yaml; throws ConfigError naming every problem with it. */
export function readProject(dir: string): ProjectInfo {
  const file = path.join(dir, PROJECT_FILE);
  if (!fs.existsSync(file)) throw new UsageError(`${PROJECT_FILE}: not found in ${dir}; is this the homelab project folder?`);
  const doc = parseDocument(fs.readFileSync(file, "utf8"), { prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ConfigError(doc.errors.map((e) => ({ file: PROJECT_FILE, path: "", message: e.message.split("\n")[0] })));
  }
  const js = (doc.toJS() ?? {}) as { name?: unknown; main?: unknown };
  const problems: ConfigProblem[] = [];
  if (js.name !== PROJECT_NAME) {
    problems.push({ file: PROJECT_FILE, path: "name", message: `must be "${PROJECT_NAME}" (found ${JSON.stringify(js.name ?? null)}); config keys are namespaced by it` });
  }
  // Pulumi runs the folder's index (or the file) that `main` names, else the project folder itself.
  const main = typeof js.main === "string" ? js.main : ".";
  const mainPath = path.resolve(dir, main);
  const entry = fs.existsSync(mainPath) && fs.statSync(mainPath).isDirectory() ? ["index.ts", "index.js"].map((f) => path.join(mainPath, f)) : [mainPath];
  if (!entry.some((f) => fs.existsSync(f))) {
    problems.push({ file: PROJECT_FILE, path: "main", message: `${JSON.stringify(main)} does not exist (looked for ${entry.map((f) => path.relative(dir, f)).join(" or ")})` });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { dir, name: PROJECT_NAME, main };
}

const STACK_FILE = /^Pulumi\.([^.]+)\.yaml$/;

/** Every stack with a Pulumi.<stack>.yaml: promotion order first, then the rest by name. */
export function listStacks(dir: string): string[] {
  const names = fs
    .readdirSync(dir)
    .map((f) => STACK_FILE.exec(f)?.[1])
    .filter((s): s is string => s !== undefined);
  const rank = (s: string): number => {
    const i = (PROMOTION_ORDER as readonly string[]).indexOf(s);
    return i === -1 ? PROMOTION_ORDER.length : i;
  };
  return names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** Throws a usage error naming the stacks that do exist when a stack file is missing. */
export function requireStacks(dir: string, stacks: readonly string[]): void {
  const existing = listStacks(dir);
  const missing = stacks.filter((s) => !existing.includes(s));
  if (missing.length === 0) return;
  const have = existing.length > 0 ? existing.join(", ") : "none";
  throw new UsageError(
    `${missing.map((s) => `Pulumi.${s}.yaml`).join(", ")}: no such stack file in ${dir} (stacks: ${have})`,
  );
}
