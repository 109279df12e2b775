/**
 * One stack's plan: the real program evaluated under the mock runtime
 * (evaluateStack, the same code `pulumi up` runs), its resources made safe
 * to print, what is reachable from where, and the policy pack's verdict.
 */
import { PROJECT_DIR } from "../context";
import { ConfigError, type ConfigProblem } from "../errors";
import type { HomelabModel } from "../model";
import { evaluateLoaded, loadStack, type EvaluateOptions, type Evaluation, type LoadedStack, type RecordedResource } from "./evaluate";
import { topology, type Endpoint, type Topology } from "./endpoints";
import { policyConfigFile, PolicyRunner, readPolicyConfig, type PolicyResult, type Violation } from "./policy";
import { readProject, requireStacks } from "./project";
import { displayInputs, providerUrn, type DisplayValue } from "./values";
import { withProviderDefaults } from "../providers";

export interface PlannedResource extends Omit<RecordedResource, "inputs" | "options" | "propertyDependencies"> {
  /** Secrets as "[secret]", unknowns as "(known after deploy)". */
  readonly inputs: { readonly [key: string]: DisplayValue };
  /** Per top-level input, the resources its value came from. */
  readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
  readonly options: PlannedOptions;
}

/** The resource options a diff against a base needs: what replacement and deletion do. */
export interface PlannedOptions {
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  readonly deleteBeforeReplace: boolean;
  readonly replaceOnChanges: readonly string[];
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
  /** Legal but almost certainly unintended settings (a stack with no services); printed, never a failure. */
  readonly warnings?: readonly ConfigProblem[];
  /** For the renderers only (the mermaid diagram's monitoring edges); not part of the JSON. */
  readonly model: HomelabModel;
  readonly topology: Topology;
}

type Debuggable = { debuggablePromise: <T>(p: Promise<T>, ctx: unknown) => Promise<T> };
/* eslint-disable-next-line @typescript-eslint/no-require-imports */
const debuggable = require("@pulumi/pulumi/runtime/debuggable") as Debuggable;

function trySet(mod: Debuggable, fn: Debuggable["debuggablePromise"]): boolean {
  try {
    mod.debuggablePromise = fn;
    return mod.debuggablePromise === fn;
  } catch {
    return false;
  }
}

/**
 * Runs `fn` without the Pulumi runtime's promise-leak diagnostics, which the
 * plan never shows and which cost more than the program itself: every
 * promise the runtime creates is tracked in a set and wrapped in two more,
 * with a stack trace (four per resource property), plus one full trace per
 * resource for its source position, each source-mapped under ts-node. The
 * report they feed is printed at process exit from the default runtime store,
 * never from the one an evaluation runs in, so nothing is lost. Turning them
 * off made a plan several times faster; the resources recorded are the same
 * (only their registration order differs, and stays deterministic).
 */
export async function withoutRuntimeDiagnostics<T>(fn: () => Promise<T>): Promise<T> {
  const limit = Error.stackTraceLimit;
  const prepare = Error.prepareStackTrace;
  const track = debuggable.debuggablePromise;
  Error.stackTraceLimit = 0;
  // Pulumi raises the limit itself for source positions; an empty trace gives it none, which a plan never needs.
  Error.prepareStackTrace = () => "";
  // A runtime whose module cannot be changed keeps its tracking: a slower plan, the same resources.
  const untracked = trySet(debuggable, (p) => p);
  try {
    return await fn();
  } finally {
    Error.stackTraceLimit = limit;
    Error.prepareStackTrace = prepare;
    if (untracked) trySet(debuggable, track);
  }
}

/**
 * Each resource's inputs as the provider's Check returns them (its defaults
 * filled in): what the engine stores, diffs and hands the policy pack
 * (pulumi/pulumi pkg/resource/deploy/step_generator.go analyzes the checked inputs).
 */
export function checkedEvaluation(e: Evaluation): Evaluation {
  return { ...e, resources: e.resources.map((r) => (r.custom ? { ...r, inputs: withProviderDefaults(r.type, r.inputs) } : r)) };
}

/** Evaluates a stack (given by name, or already loaded) the way the plan does: runtime diagnostics off, inputs checked. */
export async function evaluateForPlan(stack: EvaluateOptions | LoadedStack): Promise<Evaluation> {
  return checkedEvaluation(await withoutRuntimeDiagnostics(() => evaluateLoaded("model" in stack ? stack : loadStack(stack))));
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
    propertyDependencies: r.propertyDependencies ?? {},
    options: {
      protect: r.options.protect,
      retainOnDelete: r.options.retainOnDelete,
      deleteBeforeReplace: r.options.deleteBeforeReplace,
      replaceOnChanges: r.options.replaceOnChanges ?? [],
    },
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
 * Plans several stacks. Every stack's config and policy config file are
 * checked first, so all problems are reported together and the policy pack
 * is started only when there is something to check; it then starts while the
 * stacks are evaluated (its start-up is the slowest step of a small plan).
 */
export async function planStacks(opts: PlanOptions): Promise<StackPlan[]> {
  const projectDir = opts.projectDir ?? PROJECT_DIR;
  readProject(projectDir);
  const texts = opts.stackFileTexts ?? {};
  requireStacks(projectDir, opts.stacks.filter((s) => texts[s] === undefined));
  const runner = opts.runner ?? new PolicyRunner({ packDir: opts.packDir });

  const checked: LoadedStack[] = [];
  const problems: ConfigProblem[] = [];
  for (const stack of opts.stacks) {
    try {
      const loaded = loadStack({ stack, stackFileText: texts[stack], projectDir });
      readPolicyConfig(policyConfigFile(runner.packDir, stack, loaded.model.profile.name, projectDir));
      checked.push(loaded);
    } catch (err) {
      if (err instanceof ConfigError) problems.push(...err.problems);
      else throw err;
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  if (checked.length === 0) return [];

  // A failed start is reported when the pack is first needed, not as an unhandled rejection meanwhile.
  void runner.start(checked[0].stack).catch(() => undefined);
  try {
    const evaluations: Evaluation[] = [];
    for (const loaded of checked) evaluations.push(await evaluateForPlan(loaded));
    const plans: StackPlan[] = [];
    for (const [i, e] of evaluations.entries()) {
      plans.push({ ...assemblePlan(e, await runner.analyze(e.stack, e.model.profile.name, e.resources, projectDir)), warnings: checked[i].warnings ?? [] });
    }
    return plans;
  } finally {
    if (!opts.runner) await runner.close();
  }
}
