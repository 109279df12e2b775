import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

export const ROOT = path.resolve(__dirname, "..", "..");
export const DIR = path.join(ROOT, ".github", "workflows");

export interface Step {
  name?: string;
  "timeout-minutes"?: number;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  shell?: string;
  "continue-on-error"?: boolean;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
export interface Job {
  name?: string;
  "timeout-minutes"?: number;
  "runs-on": string;
  needs?: string | string[];
  if?: string;
  permissions?: Record<string, string>;
  environment?: string;
  env?: Record<string, string>;
  strategy?: { "fail-fast"?: boolean; matrix: { include?: Record<string, string>[] } };
  steps: Step[];
}
export interface Workflow {
  name: string;
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  concurrency: { group: string; "cancel-in-progress": boolean };
  env?: Record<string, string>;
  jobs: Record<string, Job>;
}

/** Every workflow file GitHub would load from the folder. */
export const workflowFiles = (): string[] => fs.readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f)).sort();
export const text = (file: string): string => fs.readFileSync(path.join(DIR, file), "utf8");
export const load = (file: string): Workflow => parse(text(file)) as Workflow;

export const runs = (job: Job): string[] => job.steps.flatMap((s) => (s.run === undefined ? [] : [s.run]));
export const using = (job: Job, action: string): Step[] => job.steps.filter((s) => s.uses?.split("@")[0] === action);
export const matrixStacks = (job: Job): string[] => (job.strategy?.matrix.include ?? []).map((e) => e.stack);
export const stepNamed = (job: Job, name: string): Step => {
  const step = job.steps.find((s) => s.name === name);
  if (step === undefined) throw new Error(`no step named "${name}"; have: ${job.steps.map((s) => s.name ?? s.uses ?? s.run).join(", ")}`);
  return step;
};
/** Index of the first step matching, for ordering assertions; -1 when absent. */
export const indexOf = (job: Job, match: (s: Step) => boolean): number => job.steps.findIndex(match);
