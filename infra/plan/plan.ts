/**
 * One stack's plan: the real program evaluated under the mock runtime
 * (evaluateStack, the same code `pulumi up` runs), its resources made safe
 * to print, what is reachable from where, and the policy pack's verdict.
 */
import * as path from "path";
import { PROJECT_DIR, stackFileName } from "../context";
import { ConfigError, type ConfigProblem } from "../errors";
import type { HomelabModel } from "../model";
import { evaluateStack, type Evaluation, type RecordedResource } from "./evaluate";
import { topology, type Endpoint, type Topology } from "./endpoints";
import { PolicyRunner, type PolicyResult, type Violation } from "./policy";
import { readProject, requireStacks } from "./project";
import { displayInputs, providerUrn, type DisplayValue } from "./values";

export interface PlannedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  readonly parent: string | undefined;
  readonly provider: string | undefined;
  readonly dependencies: readonly string[];
  /** Secrets as "[secret]", unknowns as "(known after deploy)". */
  readonly inputs: { readonly [key: string]: DisplayValue };
}

export interface PlanSummary {
  readonly resources: number;
  readonly customResources: number;
  readonly components: number;
  readonly byType: Readonly<Record<string, number>>;
  readonly publicHostnames: number;
  readonly protectedHostnames: number;
  readonly hostPorts: number;
  readonly mandatory: number;
  readonly advisory: number;
}

export interface StackPlan {
  readonly stack: string;
  readonly file: string;
  readonly profile: string;
  readonly resources: readonly PlannedResource[];
  readonly endpoints: readonly Endpoint[];
  readonly violations: readonly Violation[];
  readonly policyPack: PolicyResult["pack"];
  readonly policyConfig: string;
  readonly summary: PlanSummary;
  /** For the renderers only (the mermaid diagram's monitoring edges); not part of the JSON. */
  readonly model: HomelabModel;
  readonly topology: Topology;
}

/**
 * Pulumi's runtime captures a formatted stack trace for every output it
 * creates (four per resource property, for its promise-leak report). Under
 * ts-node each capture is source-mapped, which made planning cost ~100 ms per
 * service. Traces are never shown by the plan, so evaluation runs with them
 * off; Pulumi still records source positions (it raises the limit itself).
 */
export async function withoutStackTraces<T>(fn: () => Promise<T>): Promise<T> {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return await fn();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

export interface EvaluateForPlanOptions {
  readonly stack: string;
  readonly stackFileText?: string;
  readonly projectDir?: string;
}

export function evaluateForPlan(opts: EvaluateForPlanOptions): Promise<Evaluation> {
  return withoutStackTraces(() => evaluateStack(opts));
}

function plannedResource(r: RecordedResource): PlannedResource {
  return {
    urn: r.urn,
    type: r.type,
    name: r.name,
    custom: r.custom,
    parent: r.parent,
    provider: providerUrn(r.provider),
    dependencies: r.dependencies,
    inputs: displayInputs(r.inputs),
  };
}

export function summarize(resources: readonly RecordedResource[], endpoints: readonly Endpoint[], violations: readonly Violation[]): PlanSummary {
  const byType: Record<string, number> = {};
  for (const r of resources) byType[r.type] = (byType[r.type] ?? 0) + 1;
  const tunnel = endpoints.filter((e) => e.kind === "tunnel");
  return {
    resources: resources.length,
    customResources: resources.filter((r) => r.custom).length,
    components: resources.filter((r) => !r.custom).length,
    byType: Object.fromEntries(Object.entries(byType).sort(([a], [b]) => a.localeCompare(b))),
    publicHostnames: tunnel.filter((e) => e.access === "public").length,
    protectedHostnames: tunnel.filter((e) => e.access === "access").length,
    hostPorts: endpoints.filter((e) => e.kind === "hostPort").length,
    mandatory: violations.filter((v) => v.level === "mandatory").length,
    advisory: violations.filter((v) => v.level !== "mandatory").length,
  };
}

/** Combines evaluation and policy results into the plan the renderers print. */
export function assemblePlan(evaluation: Evaluation, policy: PolicyResult): StackPlan {
  const topo = topology(evaluation.resources);
  return {
    stack: evaluation.stack,
    file: evaluation.file,
    profile: evaluation.model.profile.name,
    resources: evaluation.resources.map(plannedResource),
    endpoints: topo.endpoints,
    violations: policy.violations,
    policyPack: policy.pack,
    policyConfig: policy.configFile,
    summary: summarize(evaluation.resources, topo.endpoints, policy.violations),
    model: evaluation.model,
    topology: topo,
  };
}

export interface PlanOptions {
  readonly stacks: readonly string[];
  readonly projectDir?: string;
  /** Stack file text per stack, instead of reading the project's files. */
  readonly stackFileTexts?: Readonly<Record<string, string>>;
  readonly packDir?: string;
  /** A running policy runner to reuse; one is started (and closed) otherwise. */
  readonly runner?: PolicyRunner;
}

/**
 * Plans several stacks: every stack is validated and evaluated first, so all
 * config problems are reported together and the policy pack is started only
 * when there is something to check.
 */
export async function planStacks(opts: PlanOptions): Promise<StackPlan[]> {
  const projectDir = opts.projectDir ?? PROJECT_DIR;
  readProject(projectDir);
  const texts = opts.stackFileTexts ?? {};
  requireStacks(projectDir, opts.stacks.filter((s) => texts[s] === undefined));

  const evaluations: Evaluation[] = [];
  const problems: ConfigProblem[] = [];
  for (const stack of opts.stacks) {
    try {
      evaluations.push(await evaluateForPlan({ stack, stackFileText: texts[stack], projectDir }));
    } catch (err) {
      if (err instanceof ConfigError) problems.push(...err.problems);
      else throw err;
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const runner = opts.runner ?? new PolicyRunner({ packDir: opts.packDir });
  try {
    const plans: StackPlan[] = [];
    for (const e of evaluations) plans.push(assemblePlan(e, await runner.analyze(e.stack, e.model.profile.name, e.resources)));
    return plans;
  } finally {
    if (!opts.runner) await runner.close();
  }
}

export function stackFilePathFor(projectDir: string, stack: string): string {
  return path.join(projectDir, stackFileName(stack));
}
