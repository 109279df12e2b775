/**
 * Reads compose files as Docker Compose does: each file is parsed,
 * interpolated and checked against the Compose schema; relative paths are
 * resolved against that file's folder; then the files are merged in order,
 * `extends` is applied, services outside the active profiles are set aside
 * and `env_file:` values are folded into `environment`.
 */
import * as fs from "fs";
import * as path from "path";
import { isMap as isYamlMap, isSeq, LineCounter, parseDocument, type Node } from "yaml";
import { ConfigError, type ConfigProblem } from "../errors";
import { looksSecret } from "../checks/secretNames";
import { readEnvFile } from "./envfile";
import { interpolate } from "./interpolate";
import { isMap, keyValueMap, mergeFiles, mergeService, normalizeService, type Json, type JsonMap } from "./merge";
import { composePath, schemaProblems } from "./schema";

export interface LoadOptions {
  /** Compose files in merge order (the first one's folder is the project folder). */
  readonly files: readonly string[];
  /** Replaces the `.env` beside the first file. */
  readonly envFile?: string;
  /** Active profiles (COMPOSE_PROFILES in `env` adds to them). */
  readonly profiles?: readonly string[];
  /** The shell environment; it wins over `.env`, as in Compose. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface ComposeService {
  readonly name: string;
  /** The merged definition: `environment`, `labels`, `depends_on`, `networks` as maps; `extends` applied. */
  readonly data: JsonMap;
  /** Variables whose value came only from an `env_file`. */
  readonly fromEnvFile: ReadonlySet<string>;
  /** `service (file)` this one extends, when it does. */
  readonly extendsFrom: string | undefined;
  /** Keys the service had before merging, in the order first written. */
  readonly keys: readonly string[];
}

export interface ComposeProject {
  /** Compose's project name: top-level `name`, else the first file's folder name. */
  readonly name: string;
  readonly dir: string;
  readonly files: readonly string[];
  readonly services: readonly ComposeService[];
  /** Services set aside because none of their profiles is active. */
  readonly inactive: readonly { name: string; profiles: string[] }[];
  readonly top: JsonMap;
  /** Variables used with no value and no default (Compose substitutes ""). */
  readonly unsetVariables: readonly string[];
  /** Values of secret-looking variables (names only ever printed): interpolated into any key, they make it secret. */
  readonly secretVariables: readonly { readonly name: string; readonly value: string }[];
  /** Where a service key was written, for messages: the last file that sets it. */
  readonly locate: (service: string, keyPath: readonly (string | number)[]) => { file: string; line: number };
}

interface LoadedFile {
  readonly file: string;
  readonly data: JsonMap;
  readonly lineOf: (p: readonly (string | number)[]) => number;
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError([{ file: path.basename(file), path: "", message: code === "ENOENT" ? "no such compose file" : `cannot be read (${code ?? "error"})` }]);
  }
}

/** Interpolates every string value in place of a copy; problems carry their key path. */
function interpolateAll(value: Json, env: LoadOptions["env"], at: (string | number)[], problems: { path: (string | number)[]; message: string }[], unset: Set<string>): Json {
  if (typeof value === "string") {
    const r = interpolate(value, env);
    r.unset.forEach((v) => unset.add(v));
    r.errors.forEach((message) => problems.push({ path: at, message }));
    return r.value;
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolateAll(v, env, [...at, i], problems, unset));
  if (isMap(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateAll(v, env, [...at, k], problems, unset)]));
  return value;
}

function absolute(p: string, dir: string, env: LoadOptions["env"]): string {
  if (p === "~" || p.startsWith("~/")) return path.join(env.HOME ?? "~", p.slice(1));
  return path.isAbsolute(p) ? p : path.resolve(dir, p);
}

const isRelative = (p: string): boolean => p.startsWith(".") || p.startsWith("~");

/** Relative host paths are relative to the file that wrote them: resolve before merging. */
function resolvePaths(svc: JsonMap, dir: string, env: LoadOptions["env"]): JsonMap {
  const out: JsonMap = { ...svc };
  if (Array.isArray(out.volumes)) {
    out.volumes = out.volumes.map((v) => {
      if (typeof v === "string") {
        const [src, ...rest] = v.split(":");
        return rest.length > 0 && isRelative(src) ? [absolute(src, dir, env), ...rest].join(":") : v;
      }
      if (isMap(v) && v.type === "bind" && typeof v.source === "string") return { ...v, source: absolute(v.source, dir, env) };
      return v;
    });
  }
  if (out.env_file !== undefined) {
    const list = Array.isArray(out.env_file) ? out.env_file : [out.env_file];
    out.env_file = list.map((e) => (isMap(e) ? { ...e, path: absolute(String(e.path), dir, env) } : absolute(String(e), dir, env)));
  }
  if (isMap(out.extends) && typeof out.extends.file === "string") out.extends = { ...out.extends, file: absolute(out.extends.file, dir, env) };
  return out;
}

