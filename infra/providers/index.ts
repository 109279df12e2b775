/**
 * The provider model: one place that knows what the real providers do with
 * the program's inputs. The plan applies Check's defaults before the policy
 * pack (as the engine does), the tests assert that what the program sends is
 * what the provider reads back, and a diff classifies each change.
 */
import { specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { BEHAVIOURS } from "./behaviours";
import type { ChangeOptions, ClassifiedChange, ResourceBehaviour } from "./types";

export type { ChangeAction, ChangeOptions, ClassifiedChange, ResourceBehaviour } from "./types";
export { BEHAVIOURS };

const byType = new Map<string, ResourceBehaviour>(BEHAVIOURS.map((b) => [b.type, b]));

/** The engine's marker key for a secret value: such an object is opaque, never descended into. */
const SECRET_SIG_KEY = specialSigKey;

export function behaviourOf(type: string): ResourceBehaviour | undefined {
  return byType.get(type);
}

/** Every type the model knows, sorted. */
export function modelledTypes(): string[] {
  return [...byType.keys()].sort();
}

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(SECRET_SIG_KEY in v);
}

/** A deep copy of plain JSON-like inputs (secret markers and unknowns are plain values too). */
function copy<T>(v: T): T {
  if (Array.isArray(v)) return v.map(copy) as T;
  if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copy(x)])) as T;
  return v;
}

/**
 * Calls `leaf(parent, key)` for every place `path` names in `node`:
 * `a.b` descends into object `a`, `a[].b` into each element of list `a`.
 * Missing, unknown or secret intermediate values are skipped.
 */
export function visitPath(node: unknown, path: string, leaf: (parent: Obj, key: string) => void): void {
  const walk = (at: unknown, segs: readonly string[]): void => {
    if (!isObject(at)) return;
    const [head, ...rest] = segs;
    if (rest.length === 0) {
      leaf(at, head);
      return;
    }
    if (head.endsWith("[]")) {
      const list = at[head.slice(0, -2)];
      if (Array.isArray(list)) for (const el of list) walk(el, rest);
    } else {
      walk(at[head], rest);
    }
  };
  walk(node, path.split("."));
}

/** The inputs as the provider's Check returns them: absent inputs with a default get it. */
export function withProviderDefaults(type: string, inputs: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const b = byType.get(type);
  const out: Obj = copy({ ...inputs });
  if (!b) return out;
  for (const [path, v] of Object.entries(b.defaults)) {
    visitPath(out, path, (parent, key) => {
      if (parent[key] === undefined) parent[key] = copy(v);
    });
  }
  return out;
}

/** The inputs as the provider would read them back after create or refresh. */
export function readBack(type: string, inputs: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const b = byType.get(type);
  const out: Obj = copy({ ...inputs });
  if (!b) return out;
  for (const [path, f] of Object.entries(b.readBack)) {
    visitPath(out, path, (parent, key) => {
      if (parent[key] !== undefined) parent[key] = f(parent[key]);
    });
  }
  for (const [path, f] of Object.entries(b.recordedWhenAbsent ?? {})) {
    visitPath(out, path, (parent, key) => {
      if (parent[key] !== undefined) return;
      const v = f(inputs);
      if (v !== undefined) parent[key] = v;
    });
  }
  return out;
}

/** Replace, update or nothing, and why, for one resource whose inputs went from `before` to `after`. */
export function classifyChange(
  type: string,
  before: Readonly<Record<string, unknown>>,
  after: Readonly<Record<string, unknown>>,
  opts: ChangeOptions = {},
): ClassifiedChange {
  const b = byType.get(type);
  const ignoring = new Set(opts.ignoreChanges ?? []);
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const changed = keys.filter((k) => !ignoring.has(k) && !deepEqual(before[k], after[k]));
  const forcing = new Set([...(b?.forceNew ?? []), ...(opts.replaceOnChanges ?? [])]);
  const replaceReasons = changed.filter((k) => forcing.has(k));
  // An unmodelled type is assumed to update in place: the engine would ask the provider.
  const ignored = b ? changed.filter((k) => !forcing.has(k) && !b.updatable.includes(k)) : [];
  const action = changed.length === 0 ? "same" : replaceReasons.length > 0 ? "replace" : "update";
  return { action, changed, replaceReasons, ignored };
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
