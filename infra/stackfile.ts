/**
 * Reads and edits `Pulumi.<stack>.yaml` files without disturbing them.
 *
 * Stack files are written by people (comments, chosen quoting, key order) and
 * by `pulumi config set --secret` (ciphertext that must survive untouched), so
 * edits are made on the source text: the YAML is parsed with its concrete
 * syntax tree kept, the one scalar token that changes is re-rendered in its
 * own style, and every other byte of the file is copied through as it was.
 */
import * as fs from "fs";
import * as path from "path";
import { CST, isMap, isScalar, LineCounter, parse, parseDocument, type Document, type Node, type Pair, type Scalar, type YAMLMap } from "yaml";
import { ConfigError, type ConfigProblem } from "./errors";

export const PROJECT = "homelab";
export const SERVICES_KEY = `${PROJECT}:services`;
export const RELEASE_KEY = `${PROJECT}:release`;

export function stackFilePath(projectDir: string, stack: string): string {
  return path.join(projectDir, `Pulumi.${stack}.yaml`);
}

/** One service of a stack and the image it runs (undefined when the stack gives it none). */
export interface ServiceImage {
  readonly service: string;
  readonly image: string | undefined;
  /** Key path as messages print it: `homelab:services.api.image`. */
  readonly path: string;
  /** 1-based line of the image value, or of the service key when there is no image. */
  readonly line: number;
}

interface ImageSlot {
  readonly info: ServiceImage;
  readonly node: Scalar | undefined;
}

function servicePath(service: string, key?: string): string {
  return key === undefined ? `${SERVICES_KEY}.${service}` : `${SERVICES_KEY}.${service}.${key}`;
}

function mapEntry(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((p) => isScalar(p.key) && p.key.value === key) as Pair | undefined;
}

/**
 * A parsed stack file. Instances never change: editing returns a new one, so
 * a half-finished promotion cannot leave a partly edited object behind.
 */
export class StackFile {
  /** Path as given by the caller; messages use its base name. */
  readonly file: string;
  readonly text: string;
  private readonly doc: Document.Parsed;
  private readonly lines: LineCounter;
  private readonly slots: ReadonlyMap<string, ImageSlot>;

  private constructor(file: string, text: string, doc: Document.Parsed, lines: LineCounter, slots: ReadonlyMap<string, ImageSlot>) {
    this.file = file;
    this.text = text;
    this.doc = doc;
    this.lines = lines;
    this.slots = slots;
  }

  /** Parses `text`; throws ConfigError listing every problem, each naming the file and line. */
  static parse(text: string, file: string): StackFile {
    const name = path.basename(file);
    const lines = new LineCounter();
    // Stryker disable next-line BooleanLiteral: uniqueKeys is yaml's default; spelled out because duplicate keys must be errors.
    const doc = parseDocument(text, { keepSourceTokens: true, lineCounter: lines, prettyErrors: true, uniqueKeys: true });
    // Stryker disable next-line ConditionalExpression: yaml composes an empty node (with a range) for every missing key or value, so parsed nodes always have an offset.
    const lineOf = (offset: number | undefined): number => (offset === undefined ? 0 : lines.linePos(offset).line);
    if (doc.errors.length > 0) {
      throw new ConfigError(
        doc.errors.map((e) => {
          // Stryker disable next-line OptionalChaining,LogicalOperator: prettyErrors sets linePos to lines.linePos(e.pos[0]) on every positioned error.
          const pos = e.linePos?.[0] ?? lines.linePos(e.pos[0]);
          // yaml appends "at line L, column C:" and a source excerpt; the position leads here instead.
          // (The first line always ends with the position and its colon, so `:?` and `$` only say what is expected.)
          const what = e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
          return { file: name, path: "", message: `line ${pos.line}, column ${pos.col}: ${what}` };
        }),
      );
    }
    const problems: ConfigProblem[] = [];
    const slots = new Map<string, ImageSlot>();
    // Stryker disable next-line OptionalChaining: as for lineOf, every node passed here was composed by yaml and has a range.
    const at = (node: Node | null | undefined): string => `line ${lineOf(node?.range?.[0])}: `;
    const root = doc.contents;
    if (root !== null && !isMap(root)) {
      problems.push({ file: name, path: "", message: `${at(root)}a stack file must be a map (encryptionsalt, config)` });
    }
    const config = isMap(root) ? mapEntry(root, "config")?.value : undefined;
    if (config !== undefined && config !== null && !isMap(config)) {
      problems.push({ file: name, path: "config", message: `${at(config as Node)}must be a map of namespaced keys` });
    }
    const services = isMap(config) ? mapEntry(config, SERVICES_KEY)?.value : undefined;
    if (services !== undefined && services !== null && !isMap(services)) {
      problems.push({ file: name, path: SERVICES_KEY, message: `${at(services as Node)}must be a map of service name to settings` });
    }
    if (isMap(services)) {
      for (const pair of services.items) {
        const key = pair.key as Node | null;
        if (!isScalar(key) || typeof key.value !== "string") {
          problems.push({ file: name, path: SERVICES_KEY, message: `${at(key)}service names must be plain strings` });
          continue;
        }
        const service = key.value;
        const body = pair.value as Node | null;
        if (body !== null && !isMap(body)) {
          problems.push({ file: name, path: servicePath(service), message: `${at(body)}must be a map of settings` });
          continue;
        }
        const imageValue = body === null ? undefined : (mapEntry(body, "image")?.value as Node | null | undefined);
        const imagePath = servicePath(service, "image");
        if (imageValue === undefined || imageValue === null) {
          // Stryker disable next-line OptionalChaining: a composed key always has a range.
          slots.set(service, { info: { service, image: undefined, path: imagePath, line: lineOf(key.range?.[0]) }, node: undefined });
        } else if (!isScalar(imageValue) || typeof imageValue.value !== "string") {
          problems.push({ file: name, path: imagePath, message: `${at(imageValue)}must be an image reference string` });
        } else {
          // Stryker disable next-line OptionalChaining: a composed scalar always has a range.
          slots.set(service, { info: { service, image: imageValue.value, path: imagePath, line: lineOf(imageValue.range?.[0]) }, node: imageValue });
        }
      }
    }
    if (problems.length > 0) throw new ConfigError(problems);
    return new StackFile(file, text, doc, lines, slots);
  }

