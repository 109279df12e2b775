/**
 * Loads a stack's model from its values and, when there is one, the stack
 * file they came from: the file adds what the values alone cannot tell
 * (which keys were written `secure:`, and whether that is real ciphertext;
 * the line of each key) and every message is cleaned of secrets before it
 * leaves. Warnings are what is legal but almost certainly not meant.
 */
import { ConfigError, NAMESPACE, type ConfigProblem } from "../errors";
import { loadModel } from "../load";
import type { HomelabModel } from "../model";
import { scrubProblems, secretTextsIn, secureEntries, secureEntryProblems, type SecureEntry } from "./secureValues";
import { placeProblems, type StackSource } from "./stackSource";

export interface StackInput {
  readonly file: string;
  readonly stack: string;
  /** Config as the engine gives it: namespaced keys, structured values parsed. */
  readonly values: Readonly<Record<string, unknown>>;
  /** The stack file, when it could be read. */
  readonly source?: { readonly src: StackSource; readonly js: unknown };
}

export interface CheckedModel {
  readonly model: HomelabModel;
  readonly warnings: readonly ConfigProblem[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** Namespaces of providers a stack file may configure; anything else close to `homelab` is a typo. */
const KNOWN_NAMESPACES = new Set(["docker", "cloudflare", "github", "random", "pulumi", "command", "tls"]);

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/** Top-level config keys whose namespace looks like a misspelled `homelab`: their settings would be ignored. */
export function namespaceTypoProblems(file: string, keys: readonly string[]): ConfigProblem[] {
  return keys.flatMap((key) => {
    const colon = key.indexOf(":");
    const ns = colon < 0 ? key : key.slice(0, colon);
    if (ns === NAMESPACE || KNOWN_NAMESPACES.has(ns) || colon < 0) return [];
    const lower = ns.toLowerCase();
    if (editDistance(lower, NAMESPACE) > 2 && !lower.includes(NAMESPACE)) return [];
    const rest = key.slice(colon + 1);
    return [{ file, path: key, message: `namespace "${ns}" looks like a misspelling of "${NAMESPACE}", so this key would be ignored; write ${NAMESPACE}:${rest}` }];
  });
}

/** Legal but almost certainly not meant: a stack with no services at all. */
export function stackWarnings(file: string, model: HomelabModel, values: Readonly<Record<string, unknown>>): ConfigProblem[] {
  if (model.services.length > 0) return [];
  const empty = Object.keys(values).length === 0;
  return [
    {
      file,
      path: empty ? "" : `${NAMESPACE}:services`,
      message: empty
        ? "the stack file sets nothing: no services, only the platform's defaults; add services under homelab:services (see README, Adding a service)"
        : "declares no services: the stack would run only the platform's own containers; add services under homelab:services",
    },
  ];
}

/** The values found where the stack file has `secure:` entries: ciphertext in the file, and plaintext once the engine decrypted them. */
function secureTexts(entries: readonly SecureEntry[], js: unknown, values: Readonly<Record<string, unknown>>): string[] {
  const out = entries.flatMap((e) => (typeof e.value === "string" ? [e.value] : []));
  const config = isRecord(js) ? js.config : undefined;
  const stack: [unknown, unknown][] = [[config, values]];
  while (stack.length > 0) {
    const [file, value] = stack.pop()!;
    if (isRecord(file) && Object.keys(file).length === 1 && "secure" in file) {
      if (typeof value === "string") out.push(value);
      else if (value !== undefined && value !== null) out.push(JSON.stringify(value));
    } else if (isRecord(file) && isRecord(value)) {
      for (const k of Object.keys(file)) stack.push([file[k], value[k]]);
    } else if (Array.isArray(file) && Array.isArray(value)) {
      file.forEach((f, i) => stack.push([f, value[i]]));
    }
  }
  return out;
}

/** Loads and checks a stack's model; throws ConfigError with every problem, placed on its line and free of secrets. */
export function loadCheckedModel(input: StackInput): CheckedModel {
  const js = input.source?.js;
  const config = isRecord(js) && isRecord(js.config) ? js.config : undefined;
  const entries = config ? secureEntries(config) : [];
  const passphrase = isRecord(js) && typeof js.encryptionsalt === "string";
  const problems: ConfigProblem[] = [
    ...namespaceTypoProblems(input.file, Object.keys(input.values)),
    ...secureEntryProblems(input.file, entries, passphrase),
  ];
  const secureLeaves = input.source ? new Set(entries.map((e) => e.path)) : undefined;
  let model: HomelabModel | undefined;
  try {
    model = loadModel({ file: input.file, stack: input.stack, values: input.values, secureLeaves });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const seen = new Set(problems.map((p) => p.path));
    problems.push(...err.problems.filter((p) => !seen.has(p.path)));
  }
  const clean = (list: readonly ConfigProblem[]): ConfigProblem[] => {
    const placed = input.source ? placeProblems(input.source.src, list) : [...list];
    const own = Object.fromEntries(Object.entries(input.values).filter(([k]) => k.startsWith(`${NAMESPACE}:`)).map(([k, v]) => [k.slice(NAMESPACE.length + 1), v]));
    return scrubProblems(placed, [...secureTexts(entries, js, input.values), ...secretTextsIn(own)]);
  };
  if (problems.length > 0 || model === undefined) throw new ConfigError(clean(problems));
  return { model, warnings: clean(stackWarnings(input.file, model, input.values)) };
}
