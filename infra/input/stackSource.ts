/**
 * A stack file read as text, before anything is made of its values: YAML
 * syntax errors with line, column and the key they sit under; files that are
 * not text, nest absurdly deep or expand aliases without end refused by name;
 * and the line each key path of the file is written on, so later problems
 * can point at it. When the YAML itself is broken only the YAML errors are
 * reported: schema errors about a half-read file would be noise.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair } from "yaml";
import { isSecretName } from "../checks/secretNames";
import { ConfigError, cut, type ConfigProblem } from "../errors";
import { scrubProblems } from "./secureValues";

export interface StackSource {
  readonly file: string;
  readonly text: string;
  readonly doc: Document.Parsed;
  readonly lines: LineCounter;
}

/** YAML errors listed before the rest are summed up: the first ones are the ones to fix. */
export const MAX_YAML_ERRORS = 5;
/** Deepest nesting accepted. The deepest real key (a service's healthcheck test list) sits 6 levels down. */
export const MAX_DEPTH = 64;
/** Aliases expanded at most (yaml's own default), so an alias bomb cannot exhaust memory. */
export const MAX_ALIASES = 100;

/** C0 controls other than tab, line feed and carriage return: YAML forbids them, and they mean a binary file. */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

function problem(src: { file: string }, message: string, line?: number, column?: number, path = ""): ConfigProblem {
  return { file: src.file, path, message, ...(line === undefined ? {} : { line }), ...(column === undefined ? {} : { column }) };
}

/** Parses a stack file's text; throws ConfigError with only the YAML-level problems when it cannot be read. */
export function parseStackSource(text: string, file: string): StackSource {
  const control = CONTROL.exec(text);
  if (control) {
    const lines = new LineCounter();
    text.split("\n").reduce((offset, l) => (lines.addNewLine(offset), offset + l.length + 1), 0);
    const pos = lines.linePos(control.index);
    throw new ConfigError([problem({ file }, "is not a YAML text file: it holds a control character (a binary or corrupted file?)", pos.line, pos.col)]);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true, keepSourceTokens: false });
  const src: StackSource = { file, text, doc, lines };
  if (doc.errors.length > 0) throw new ConfigError(scrubProblems(yamlProblems(src), secretsInText(text)));
  const deep = tooDeep(doc.contents);
  if (deep) {
    const pos = lines.linePos(deep.range?.[0] ?? 0);
    throw new ConfigError([
      problem(src, `is nested more than ${MAX_DEPTH} levels deep; a stack file needs only a few levels (config, key, service, setting, list)`, pos.line, pos.col),
    ]);
  }
  return src;
}

/**
 * One stray line can make the parser report dozens of errors, each caused by
 * the one before: one error per line, one resource-exhaustion error, at most
 * MAX_YAML_ERRORS, the rest counted.
 */
/**
 * Values a broken file may hold secrets in, found in the text itself (the
 * file could not be read as YAML): what follows `secure:`, and the values of
 * keys named like credentials.
 */
