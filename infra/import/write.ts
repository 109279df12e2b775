/**
 * Writes the imported services into a stack file. A new file is rendered
 * whole; an existing one is edited on its source text: new entries are
 * inserted as blocks after the last entry of their map, a replaced service's
 * block is swapped in place, and every other byte (comments, key order,
 * `secure:` values) is copied through. The edit is proven by reading the
 * result back and comparing it with the intended data.
 */
import { Document, isMap, isScalar, LineCounter, parseDocument, stringify, type Node, type Pair, type YAMLMap } from "yaml";
import { ConfigError } from "../errors";

export interface StackAdditions {
  /** `homelab:services` entries to add (or, when in `replace`, to swap in). */
  readonly services: Readonly<Record<string, unknown>>;
  readonly replace: ReadonlySet<string>;
  /** `homelab:networks` entries to add; existing ones are never touched. */
  readonly networks: Readonly<Record<string, unknown>>;
  /** Other `homelab:<key>` entries to add when the file has none (features). */
  readonly topKeys: Readonly<Record<string, unknown>>;
}

const SERVICES = "homelab:services";
const NETWORKS = "homelab:networks";

export function newStackText(header: string, salt: string | undefined, add: StackAdditions): string {
  const config: Record<string, unknown> = { ...add.topKeys };
  if (Object.keys(add.networks).length > 0) config[NETWORKS] = add.networks;
  config[SERVICES] = add.services;
  const doc = new Document(salt === undefined ? { config } : { encryptionsalt: salt, config });
  doc.commentBefore = header;
  return doc.toString({ lineWidth: 0 });
}

function pairOf(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((p) => isScalar(p.key) && p.key.value === key) as Pair | undefined;
}

/** Offset just past the line on which `node` ends. */
function afterNode(text: string, node: Node): number {
  const end = node.range?.[1] ?? text.length;
  if (end > 0 && text[end - 1] === "\n") return end;
  const nl = text.indexOf("\n", end);
  return nl < 0 ? text.length : nl + 1;
}

function block(entries: Record<string, unknown>, indent: number): string {
  const body = stringify(entries, { lineWidth: 0 });
  return body
    .split("\n")
    .filter((l, i, all) => !(i === all.length - 1 && l === ""))
    .map((l) => (l === "" ? l : " ".repeat(indent) + l))
    .join("\n")
    .concat("\n");
}

interface Edit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

function flowProblem(file: string, key: string): ConfigError {
  return new ConfigError([{ file, path: key, message: "written in flow style ({...}): rewrite it as a block map so the import can add to it" }]);
}

function indentOf(lines: LineCounter, map: YAMLMap): number {
  const first = map.items[0]?.key as Node | undefined;
  return first?.range ? lines.linePos(first.range[0]).col - 1 : 2;
}

/** Insert edits adding `entries` to block map `map` (non-empty), after its last entry. */
function addToMap(text: string, lines: LineCounter, map: YAMLMap, entries: Record<string, unknown>, file: string, key: string): Edit[] {
  if (Object.keys(entries).length === 0) return [];
  if (map.flow) throw flowProblem(file, key);
  const last = map.items[map.items.length - 1];
  const at = afterNode(text, (last.value as Node | null) ?? (last.key as Node));
  const prefix = at === text.length && !text.endsWith("\n") ? "\n" : "";
  return [{ start: at, end: at, text: prefix + block(entries, indentOf(lines, map)) }];
}