  static read(file: string): StackFile {
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === "ENOENT" ? "no such stack file" : `cannot be read (${code ?? String(err)})`;
      throw new ConfigError([{ file: path.basename(file), path: "", message: why }]);
    }
    return StackFile.parse(text, file);
  }

  get name(): string {
    return path.basename(this.file);
  }

  /** Every service under `homelab:services`, in file order. */
  services(): ServiceImage[] {
    return [...this.slots.values()].map((s) => s.info);
  }

  /** Service name -> image, for services that have one. */
  images(): Map<string, string> {
    const out = new Map<string, string>();
    for (const s of this.slots.values()) if (s.info.image !== undefined) out.set(s.info.service, s.info.image);
    return out;
  }

  hasService(service: string): boolean {
    return this.slots.has(service);
  }

  getImage(service: string): string | undefined {
    return this.slots.get(service)?.info.image;
  }

  /** A value under `config`, as plain data (`secure:` leaves stay `{ secure: ... }`). */
  getConfig(key: string, ...rest: string[]): unknown {
    const value: unknown = this.doc.getIn(["config", key, ...rest]);
    return isMap(value) || isScalar(value) ? (value as YAMLMap | Scalar).toJSON() : value;
  }

  /** 1-based line of a config key path, for messages; 0 when it is not in the file. */
  lineOf(key: string, ...rest: string[]): number {
    const node: unknown = this.doc.getIn(["config", key, ...rest], true);
    // Every node yaml composed has a range; `range?.` only covers a node made by hand.
    const offset = (node as Node | undefined)?.range?.[0];
    // Stryker disable next-line ConditionalExpression: LineCounter.linePos(undefined) gives line 0 too; the test keeps the intent explicit.
    return offset === undefined ? 0 : this.lines.linePos(offset).line;
  }

  setImage(service: string, image: string): StackFile {
    return this.setImages(new Map([[service, image]]));
  }

  /**
   * Returns the file with these services' images replaced. Only existing
   * `image:` values are edited: adding a key would mean inventing its
   * indentation and position, and promotion never creates services.
   */
  setImages(changes: ReadonlyMap<string, string>): StackFile {
    const edits: { start: number; end: number; text: string }[] = [];
    for (const [service, image] of changes) {
      const slot = this.slots.get(service);
      if (slot === undefined) throw new Error(`${this.name}: ${servicePath(service)} does not exist`);
      if (slot.node === undefined) throw new Error(`${this.name}: ${slot.info.path} does not exist`);
      if (!/^[^\s#'"]+$/.test(image)) throw new Error(`${this.name}: ${slot.info.path}: "${image}" is not an image reference`);
      if (slot.info.image === image) continue;
      const token = slot.node.srcToken;
      // Stryker disable next-line ConditionalExpression,LogicalOperator,StringLiteral: keepSourceTokens gives every parsed scalar a source token with an offset.
      if (token === undefined || !("offset" in token)) throw new Error(`${this.name}: ${slot.info.path}: no source position`);
      const before = CST.stringify(token);
      const start = token.offset;
      // Stryker disable next-line ConditionalExpression,BlockStatement: the CST reproduces its source exactly (BOM, CRLF, block scalars included); a guard against a yaml regression.
      if (this.text.slice(start, start + before.length) !== before) {
        // Stryker disable next-line StringLiteral: unreachable, see above.
        throw new Error(`${this.name}: ${slot.info.path}: source text does not match its parse`);
      }
      // Re-rendering a copy keeps the parsed document intact if a later edit fails.
      const copy = structuredClone(token);
      // The token keeps its own style, so a quoted image stays quoted and a trailing comment stays;
      // a plain scalar that YAML would read as something else (`true`, `1.0`) gets double quotes.
      const plainReadsBack = parse(`${image}\n`) === image;
      CST.setScalarValue(copy, image, { afterKey: true, type: copy.type === "scalar" && !plainReadsBack ? "QUOTE_DOUBLE" : undefined });
      edits.push({ start, end: start + before.length, text: CST.stringify(copy) });
    }
    if (edits.length === 0) return this;
    edits.sort((a, b) => b.start - a.start);
    let text = this.text;
    for (const e of edits) text = text.slice(0, e.start) + e.text + text.slice(e.end);
    let next: StackFile;
    try {
      next = StackFile.parse(text, this.file);
    } catch (err) {
      // The input file was valid, so this is an editing bug, not the user's: keep it out of ConfigError's exit code.
      throw new Error(`${this.name}: editing images produced an unreadable file; nothing was written (${(err as Error).message})`);
    }
    // Proof rather than trust: the edited file must read back with exactly these images and nothing else changed.
    for (const [service, image] of changes) {
      if (next.getImage(service) !== image) throw new Error(`${this.name}: ${servicePath(service, "image")} did not read back as "${image}"`);
    }
    const expected = this.doc.toJS() as Record<string, unknown>;
    const services = (expected.config as Record<string, Record<string, Record<string, unknown>>>)[SERVICES_KEY];
    for (const [service, image] of changes) services[service].image = image;
    if (JSON.stringify(next.doc.toJS()) !== JSON.stringify(expected)) {
      throw new Error(`${this.name}: editing images changed other values; nothing was written`);
    }
    return next;
  }

  /** The document as plain data, `secure:` leaves included as written. */
  toJS(): Record<string, unknown> {
    // parse() rejects every root but a map, so only an empty file (no document) is not one.
    return (this.doc.toJS() ?? {}) as Record<string, unknown>;
  }
}

/** The subset of `fs` an atomic write needs, so tests can make any step fail. */
export interface AtomicWriteFs {
  openSync(file: string, flags: string, mode?: number): number;
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number): number;
  fsyncSync(fd: number): void;
  closeSync(fd: number): void;
  renameSync(from: string, to: string): void;
  unlinkSync(file: string): void;
  statSync(file: string): { mode: number };
}

