/**
 * The offline plan: evaluate a stack under the mock runtime, check it with
 * the policy pack, render it. `planGate` is the promotion command's check.
 */
import { PROJECT_DIR } from "../context";
import { ConfigError, formatProblem } from "../errors";
import { planStacks, type StackPlan } from "./plan";
import type { PolicyRunner } from "./policy";

export { evaluateForPlan, planStacks, type StackPlan, type PlannedResource, type PlanSummary } from "./plan";
export { PolicyRunner, DEFAULT_PACK_DIR, type Violation } from "./policy";
export { render, renderJson, renderMarkdown, renderText, jsonPlan, FORMATS, type Format, type JsonPlan } from "./render";
export { mermaidDiagram } from "./mermaid";
export { topology, type Endpoint, type TunnelEndpoint, type HostPortEndpoint } from "./endpoints";
export { listStacks, readProject } from "./project";
export { displayValue, SECRET_TEXT, UNKNOWN_TEXT } from "./values";

export interface PlanGateResult {
  readonly mandatory: { policy: string; urn: string; message: string }[];
  readonly configErrors: string[];
}

export type PlanGate = (stack: string, stackFileText: string) => Promise<PlanGateResult>;

export interface PlanGateOptions {
  readonly projectDir?: string;
  readonly packDir?: string;
  readonly runner?: PolicyRunner;
}

/** A plan gate bound to a project and pack; `planGate` is the one for this repository. */
export function makePlanGate(opts: PlanGateOptions = {}): PlanGate {
  return async (stack, stackFileText) => {
    let plans: StackPlan[];
    try {
      plans = await planStacks({
        stacks: [stack],
        stackFileTexts: { [stack]: stackFileText },
        projectDir: opts.projectDir ?? PROJECT_DIR,
        packDir: opts.packDir,
        runner: opts.runner,
      });
    } catch (err) {
      if (err instanceof ConfigError) return { mandatory: [], configErrors: err.problems.map(formatProblem) };
      throw err;
    }
    const mandatory = plans[0].violations.filter((v) => v.level === "mandatory").map((v) => ({ policy: v.policy, urn: v.urn, message: v.message }));
    return { mandatory, configErrors: [] };
  };
}

/**
 * The promotion gate: the plan of `stack` as `stackFileText` would make it.
 * Invalid text gives `configErrors` (formatted `file: key: message`); valid
 * text gives the policy pack's mandatory violations, empty when clean.
 */
export const planGate: PlanGate = (stack, stackFileText) => makePlanGate()(stack, stackFileText);