function secretsInText(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/secure:[ \t]*([^\s\]\[{},#]+)/g)) out.push(m[1]);
  for (const m of text.matchAll(/["']?([\w.-]+)["']?[ \t]*:[ \t]+["']?([^\s"',{}[\]#]+)/g)) {
    if (isSecretName(m[1]) || /^(token|apiToken|ghcrPat|pullToken|grafanaAdminPassword)$/.test(m[1])) out.push(m[2]);
  }
  for (const m of text.matchAll(/:\/\/[^\s/@:]*:([^\s@/]+)@/g)) out.push(m[1]);
  return out;
}

function yamlProblems(src: StackSource): ConfigProblem[] {
  const seenLines = new Set<number>();
  let exhausted = false;
  const errors = src.doc.errors.filter((e) => {
    const line = e.linePos?.[0].line ?? src.lines.linePos(e.pos[0]).line;
    if (seenLines.has(line) || (exhausted && e.code === "RESOURCE_EXHAUSTION")) return false;
    exhausted ||= e.code === "RESOURCE_EXHAUSTION";
    seenLines.add(line);
    return true;
  });
  const out = errors.slice(0, MAX_YAML_ERRORS).map((e) => {
    const pos = e.linePos?.[0] ?? src.lines.linePos(e.pos[0]);
    // yaml appends "at line L, column C:" and an excerpt of the source; the excerpt could show a secret.
    let what = e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
    if (e.code === "RESOURCE_EXHAUSTION") what = "the file nests too deeply to be read; a stack file needs only a few levels";
    if (e.code === "DUPLICATE_KEY") what = duplicateKeyText(src, e.pos[0]);
    if (e.code === "TAB_AS_INDENT") what = "a tab is used for indentation; YAML indents with spaces only";
    // Past the nesting limit the key path is hundreds of list indexes: no help.
    const key = e.code === "RESOURCE_EXHAUSTION" ? "" : keyPathAt(src, e.pos[0]);
    return problem(src, cut(what, 200), pos.line, pos.col, key);
  });
  if (errors.length > MAX_YAML_ERRORS) {
    out.push(problem(src, `and YAML errors on ${errors.length - MAX_YAML_ERRORS} more lines, most likely caused by the ones above; fix those first`));
  }
  return out;
}

function duplicateKeyText(src: StackSource, offset: number): string {
  const m = /^[^\s:#]+/.exec(src.text.slice(offset, offset + 200)) ?? /^"[^"\n]*"|^'[^'\n]*'/.exec(src.text.slice(offset, offset + 200));
  const key = m ? cut(m[0].replace(/^["']|["']$/g, ""), 60) : undefined;
  return key === undefined ? "a key is written twice in the same map" : `the key "${key}" is written twice in the same map; merge the two entries`;
}

/** The first node nested deeper than MAX_DEPTH, found without recursion (the depth is what is in question). */
function tooDeep(root: unknown): Node | undefined {
  const stack: [unknown, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (isMap(node) || isSeq(node)) {
      if (depth > MAX_DEPTH) return node;
      for (const item of node.items) {
        if (isPair(item)) stack.push([item.key, depth + 1], [item.value, depth + 1]);
        else stack.push([item, depth + 1]);
      }
    }
  }
  return undefined;
}

/** The file's values; throws ConfigError, naming the file, for an alias bomb or a file too deep to build. */
export function stackSourceToJs(src: StackSource): unknown {
  try {
    return src.doc.toJS({ maxAliasCount: MAX_ALIASES }) as unknown;
  } catch (err) {
    if (err instanceof ReferenceError && /alias/i.test(err.message)) {
      throw new ConfigError([problem(src, `expands YAML aliases (*name) more than ${MAX_ALIASES} times, which looks like an alias bomb; write the values out instead`)]);
    }
    if (err instanceof RangeError) {
      throw new ConfigError([problem(src, "is nested too deeply to be read; a stack file needs only a few levels")]);
    }
    throw err;
  }
}

type Segment = string | number;

/** `["config", "homelab:services", "api", "ports", 0]` -> `homelab:services.api.ports[0]`. */
export function formatKeyPath(segments: readonly Segment[]): string {
  const rest = segments[0] === "config" ? segments.slice(1) : segments;
  return rest.map((s, i) => (typeof s === "number" ? `[${s}]` : i === 0 ? s : `.${s}`)).join("");
}

function keyText(pair: Pair): string | undefined {
  return isScalar(pair.key) ? String(pair.key.value) : undefined;
}

function contains(node: unknown, offset: number): boolean {
  const range = (node as Node | null)?.range;
  return range !== undefined && range !== null && range[0] <= offset && offset <= range[2];
}

const KEY_LIKE = /^[\p{L}\p{N}_.:\- ]{1,80}$/u;

/** The key path (as messages print it) of the innermost entry around `offset`; "" at the top. */
export function keyPathAt(src: StackSource, offset: number): string {
  const segments: Segment[] = [];
  let node: unknown = src.doc.contents;
  for (let guard = 0; guard < MAX_DEPTH && node; guard++) {
    let next: unknown;
    if (isMap(node)) {
      const pair = node.items.find((p) => keyText(p) !== undefined && (contains(p.key, offset) || contains(p.value, offset)));
      // In broken YAML a value can be read as a key: only key-like names are shown, and nothing inside `secure:`.
      if (pair && !KEY_LIKE.test(keyText(pair)!)) break;
      if (pair) {
        segments.push(keyText(pair)!);
        next = contains(pair.value, offset) && keyText(pair) !== "secure" ? pair.value : undefined;
      }
    } else if (isSeq(node)) {
      const i = node.items.findIndex((item) => contains(item, offset));
      if (i >= 0) {
        segments.push(i);
        next = node.items[i];
      }
    }
    node = next;
  }
  return cut(formatKeyPath(segments), 160);
}

/**
 * The 1-based line a problem's key path (`homelab:services.my.app.ports[0]`)
 * is written on: the deepest part of it found in the file. Keys may hold dots
 * themselves, so at each map the longest key that fits is taken.
 */
export function lineOfKeyPath(src: StackSource, keyPath: string): number | undefined {
  const root = src.doc.contents;
  if (!isMap(root)) return undefined;
  const config = root.items.find((p) => keyText(p) === "config");
  let node: unknown = config?.value;
  let line: number | undefined;
  let rest = keyPath;
  let first = true;
  while (rest.length > 0 && node) {
    if (isMap(node)) {
      if (!first) {
        if (!rest.startsWith(".")) break;
        rest = rest.slice(1);
      }
      let best: Pair | undefined;
      let bestLength = -1;
      for (const pair of node.items) {
        const k = keyText(pair);
        if (k === undefined || !rest.startsWith(k) || k.length <= bestLength) continue;
        const after = rest[k.length];
        if (after === undefined || after === "." || after === "[") [best, bestLength] = [pair, k.length];
      }
      if (!best) break;
      line = lineOf(src, best.key);
      rest = rest.slice(bestLength);
      node = best.value;
    } else if (isSeq(node)) {
      const m = /^\[(\d+)\]/.exec(rest);
      if (!m) break;
      const item = node.items[Number(m[1])];
      if (item === undefined) break;
      line = lineOf(src, item) ?? line;
      rest = rest.slice(m[0].length);
      node = item;
    } else break;
    first = false;
  }
  return line;
}

function lineOf(src: StackSource, node: unknown): number | undefined {
  const start = (node as Node | null)?.range?.[0];
  return start === undefined ? undefined : src.lines.linePos(start).line;
}

/** The problems with the line of their key path filled in where the file has it. */
export function placeProblems(src: StackSource, problems: readonly ConfigProblem[]): ConfigProblem[] {
  return problems.map((p) => {
    if (p.line !== undefined || p.path === "" || p.file !== src.file) return p;
    const line = lineOfKeyPath(src, p.path);
    return line === undefined ? p : { ...p, line };
  });
}