/**
 * Replaces `file` with `text` so that readers see the old file or the new one,
 * never a mix: the text goes to a temporary file beside it (same filesystem,
 * so the rename is atomic), is flushed to disk, then renamed over the
 * original. On any failure the temporary file is removed and the original is
 * left as it was.
 */
export function writeFileAtomic(file: string, text: string, fsImpl: AtomicWriteFs = fs): void {
  const dir = path.dirname(file);
  // Stryker disable next-line MethodExpression: any of these unique parts makes an equally good name; the wx flag refuses a clash.
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.tmp`);
  let mode = 0o644;
  try {
    mode = fsImpl.statSync(file).mode & 0o777;
  } catch {
    // A new file gets the usual mode; an existing one keeps its own.
  }
  let fd: number | undefined;
  try {
    fd = fsImpl.openSync(tmp, "wx", mode);
    // Stryker disable next-line StringLiteral: utf8 is Buffer.from's default; spelled out because the byte count must match the file.
    const data = Buffer.from(text, "utf8");
    let written = 0;
    // writeSync may write less than asked (it is a write(2)); keep going until all bytes are out.
    while (written < data.length) {
      const n = fsImpl.writeSync(fd, data, written, data.length - written);
      if (n <= 0) throw new Error(`short write to ${tmp}`);
      written += n;
    }
    fsImpl.fsyncSync(fd);
    fsImpl.closeSync(fd);
    fd = undefined;
    fsImpl.renameSync(tmp, file);
  } catch (err) {
    if (fd !== undefined) {
      try {
        fsImpl.closeSync(fd);
      } catch {
        // Already failing; the original error is the one worth reporting.
      }
    }
    try {
      fsImpl.unlinkSync(tmp);
    } catch {
      // The temporary file may never have been created.
    }
    throw err;
  }
  syncDirectory(dir, fsImpl);
}

/** Makes the rename itself durable; not possible on every platform, so best effort. */
function syncDirectory(dir: string, fsImpl: AtomicWriteFs): void {
  let fd: number | undefined;
  try {
    fd = fsImpl.openSync(dir, "r");
    fsImpl.fsyncSync(fd);
  } catch {
    // Windows cannot open directories; the rename has happened either way.
  } finally {
    if (fd !== undefined) fsImpl.closeSync(fd);
  }
}

/** What a program would see for a stack: Pulumi's config map, secrets replaced. */
export interface StackConfig {
  readonly file: string;
  /** Namespaced keys (`homelab:services`) to plain values, as the engine hands them to a program. */
  readonly config: Record<string, unknown>;
  /** Top-level keys whose value contains at least one `secure:` leaf. */
  readonly secretKeys: string[];
  /** Every `secure:` leaf, as `homelab:services.api.secretEnvironment.DB_PASSWORD` (`[i]` for list items). */
  readonly secureLeafPaths: string[];
}

/** A secure leaf's location and ciphertext, for callers that want per-leaf placeholders. */
export interface SecureLeaf {
  readonly path: string;
  readonly ciphertext: string;
}

export interface ReadStackConfigOptions {
  /** Stands in for each `secure:` value; a function gets the leaf. Default `"[secret]"`. */
  readonly placeholder?: string | ((leaf: SecureLeaf) => unknown);
}

export const DEFAULT_SECRET_PLACEHOLDER = "[secret]";

function isSecureLeaf(value: unknown): value is { secure: string } {
  if (value === null) return false;
  // Stryker disable next-line ConditionalExpression,LogicalOperator: a string, number, boolean or array parsed from YAML has no string `secure`; the test states the intent.
  if (typeof value !== "object" || Array.isArray(value)) return false;
  // One key, and `secure` a string: in a map parsed from YAML (own keys only) the one key is then `secure`.
  return Object.keys(value).length === 1 && typeof (value as { secure: unknown }).secure === "string";
}

/** Same as readStackConfig, for text already in hand (the plan gate receives edited text). */
export function parseStackConfig(text: string, file: string, options: ReadStackConfigOptions = {}): StackConfig {
  const stack = StackFile.parse(text, file);
  const raw = stack.toJS().config ?? {};
  // Stryker disable next-line ConditionalExpression,LogicalOperator,BlockStatement: StackFile.parse has already rejected a config that is not a map.
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    // Stryker disable next-line ArrayDeclaration,ObjectLiteral,StringLiteral: unreachable, see above.
    throw new ConfigError([{ file: stack.name, path: "config", message: "must be a map of namespaced keys" }]);
  }
  const placeholder = options.placeholder ?? DEFAULT_SECRET_PLACEHOLDER;
  const leaves: string[] = [];
  const replace = (value: unknown, at: string): unknown => {
    if (isSecureLeaf(value)) {
      leaves.push(at);
      return typeof placeholder === "function" ? placeholder({ path: at, ciphertext: value.secure }) : placeholder;
    }
    if (Array.isArray(value)) return value.map((v, i) => replace(v, `${at}[${i}]`));
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replace(v, `${at}.${k}`)]));
    }
    return value;
  };
  const config: Record<string, unknown> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(raw)) {
    const before = leaves.length;
    config[key] = replace(value, key);
    if (leaves.length > before) secretKeys.push(key);
  }
  return { file, config, secretKeys, secureLeafPaths: leaves };
}

/**
 * The config map Pulumi would give the program for this stack file, with
 * every `secure:` value replaced (nothing is decrypted). Throws ConfigError
 * naming the file and line when the file does not parse.
 */
export function readStackConfig(file: string, options: ReadStackConfigOptions = {}): StackConfig {
  return parseStackConfig(StackFile.read(file).text, file, options);
}
