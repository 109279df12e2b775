/**
 * What a stack file holds under `secure:`, checked before anything uses it,
 * and kept out of every message: a problem about a secret names its key,
 * never its value, whatever went wrong around it.
 */
import { SECRET_PATHS } from "../config";
import { cut, type ConfigProblem } from "../errors";
import { looksSecret } from "../checks/secretNames";

/** One `secure:` entry of a stack file: its key path as messages print it, and what is written there. */
export interface SecureEntry {
  readonly path: string;
  /** The written value; not a string when the file puts a list or map under `secure:`. */
  readonly value: unknown;
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** Every `{secure: ...}` map under `config`, whatever it holds. */
export function secureEntries(config: unknown): SecureEntry[] {
  const out: SecureEntry[] = [];
  const stack: [unknown, string][] = [[config, ""]];
  while (stack.length > 0) {
    const [value, at] = stack.pop()!;
    if (Array.isArray(value)) value.forEach((v, i) => stack.push([v, `${at}[${i}]`]));
    else if (isRecord(value)) {
      const keys = Object.keys(value);
      if (keys.length === 1 && keys[0] === "secure") out.push({ path: at, value: value.secure });
      else for (const k of keys) stack.push([value[k], at === "" ? k : `${at}.${k}`]);
    }
  }
  return out.reverse();
}

const B64 = /^[A-Za-z0-9+/]+={0,2}$/;
const b64Bytes = (s: string): number => (B64.test(s) && s.length % 4 === 0 ? Buffer.from(s, "base64").length : -1);

/**
 * Whether `value` is ciphertext as Pulumi writes it. The passphrase provider
 * (a stack file with `encryptionsalt`) writes `v1:<base64 12-byte nonce>:<base64
 * AES-256-GCM ciphertext and 16-byte tag>` (pulumi/pulumi
 * sdk/go/common/resource/config/crypt.go, symmetricCrypter; the same layout
 * test/plan/secrets.ts decrypts). The Pulumi Cloud and KMS providers write
 * plain base64 of their own envelope.
 */
export function isPulumiCiphertext(value: string, passphrase: boolean): boolean {
  const v1 = /^v1:([^:]+):([^:]+)$/.exec(value);
  if (v1) return b64Bytes(v1[1]) === 12 && b64Bytes(v1[2]) >= 16;
  return !passphrase && b64Bytes(value) >= 16;
}

const setCommand = (path: string): string => `pulumi config set --secret --path '${path}' <value>`;

/** Keys that must never be secrets: a secret image would hide the registry from the policy pack. */
const NEVER_SECURE = /^homelab:(services\.[^.]+\.image|watchtower\.image)$/;

/** Problems with what is written under `secure:`: not ciphertext, or on a key that must stay readable. */
export function secureEntryProblems(file: string, entries: readonly SecureEntry[], passphrase: boolean): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const e of entries) {
    if (NEVER_SECURE.test(e.path)) {
      problems.push({
        file,
        path: e.path,
        message: "an image reference must be plain text, not secure: the plan and the allowed-registries policy have to read it (write e.g. image: ghcr.io/owner/app:1.2.3)",
      });
    } else if (typeof e.value !== "string" || !isPulumiCiphertext(e.value, passphrase)) {
      problems.push({
        file,
        path: e.path,
        message: `secure: must hold Pulumi ciphertext, which this is not (a value typed in by hand is plain text); set it with ${setCommand(e.path)}`,
      });
    }
  }
  return problems;
}

/** The text values at `SECRET_PATHS` (written there in plain text or not) and in secret-looking environment entries. */
export function secretTextsIn(raw: unknown): string[] {
  const out: string[] = [];
  const walk = (value: unknown, pattern: readonly string[]): void => {
    if (pattern.length === 0) {
      collectStrings(value, out);
      return;
    }
    if (!isRecord(value)) return;
    const [head, ...rest] = pattern;
    for (const k of head === "*" ? Object.keys(value) : [head]) walk(value[k], rest);
  };
  for (const p of SECRET_PATHS) walk(raw, p.split("."));
  const services = isRecord(raw) ? raw.services : undefined;
  if (isRecord(services)) {
    for (const svc of Object.values(services)) {
      const env = isRecord(svc) ? svc.environment : undefined;
      if (!isRecord(env)) continue;
      for (const [name, v] of Object.entries(env)) if (typeof v === "string" && looksSecret(name, v)) out.push(v);
    }
  }
  return out;
}

function collectStrings(value: unknown, out: string[]): void {
  const stack = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === "string") out.push(v);
    else if (typeof v === "number") out.push(String(v));
    else if (v !== null && typeof v === "object") stack.push(...Object.values(v));
  }
}

export const REDACTED = "[secret]";
/** Quoted values longer than this are cut in messages. */
export const MAX_QUOTED = 80;

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The problems with every secret text replaced by `[secret]` and long quoted
 * values cut. Very short secrets are replaced only where a message quotes
 * them whole, so that a one-letter secret cannot garble every message.
 */
export function scrubProblems(problems: readonly ConfigProblem[], secrets: readonly string[]): ConfigProblem[] {
  const texts = [...new Set(secrets.filter((s) => s.trim().length > 0))].sort((a, b) => b.length - a.length);
  const long = texts.filter((s) => s.length >= 6);
  const short = texts.filter((s) => s.length < 6);
  const longRe = long.length > 0 ? new RegExp(long.map(escapeRe).join("|"), "g") : undefined;
  const shortRe = short.length > 0 ? new RegExp(`(["'])(?:${short.map(escapeRe).join("|")})\\1`, "g") : undefined;
  const clean = (text: string): string => {
    let t = longRe ? text.replace(longRe, REDACTED) : text;
    if (shortRe) t = t.replace(shortRe, `"${REDACTED}"`);
    return t.replace(/"([^"]*)"/g, (_, q: string) => `"${cut(q, MAX_QUOTED)}"`);
  };
  return problems.map((p) => ({ ...p, message: clean(p.message), path: clean(p.path) }));
}
