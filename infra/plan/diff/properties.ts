/**
 * Property-level differences between two display-form input values (secrets
 * already "[secret]"), with paths a reader can follow: objects by key, lists
 * of named things by their name (`uploads[file=/etc/x.yml].content`,
 * `envs[LOG_LEVEL]`), other lists by position when their length is kept.
 */
import { deepEqual } from "../../providers";
import type { DisplayValue } from "../values";
import { unifiedDiff } from "./lines";

export interface PropertyDiff {
  readonly path: string;
  /** null when the property did not exist on that side. */
  readonly old: DisplayValue;
  readonly new: DisplayValue;
  /** Both sides multi-line text: the unified diff of their lines. */
  readonly lines?: readonly string[];
  /** Why a value that only exists after deployment counts as changed. */
  readonly note?: string;
  /** The resource whose replacement changes this value, and whether it goes first (deleteBeforeReplace). */
  readonly from?: { readonly name: string; readonly deleteBeforeReplace: boolean };
}

/** Fields that name an element of a list of objects, in the order tried. */
const IDENTITY_KEYS = ["file", "hostname", "label", "containerPath", "name", "domain"] as const;
const ENV_ENTRY = /^([A-Za-z_][A-Za-z0-9_.-]*)=/;

type Obj = { [key: string]: DisplayValue };
const isObj = (v: DisplayValue | undefined): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

const isText = (v: DisplayValue | undefined): v is string => typeof v === "string" && v.includes("\n");

/** How each element of a list is named, or undefined when the list has no usable names. */
function namer(a: readonly DisplayValue[], b: readonly DisplayValue[]): ((v: DisplayValue) => string | undefined) | undefined {
  const all = [...a, ...b];
  if (all.length === 0) return undefined;
  const unique = (side: readonly DisplayValue[], name: (v: DisplayValue) => string | undefined): boolean => {
    const names = side.map(name).filter((n): n is string => n !== undefined);
    return new Set(names).size === names.length;
  };
  if (all.every((v) => typeof v === "string")) {
    const env = (v: DisplayValue): string | undefined => (typeof v === "string" ? ENV_ENTRY.exec(v)?.[1] : undefined);
    if (all.some((v) => env(v) !== undefined) && unique(a, env) && unique(b, env)) return env;
    return undefined;
  }
  if (!all.every(isObj)) return undefined;
  for (const key of IDENTITY_KEYS) {
    const name = (v: DisplayValue): string | undefined => {
      const x = isObj(v) ? v[key] : undefined;
      return typeof x === "string" ? `${key}=${x}` : undefined;
    };
    if (all.some((v) => name(v) !== undefined) && unique(a, name) && unique(b, name)) return name;
  }
  return undefined;
}

function leaf(path: string, a: DisplayValue | undefined, b: DisplayValue | undefined): PropertyDiff {
  const d: PropertyDiff = { path, old: a ?? null, new: b ?? null };
  return isText(a) || isText(b) ? { ...d, lines: unifiedDiff(typeof a === "string" ? a : "", typeof b === "string" ? b : "") } : d;
}

function diffLists(path: string, a: readonly DisplayValue[], b: readonly DisplayValue[], out: PropertyDiff[]): void {
  const name = namer(a, b);
  if (!name) {
    if (a.length === b.length) a.forEach((x, i) => diffInto(`${path}[${i}]`, x, b[i], out));
    else out.push(leaf(path, [...a], [...b]));
    return;
  }
  // Named elements meet by name; unnamed ones (a secret env entry, the tunnel's catch-all rule) by position among themselves.
  const keyed = (side: readonly DisplayValue[]): Map<string, DisplayValue> => {
    const m = new Map<string, DisplayValue>();
    let unnamed = 0;
    for (const v of side) m.set(name(v) ?? `#${unnamed++}`, v);
    return m;
  };
  const ka = keyed(a);
  const kb = keyed(b);
  for (const k of [...new Set([...ka.keys(), ...kb.keys()])]) diffInto(`${path}[${k}]`, ka.get(k), kb.get(k), out);
}

function diffInto(path: string, a: DisplayValue | undefined, b: DisplayValue | undefined, out: PropertyDiff[]): void {
  if (deepEqual(a ?? null, b ?? null)) return;
  if (isObj(a) && isObj(b)) {
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) diffInto(`${path}.${k}`, a[k], b[k], out);
  } else if (Array.isArray(a) && Array.isArray(b)) {
    diffLists(path, a, b, out);
  } else {
    out.push(leaf(path, a, b));
  }
}

/** The differences under one top-level input, deepest first level that differs. */
export function diffProperty(key: string, a: DisplayValue | undefined, b: DisplayValue | undefined): PropertyDiff[] {
  const out: PropertyDiff[] = [];
  diffInto(key, a, b, out);
  return out;
}