function apply(text: string, edits: Edit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/** The edits for `homelab:services`: replacements in place, additions after the last service. */
function serviceEdits(text: string, lines: LineCounter, config: YAMLMap, add: StackAdditions, file: string): Edit[] {
  const pair = pairOf(config, SERVICES);
  if (pair === undefined) return addToMap(text, lines, config, { [SERVICES]: add.services }, file, "config");
  const services = pair.value;
  if (!isMap(services) || services.items.length === 0) {
    if (isMap(services) && !services.flow) return [];
    throw flowProblem(file, SERVICES);
  }
  if (services.flow) throw flowProblem(file, SERVICES);
  const edits: Edit[] = [];
  const fresh: Record<string, unknown> = {};
  const indent = indentOf(lines, services);
  for (const [name, body] of Object.entries(add.services)) {
    const existing = pairOf(services, name);
    if (existing === undefined) {
      fresh[name] = body;
      continue;
    }
    const keyNode = existing.key as Node;
    const start = text.lastIndexOf("\n", (keyNode.range?.[0] ?? 0) - 1) + 1;
    const end = afterNode(text, (existing.value as Node | null) ?? keyNode);
    edits.push({ start, end, text: block({ [name]: body }, indent) });
  }
  return [...edits, ...addToMap(text, lines, services, fresh, file, SERVICES)];
}

/** Adds to an existing stack file's text; throws ConfigError when it cannot do so safely. */
export function editStackText(text: string, file: string, add: StackAdditions): string {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  const root = doc.contents;
  if (root === null || (isMap(root) && pairOf(root, "config") === undefined)) {
    const config: Record<string, unknown> = { ...add.topKeys };
    if (Object.keys(add.networks).length > 0) config[NETWORKS] = add.networks;
    config[SERVICES] = add.services;
    const sep = text === "" || text.endsWith("\n") ? "" : "\n";
    return verify(text, `${text}${sep}${block({ config }, 0)}`, file, add);
  }
  if (!isMap(root)) throw new ConfigError([{ file, path: "", message: "a stack file must be a map (encryptionsalt, config)" }]);
  const config = pairOf(root, "config")?.value;
  if (!isMap(config) || config.items.length === 0 || config.flow) throw flowProblem(file, "config");
  const edits = serviceEdits(text, lines, config, add, file);
  const nets = pairOf(config, NETWORKS);
  const topMissing = Object.fromEntries(Object.entries(add.topKeys).filter(([k]) => pairOf(config, k) === undefined));
  if (nets === undefined) {
    const entries = Object.keys(add.networks).length > 0 ? { ...topMissing, [NETWORKS]: add.networks } : topMissing;
    edits.push(...addToMap(text, lines, config, entries, file, "config"));
  } else {
    if (!isMap(nets.value)) throw flowProblem(file, NETWORKS);
    const missing = Object.fromEntries(Object.entries(add.networks).filter(([n]) => pairOf(nets.value as YAMLMap, n) === undefined));
    edits.push(...addToMap(text, lines, nets.value, missing, file, NETWORKS));
    edits.push(...addToMap(text, lines, config, topMissing, file, "config"));
  }
  // Two additions at the end of `config` would both land at one offset: merge them in order.
  return verify(text, apply(text, mergeSameOffset(edits)), file, add);
}

function mergeSameOffset(edits: Edit[]): Edit[] {
  const out: Edit[] = [];
  for (const e of edits) {
    const same = out.findIndex((o) => o.start === e.start && o.end === e.end && o.start === o.end);
    if (same >= 0) out[same] = { ...out[same], text: out[same].text + e.text };
    else out.push(e);
  }
  return out;
}

/** The edited text must read back as the old data plus exactly the additions. */
function verify(before: string, after: string, file: string, add: StackAdditions): string {
  const old = (parseDocument(before).toJS() ?? {}) as { config?: Record<string, Record<string, unknown>> };
  const expected = structuredClone(old);
  const config = (expected.config ??= {});
  for (const [k, v] of Object.entries(add.topKeys)) if (!(k in config)) config[k] = v as Record<string, unknown>;
  const nets = (config[NETWORKS] ??= {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(add.networks)) if (!(k in nets)) nets[k] = v;
  if (Object.keys(nets).length === 0) delete config[NETWORKS];
  const services = (config[SERVICES] ??= {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(add.services)) services[k] = v;
  const doc = parseDocument(after, { uniqueKeys: true });
  const got = doc.errors.length === 0 ? doc.toJS() : undefined;
  if (JSON.stringify(sortKeys(got)) !== JSON.stringify(sortKeys(expected))) {
    throw new Error(`${file}: adding the imported services would have changed other values; nothing was written`);
  }
  return after;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v === null || typeof v !== "object") return v;
  return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
}
