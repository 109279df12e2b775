/**
 * The example `secure:` values of the shipped stack files, both as written
 * (ciphertext) and decrypted with their documented passphrase, so tests can
 * check that neither ever appears in a plan. Decryption follows Pulumi's
 * passphrase secrets provider: a PBKDF2-SHA256 key from the stack's
 * `encryptionsalt`, AES-256-GCM per value (`v1:<nonce>:<ciphertext+tag>`).
 */
import * as crypto from "crypto";
import { parse as parseYaml } from "yaml";
import { SHIPPED_STACKS, stackText } from "../support/stacks";

export const EXAMPLE_PASSPHRASE = "homelab-example";

function decrypt(key: Buffer, value: string): string {
  const [version, nonce, data] = value.split(":");
  if (version !== "v1" || !nonce || !data) throw new Error(`not a v1 ciphertext: ${value.slice(0, 12)}...`);
  const bytes = Buffer.from(data, "base64");
  const decipher = crypto.createDecipheriv("aes-256-gcm", key, Buffer.from(nonce, "base64"));
  decipher.setAuthTag(bytes.subarray(bytes.length - 16));
  return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]).toString("utf8");
}

function secureValues(v: unknown, out: string[] = []): string[] {
  if (v && typeof v === "object") {
    const secure = (v as { secure?: unknown }).secure;
    if (typeof secure === "string") out.push(secure);
    else Object.values(v).forEach((x) => secureValues(x, out));
  }
  return out;
}

export interface StackSecrets {
  readonly ciphertexts: string[];
  readonly plaintexts: string[];
}

/** Opens a shipped stack's `secure:` values; throws if the passphrase does not match its encryptionsalt. */
export function stackDecrypter(stack: string): (ciphertext: string) => string {
  const doc = parseYaml(stackText(stack)) as { encryptionsalt: string };
  // `v1:<salt>:<"pulumi" encrypted>`: the second half proves the key is right.
  const [, salt, ...check] = doc.encryptionsalt.split(":");
  const key = crypto.pbkdf2Sync(EXAMPLE_PASSPHRASE, Buffer.from(salt, "base64"), 1_000_000, 32, "sha256");
  if (decrypt(key, check.join(":")) !== "pulumi") throw new Error(`${stack}: the example passphrase does not match encryptionsalt`);
  return (ciphertext) => decrypt(key, ciphertext);
}

/** A shipped stack's secrets; throws if the passphrase does not open them (the GCM tag is checked). */
export function stackSecrets(stack: string): StackSecrets {
  const doc = parseYaml(stackText(stack)) as { config: unknown };
  const open = stackDecrypter(stack);
  const ciphertexts = secureValues(doc.config);
  return { ciphertexts, plaintexts: ciphertexts.map(open) };
}

export function allShippedSecrets(): StackSecrets {
  const all = SHIPPED_STACKS.map(stackSecrets);
  return { ciphertexts: all.flatMap((s) => s.ciphertexts), plaintexts: all.flatMap((s) => s.plaintexts) };
}

/** The decrypted example value at a key path under `config` (e.g. `["homelab:services", "api", "secretEnvironment", "TOKEN"]`). */
export function secureValueAt(stack: string, path: readonly string[]): string {
  const doc = parseYaml(stackText(stack)) as { encryptionsalt: string; config: unknown };
  const [, salt, ...check] = doc.encryptionsalt.split(":");
  const key = crypto.pbkdf2Sync(EXAMPLE_PASSPHRASE, Buffer.from(salt, "base64"), 1_000_000, 32, "sha256");
  if (decrypt(key, check.join(":")) !== "pulumi") throw new Error(`${stack}: the example passphrase does not match encryptionsalt`);
  let at: unknown = doc.config;
  for (const p of path) at = (at as Record<string, unknown> | undefined)?.[p];
  const secure = (at as { secure?: unknown } | undefined)?.secure;
  if (typeof secure !== "string") throw new Error(`${stack}: config.${path.join(".")} is not a secure value`);
  return decrypt(key, secure);
}
