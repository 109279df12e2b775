/**
 * Merging compose files (and `extends`) the way the Compose specification's
 * merge rules say: maps merge key by key, later wins; `environment`,
 * `labels` and friends merge by variable name whichever syntax each file
 * used; `volumes` merge by container path; `ports`, `expose` and the other
 * lists append without duplicates; `command`, `entrypoint` and
 * `healthcheck.test` are replaced.
 */

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonMap = { [key: string]: Json };

export const isMap = (v: unknown): v is JsonMap => v !== null && typeof v === "object" && !Array.isArray(v);

/** Keys whose list form `KEY=VALUE` (or `KEY`) is the same as a map. */
const KEY_VALUE_LISTS = new Set(["environment", "labels", "annotations", "sysctls", "extra_hosts", "driver_opts"]);
/** Keys whose list form (names) is the same as a map of name -> settings. */
const NAME_LISTS = new Set(["depends_on", "networks"]);
const REPLACED = new Set(["command", "entrypoint"]);

/** `["A=1", "B"]` -> `{A: "1", B: null}`; a map is returned as it is. */
export function keyValueMap(value: Json | undefined, separator = "="): JsonMap {
  if (isMap(value)) return value;
  const out: JsonMap = {};
  for (const item of Array.isArray(value) ? value : []) {
    const text = String(item);
    const at = text.indexOf(separator);
    if (at < 0) out[text] = null;
    else out[text.slice(0, at)] = text.slice(at + 1);
  }
  return out;
}

export function nameMap(value: Json | undefined): JsonMap {
  if (isMap(value)) return value;
  return Object.fromEntries((Array.isArray(value) ? value : []).map((n) => [String(n), null]));
}

/**
 * `SOURCE:TARGET[:MODE]` split into its parts, a Windows drive (`C:\\data`,
 * `C:/data:/d`) kept with its path. A one-letter volume name (`v:/a:ro`) is
 * not a drive: a drive's path is followed by an absolute container path.
 */
export function splitVolumeSpec(spec: string): string[] {
  const parts = spec.split(":");
  const drive = /^[A-Za-z]$/.test(parts[0]) && parts.length > 2 && (parts[1].startsWith("\\") || parts[2].startsWith("/"));
  return drive ? [`${parts[0]}:${parts[1]}`, ...parts.slice(2)] : parts;
}

/** The container path of a short or long volume entry. */
export function volumeTarget(v: Json): string {
  if (isMap(v)) return String(v.target ?? "");
  const parts = splitVolumeSpec(String(v));
  return parts.length === 1 ? parts[0] : parts[1];
}

function unionList(a: Json[], b: Json[]): Json[] {
  const seen = new Set(a.map((x) => JSON.stringify(x)));
  return [...a, ...b.filter((x) => !seen.has(JSON.stringify(x)))];
}

function mergeVolumes(a: Json[], b: Json[]): Json[] {
  const out = [...a];
  for (const v of b) {
    const i = out.findIndex((x) => volumeTarget(x) === volumeTarget(v));
    if (i >= 0) out[i] = v;
    else out.push(v);
  }
  return out;
}

/** Normalizes the keys whose two syntaxes mean the same, so files using either merge. */
export function normalizeService(svc: JsonMap): JsonMap {
  const out: JsonMap = { ...svc };
  for (const k of KEY_VALUE_LISTS) if (k in out && k !== "extra_hosts") out[k] = keyValueMap(out[k]);
  if ("extra_hosts" in out && Array.isArray(out.extra_hosts)) out.extra_hosts = keyValueMap(out.extra_hosts, ":");
  for (const k of NAME_LISTS) if (k in out) out[k] = nameMap(out[k]);
  return out;
}

export function mergeService(base: JsonMap, over: JsonMap): JsonMap {
  const a = normalizeService(base);
  const b = normalizeService(over);
  const out: JsonMap = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    if (prev === undefined || REPLACED.has(k)) out[k] = v;
    else if (k === "volumes" && Array.isArray(prev) && Array.isArray(v)) out[k] = mergeVolumes(prev, v);
    else if (k === "healthcheck" && isMap(prev) && isMap(v)) out[k] = { ...prev, ...v };
    else if (Array.isArray(prev) && Array.isArray(v)) out[k] = unionList(prev, v);
    else if (isMap(prev) && isMap(v)) out[k] = deepMerge(prev, v);
    else out[k] = v;
  }
  return out;
}

export function deepMerge(a: JsonMap, b: JsonMap): JsonMap {
  const out: JsonMap = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = isMap(prev) && isMap(v) ? deepMerge(prev, v) : v;
  }
  return out;
}

/** Merges whole compose files in order: services by name, other top-level maps deeply. */
export function mergeFiles(files: readonly JsonMap[]): JsonMap {
  let out: JsonMap = {};
  for (const f of files) {
    const services = isMap(out.services) ? { ...out.services } : {};
    for (const [name, svc] of Object.entries(isMap(f.services) ? f.services : {})) {
      const prev = services[name];
      services[name] = isMap(prev) ? mergeService(prev, isMap(svc) ? svc : {}) : normalizeService(isMap(svc) ? svc : {});
    }
    out = deepMerge(out, { ...f, services: {} });
    out.services = services;
  }
  return out;
}
