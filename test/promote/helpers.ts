import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { GateResult, PlanGate } from "../../infra/promote";

export const FIXTURES = path.join(__dirname, "fixtures");
export const REPO = path.resolve(__dirname, "..", "..");

const made: string[] = [];

/** A throwaway project folder holding copies of the fixture stack files. */
export function copyFixtures(only?: readonly string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-promote-"));
  made.push(dir);
  for (const f of fs.readdirSync(FIXTURES)) {
    if (!f.startsWith("Pulumi.")) continue;
    if (only !== undefined && !only.some((s) => f === `Pulumi.${s}.yaml`)) continue;
    fs.copyFileSync(path.join(FIXTURES, f), path.join(dir, f));
  }
  return dir;
}

/** A throwaway project folder holding copies of the repository's own stack files. */
export function copyShipped(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-shipped-"));
  made.push(dir);
  for (const stack of ["dev", "homelab", "prod"]) fs.copyFileSync(path.join(REPO, `Pulumi.${stack}.yaml`), path.join(dir, `Pulumi.${stack}.yaml`));
  return dir;
}

export function removeCopies(): void {
  for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

export function stackText(dir: string, stack: string): string {
  return fs.readFileSync(path.join(dir, `Pulumi.${stack}.yaml`), "utf8");
}

export function writeStack(dir: string, stack: string, text: string): void {
  fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), text);
}

export interface RecordingGate {
  readonly gate: PlanGate;
  readonly calls: { stack: string; text: string }[];
}

/** A gate that answers from a table (clean by default) and records what it was asked. */
export function fakeGate(answers: Readonly<Record<string, (text: string) => GateResult>> = {}): RecordingGate {
  const calls: { stack: string; text: string }[] = [];
  const gate: PlanGate = async (stack, text) => {
    calls.push({ stack, text });
    return answers[stack]?.(text) ?? { mandatory: [], configErrors: [] };
  };
  return { gate, calls };
}

/**
 * Lines of `after` that differ from `before`; the files must have the same
 * number of lines, since an image edit never adds or removes one.
 */
export function changedLines(before: string, after: string): { line: number; before: string; after: string }[] {
  const a = before.split("\n");
  const b = after.split("\n");
  if (a.length !== b.length) throw new Error(`line count changed: ${a.length} -> ${b.length}`);
  return a.flatMap((l, i) => (l === b[i] ? [] : [{ line: i + 1, before: l, after: b[i] }]));
}
