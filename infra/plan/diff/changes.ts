/**
 * What the engine would do to each resource, from the base plan to this one:
 * create, update, replace, delete or nothing. Replace versus update follows
 * the provider model (infra/providers: what forces a new resource) and the
 * program's own `replaceOnChanges`. An input known only after deployment
 * (a container's `image`, which is its image's ID) counts as changed when a
 * resource it comes from is created or replaced, as `pulumi preview` does.
 * An input that comes from a resource replaced with `deleteBeforeReplace`
 * (a Docker network) counts as changed whatever its value: the engine
 * diffs such dependents with those inputs unknown and, where the provider
 * would replace them, deletes them before the resource and recreates them
 * after (pulumi/pulumi pkg/resource/deploy/step_generator.go,
 * calculateDependentReplacements).
 */
import { classifyChange, withProviderDefaults, type ClassifiedChange } from "../../providers";
import { UNKNOWN_TEXT, type DisplayValue } from "../values";
import { diffProperty, type PropertyDiff } from "./properties";
import type { PlanSide, SideResource } from "./side";

export type ResourceAction = "create" | "update" | "replace" | "delete" | "same";

export interface ResourceChange {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly action: ResourceAction;
  /** replace: the inputs that force it; update: the inputs that change; create, delete: none. */
  readonly reasons: readonly string[];
  readonly diff: readonly PropertyDiff[];
  /** Changed inputs the provider never applies to the real resource (neither updated nor replaced for). */
  readonly ignored?: readonly string[];
}

export interface ChangeSet {
  readonly changes: readonly ResourceChange[];
  readonly same: number;
  /** Action per URN, every resource of both sides. */
  readonly actions: ReadonlyMap<string, ResourceAction>;
}

export type Classifier = (
  type: string,
  before: Readonly<Record<string, unknown>>,
  after: Readonly<Record<string, unknown>>,
  opts: { replaceOnChanges?: readonly string[]; ignoreChanges?: readonly string[] },
) => ClassifiedChange;

const containsUnknown = (v: DisplayValue | undefined): boolean =>
  typeof v === "string" ? v.includes(UNKNOWN_TEXT) : Array.isArray(v) ? v.some(containsUnknown) : typeof v === "object" && v !== null ? Object.values(v).some(containsUnknown) : false;

/** Stands for "a new value, known after deployment" so the comparison sees a change. */
const PENDING = Object.freeze({ "(known after deploy)": "pending" });

const NEW_OUTPUTS: readonly ResourceAction[] = ["create", "replace"];

const ACTION_ORDER: Record<ResourceAction, number> = { replace: 0, delete: 1, create: 2, update: 3, same: 4 };

export function diffResources(base: PlanSide, head: PlanSide, classify: Classifier = classifyChange): ChangeSet {
  const before = new Map(base.resources.map((r) => [r.urn, r]));
  const after = new Map(head.resources.map((r) => [r.urn, r]));
  const actions = new Map<string, ResourceAction>();
  const changes = new Map<string, ResourceChange>();

  const visit = (urn: string, path: ReadonlySet<string>): ResourceAction => {
    const known = actions.get(urn);
    if (known) return known;
    const h = after.get(urn);
    if (!h) return "same";
    const b = before.get(urn);
    let change: ResourceChange;
    if (!b) change = { urn, type: h.type, name: h.name, action: "create", reasons: [], diff: [] };
    else {
      const cycleFree = new Set([...path, urn]);
      const upstream = (dep: string): Upstream => ({
        action: cycleFree.has(dep) ? "same" : visit(dep, cycleFree),
        deleteBeforeReplace: after.get(dep)?.options?.deleteBeforeReplace === true,
      });
      change = compare(b, h, upstream, classify);
    }
    actions.set(urn, change.action);
    if (change.action !== "same") changes.set(urn, change);
    return change.action;
  };
  for (const r of head.resources) visit(r.urn, new Set());
  for (const r of base.resources) {
    if (after.has(r.urn)) continue;
    actions.set(r.urn, "delete");
    changes.set(r.urn, { urn: r.urn, type: r.type, name: r.name, action: "delete", reasons: [], diff: [] });
  }
  const order = new Map(head.resources.map((r, i) => [r.urn, i]));
  base.resources.forEach((r, i) => order.set(r.urn, order.get(r.urn) ?? head.resources.length + i));
  const list = [...changes.values()].sort((x, y) => ACTION_ORDER[x.action] - ACTION_ORDER[y.action] || order.get(x.urn)! - order.get(y.urn)!);
  return { changes: list, same: [...actions.values()].filter((a) => a === "same").length, actions };
}

interface Upstream {
  readonly action: ResourceAction;
  readonly deleteBeforeReplace: boolean;
}

interface Cause {
  readonly note: string;
  readonly from: NonNullable<PropertyDiff["from"]>;
}

/** Why an input counts as changed because of a resource it comes from, if it does. */
function upstreamCause(value: DisplayValue | undefined, deps: readonly string[], upstream: (urn: string) => Upstream): Cause | undefined {
  for (const d of deps) {
    const u = upstream(d);
    const name = nameOf(d);
    if (u.action === "replace" && u.deleteBeforeReplace) return { note: `known after deploy: ${name} is replaced first (deleteBeforeReplace)`, from: { name, deleteBeforeReplace: true } };
    if (NEW_OUTPUTS.includes(u.action) && containsUnknown(value)) {
      return { note: `known after deploy: ${name} is ${u.action === "create" ? "created" : "replaced"}`, from: { name, deleteBeforeReplace: false } };
    }
  }
  return undefined;
}

function compare(b: SideResource, h: SideResource, upstream: (urn: string) => Upstream, classify: Classifier): ResourceChange {
  const base = { urn: h.urn, type: h.type, name: h.name };
  // A component has no inputs of its own: what changes is its children.
  if (!isCustom(h)) return { ...base, action: "same", reasons: [], diff: [] };
  const old = withProviderDefaults(h.type, b.inputs) as Record<string, DisplayValue>;
  const now = withProviderDefaults(h.type, h.inputs) as Record<string, DisplayValue>;
  const pending = new Map<string, Cause>();
  for (const [key, deps] of Object.entries(h.propertyDependencies ?? {})) {
    const cause = upstreamCause(now[key], deps, upstream);
    if (cause) pending.set(key, cause);
  }
  const compared: Record<string, unknown> = { ...now };
  for (const key of pending.keys()) compared[key] = PENDING;
  const c = classify(h.type, old, compared, { replaceOnChanges: h.options?.replaceOnChanges ?? [], ignoreChanges: h.options?.ignoreChanges ?? [] });
  if (c.action === "same") return { ...base, action: "same", reasons: [], diff: [] };
  const diff = c.changed.flatMap((key): PropertyDiff[] => {
    const why = pending.get(key);
    if (why) return [{ path: key, old: old[key] ?? null, new: now[key] ?? null, note: why.note, from: why.from }];
    return diffProperty(key, old[key], now[key]);
  });
  const reasons = c.action === "replace" ? c.replaceReasons : c.changed;
  return { ...base, action: c.action, reasons, diff, ...(c.ignored.length > 0 ? { ignored: c.ignored } : {}) };
}

/**
 * Custom resources carry a provider module in their type (`docker:index/container:Container`)
 * or are providers; components (`homelab:docker:Service`) and the stack do not.
 */
const isCustom = (r: SideResource): boolean => r.type.startsWith("pulumi:providers:") || (r.type.split(":")[1] ?? "").includes("/");

/** The resource name at the end of a URN. */
export const nameOf = (urn: string): string => urn.split("::").pop() ?? urn;