function loadFile(file: string, env: LoadOptions["env"], unset: Set<string>): LoadedFile {
  const name = path.basename(file);
  const lines = new LineCounter();
  // Compose files use YAML merge keys (`<<: *defaults`) freely.
  const doc = parseDocument(readText(file), { lineCounter: lines, merge: true, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ConfigError(doc.errors.map((e) => ({ file: name, path: "", message: `line ${lines.linePos(e.pos[0]).line}: ${e.message.split("\n")[0]}` })));
  }
  const lineOf = (p: readonly (string | number)[]): number => {
    for (let n = p.length; n >= 0; n--) {
      const node = doc.getIn(p.slice(0, n), true) as Node | undefined;
      if (node?.range) return lines.linePos(node.range[0]).line;
      if (n > 0 && (isYamlMap(node) || isSeq(node))) break;
    }
    return 0;
  };
  const raw: unknown = doc.toJS({ maxAliasCount: 1000 });
  if (!isMap(raw as Json)) throw new ConfigError([{ file: name, path: "", message: "a compose file must be a map with a services key" }]);
  const found: { path: (string | number)[]; message: string }[] = [];
  const data = interpolateAll(raw as Json, env, [], found, unset) as JsonMap;
  const problems: ConfigProblem[] = found.map((f) => ({ file: name, path: composePath(f.path), message: `line ${lineOf(f.path)}: ${f.message}` }));
  problems.push(...schemaProblems(data, name, lineOf));
  if (problems.length > 0) throw new ConfigError(problems);
  const dir = path.dirname(file);
  const services = Object.fromEntries(Object.entries(isMap(data.services) ? data.services : {}).map(([k, v]) => [k, resolvePaths(isMap(v) ? v : {}, dir, env)]));
  return { file, data: { ...data, services }, lineOf };
}

function projectEnv(opts: LoadOptions, dir: string): Record<string, string | undefined> {
  const dotEnv = opts.envFile ?? path.join(dir, ".env");
  const fromFile = opts.envFile !== undefined || fs.existsSync(dotEnv) ? readEnvFile(path.resolve(dotEnv), { file: path.basename(dotEnv), path: "" }) : {};
  return { ...fromFile, ...opts.env };
}

interface ExtendsContext {
  readonly env: LoadOptions["env"];
  readonly unset: Set<string>;
  readonly cache: Map<string, LoadedFile>;
}

/** Applies `extends` (same file or another), following chains and refusing cycles. */
function applyExtends(name: string, services: JsonMap, file: string, ctx: ExtendsContext, trail: string[] = []): { data: JsonMap; from: string | undefined } {
  const svc = services[name];
  const data = isMap(svc) ? svc : {};
  const ext = data.extends;
  if (ext === undefined) return { data, from: undefined };
  const ref = isMap(ext) ? { service: String(ext.service), file: typeof ext.file === "string" ? ext.file : undefined } : { service: String(ext), file: undefined };
  const key = `${ref.file ?? file}#${ref.service}`;
  if (trail.length === 0) trail = [`${file}#${name}`];
  if (trail.includes(key)) {
    throw new ConfigError([{ file: path.basename(file), path: `services.${name}.extends`, message: `extends cycle: ${[...trail, key].map((k) => k.split("#")[1]).join(" -> ")}` }]);
  }
  let pool = services;
  let baseFile = file;
  if (ref.file !== undefined) {
    const loaded = ctx.cache.get(ref.file) ?? loadFile(ref.file, ctx.env, ctx.unset);
    ctx.cache.set(ref.file, loaded);
    pool = isMap(loaded.data.services) ? loaded.data.services : {};
    baseFile = ref.file;
  }
  if (!isMap(pool[ref.service])) {
    throw new ConfigError([{ file: path.basename(file), path: `services.${name}.extends`, message: `no service "${ref.service}" in ${path.basename(baseFile)}` }]);
  }
  const base = applyExtends(ref.service, pool, baseFile, ctx, [...trail, key]).data;
  const own = { ...data };
  delete own.extends;
  const merged = mergeService(normalizeService(base), own);
  return { data: merged, from: `${ref.service} (${path.basename(baseFile)})` };
}

/** Folds `env_file:` into `environment` (environment wins) and fills `KEY` entries from the environment. */
function foldEnvironment(name: string, data: JsonMap, env: LoadOptions["env"], file: string): { data: JsonMap; fromEnvFile: Set<string> } {
  const fromFiles: Record<string, string | undefined> = {};
  const list = data.env_file === undefined ? [] : Array.isArray(data.env_file) ? data.env_file : [data.env_file];
  for (const entry of list) {
    const p = isMap(entry) ? String(entry.path) : String(entry);
    if (isMap(entry) && entry.required === false && !fs.existsSync(p)) continue;
    Object.assign(fromFiles, readEnvFile(p, { file: path.basename(file), path: `services.${name}.env_file` }));
  }
  const own = keyValueMap(data.environment);
  const merged: JsonMap = {};
  for (const [k, v] of Object.entries(fromFiles)) merged[k] = v ?? env[k] ?? null;
  for (const [k, v] of Object.entries(own)) merged[k] = v === null ? (env[k] ?? null) : typeof v === "string" ? v : String(v);
  const fromEnvFile = new Set(Object.keys(fromFiles).filter((k) => !(k in own)));
  const out: JsonMap = { ...data };
  if (Object.keys(merged).length > 0 || data.environment !== undefined) out.environment = merged;
  return { data: out, fromEnvFile };
}

export function loadCompose(opts: LoadOptions): ComposeProject {
  if (opts.files.length === 0) throw new ConfigError([{ file: "(command line)", path: "", message: "give at least one compose file" }]);
  const files = opts.files.map((f) => path.resolve(f));
  const dir = path.dirname(files[0]);
  const env = projectEnv(opts, dir);
  const unset = new Set<string>();
  const cache = new Map<string, LoadedFile>();
  const problems: ConfigProblem[] = [];
  const loaded: LoadedFile[] = [];
  for (const f of files) {
    try {
      const l = loadFile(f, env, unset);
      cache.set(f, l);
      loaded.push(l);
    } catch (err) {
      if (err instanceof ConfigError) problems.push(...err.problems);
      else throw err;
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const merged = mergeFiles(loaded.map((l) => l.data));
  const all = isMap(merged.services) ? merged.services : {};
  const active = new Set([...(opts.profiles ?? []), ...(env.COMPOSE_PROFILES ?? "").split(",").map((p) => p.trim()).filter((p) => p !== "")]);
  const services: ComposeService[] = [];
  const inactive: { name: string; profiles: string[] }[] = [];
  const firstFile = (name: string): string => loaded.find((l) => isMap(l.data.services) && name in l.data.services)?.file ?? files[0];
  for (const name of Object.keys(all)) {
    const ext = applyExtends(name, all, firstFile(name), { env, unset, cache });
    const profiles = Array.isArray(ext.data.profiles) ? ext.data.profiles.map(String) : [];
    if (profiles.length > 0 && !profiles.some((p) => active.has(p))) {
      inactive.push({ name, profiles });
      continue;
    }
    const folded = foldEnvironment(name, ext.data, env, firstFile(name));
    const keys = [...new Set(loaded.flatMap((l) => (isMap(l.data.services) && isMap(l.data.services[name]) ? Object.keys(l.data.services[name]) : [])))];
    services.push({ name, data: folded.data, fromEnvFile: folded.fromEnvFile, extendsFrom: ext.from, keys: [...new Set([...keys, ...Object.keys(folded.data)])] });
  }
  const locate = (service: string, keyPath: readonly (string | number)[]): { file: string; line: number } => {
    for (const l of [...loaded].reverse()) {
      if (isMap(l.data.services) && isMap(l.data.services[service])) {
        const line = l.lineOf(["services", service, ...keyPath]);
        return { file: path.basename(l.file), line };
      }
    }
    return { file: path.basename(files[0]), line: 0 };
  };
  const name = typeof merged.name === "string" ? merged.name : path.basename(dir).toLowerCase().replace(/[^a-z0-9_-]/g, "");
  // Short values ("1", "yes") would match by accident; a credential is longer.
  const secretVariables = Object.entries(env)
    .filter((e): e is [string, string] => e[1] !== undefined && e[1].length >= 4 && looksSecret(e[0], e[1]))
    .map(([n, value]) => ({ name: n, value }));
  return { name, dir, files, services, inactive, top: merged, unsetVariables: [...unset].sort(), secretVariables, locate };
}
