/**
 * The provider model: one place that knows what the real providers do with
 * the program's inputs. The plan applies Check's defaults before the policy
 * pack (as the engine does), the tests assert that what the program sends is
 * what the provider reads back, and a diff classifies each change.
 */
import { BEHAVIOURS } from "./behaviours";
import type { ChangeOptions, ClassifiedChange, ResourceBehaviour } from "./types";

export type { ChangeAction, ChangeOptions, ClassifiedChange, ResourceBehaviour } from "./types";

const byType = new Map<string, ResourceBehaviour>(BEHAVIOURS.map((b) => [b.type, b]));

export function behaviourOf(type: string): ResourceBehaviour | undefined {
  return byType.get(type);
}

/** The inputs as the provider's Check returns them: absent inputs with a default get it. */
export function withProviderDefaults(type: string, inputs: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const b = byType.get(type);
  if (!b) return { ...inputs };
  const out: Record<string, unknown> = { ...inputs };
  for (const [k, v] of Object.entries(b.defaults)) if (out[k] === undefined) out[k] = v;
  return out;
}

/** The inputs as the provider would read them back after create or refresh. */
export function readBack(type: string, inputs: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const b = byType.get(type);
  const out: Record<string, unknown> = { ...inputs };
  if (!b) return out;
  for (const [k, f] of Object.entries(b.readBack)) if (out[k] !== undefined) out[k] = f(out[k]);
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
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const changed = keys.filter((k) => !deepEqual(before[k], after[k]));
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
