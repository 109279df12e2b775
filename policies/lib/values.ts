/**
 * Reading resource inputs without tripping over preview-time unknowns.
 *
 * @pulumi/policy wraps `args.props` in a proxy that throws on any unknown it
 * meets, and the server turns that throw into an advisory "can't run policy"
 * diagnostic. Rules here read the proxy's target instead and treat unknowns
 * explicitly, so an unknown is skipped instead of reported.
 */

/** Stands for "known only after deployment"; callers must not judge it. */
export const UNKNOWN: unique symbol = Symbol("unknown");
export type Unknown = typeof UNKNOWN;
/** A property that is absent (`undefined`), unknown, or a known value. */
export type Maybe<T> = T | undefined | Unknown;

// The sentinels the engine uses on the wire, one per property kind.
const UNKNOWN_SENTINELS: ReadonlySet<string> = new Set([
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    "030794c1-ac77-496b-92df-f27374a8bd58",
    "e48ece36-62e2-4504-bad9-02848725956a",
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);

export type Props = Readonly<Record<string, unknown>>;

export function isUnknownValue(v: unknown): boolean {
    return (UNKNOWN_SENTINELS as ReadonlySet<unknown>).has(v);
}

/** The plain object behind @pulumi/policy's unknown-checking proxy (or the object itself). */
export function rawProps(props: object): Props {
    const target: unknown = (props as Record<string, unknown>)["__getSpecialProxyTarget"];
    return (target && typeof target === "object" ? target : props) as Props;
}

function read<T>(v: unknown, guard: (x: unknown) => x is T): Maybe<T> {
    if (v === undefined || v === null) return undefined;
    if (isUnknownValue(v)) return UNKNOWN;
    // A value of the wrong shape cannot be judged either; treat it like unknown.
    return guard(v) ? v : UNKNOWN;
}

export const str = (v: unknown): Maybe<string> => read(v, (x): x is string => typeof x === "string");
export const bool = (v: unknown): Maybe<boolean> => read(v, (x): x is boolean => typeof x === "boolean");
export const num = (v: unknown): Maybe<number> => read(v, (x): x is number => typeof x === "number");
export const list = (v: unknown): Maybe<readonly unknown[]> => read(v, (x): x is unknown[] => Array.isArray(x));
export const rec = (v: unknown): Maybe<Props> =>
    // read() has turned null away already.
    read(v, (x): x is Props => typeof x === "object" && !Array.isArray(x));

/** Items of a list property that are objects; unknown items and an unknown list yield nothing. */
export function records(v: unknown): Props[] {
    const items = list(v);
    if (items === undefined || items === UNKNOWN) return [];
    return items.map(rec).filter((r): r is Props => r !== undefined && r !== UNKNOWN);
}

/** Known string items of a list property. */
export function strings(v: unknown): string[] {
    const items = list(v);
    if (items === undefined || items === UNKNOWN) return [];
    return items.map(str).filter((s): s is string => typeof s === "string");
}

/** True when any item of a list (or the list itself) is unknown. */
export function hasUnknownItem(v: unknown): boolean {
    const items = list(v);
    return items === UNKNOWN || (Array.isArray(items) && items.some(isUnknownValue));
}

/** Docker labels as a map; the provider takes them as [{label, value}]. */
export function labelMap(v: unknown): Map<string, string> {
    const out = new Map<string, string>();
    for (const l of records(v)) {
        const k = str(l["label"]);
        const val = str(l["value"]);
        if (typeof k === "string" && typeof val === "string") out.set(k, val);
    }
    return out;
}
