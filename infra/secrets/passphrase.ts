/**
 * Pulumi's passphrase secrets provider, for the commands that write stack
 * files without the CLI (the compose import, the example-secret tool):
 * pulumi/pulumi pkg/secrets/passphrase/manager.go with
 * sdk/go/common/resource/config/crypt.go. A key from PBKDF2-SHA256
 * (1,000,000 rounds, 8-byte salt) of the passphrase; each value AES-256-GCM
 * with a fresh 12-byte nonce, written `v1:<nonce>:<ciphertext+tag>` in base64;
 * the salt stored as `v1:<salt>:<"pulumi" encrypted>` so a wrong passphrase is caught.
 */
import * as crypto from "crypto";

const ROUNDS = 1_000_000;
const CHECK = "pulumi";

export function keyFor(passphrase: string, salt: Buffer): Buffer {
  return crypto.pbkdf2Sync(passphrase, salt, ROUNDS, 32, "sha256");
}

export function encryptValue(key: Buffer, plaintext: string): string {
  const nonce = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", key, nonce);
  const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return `v1:${nonce.toString("base64")}:${data.toString("base64")}`;
}

export function decryptValue(key: Buffer, value: string): string {
  const [version, nonce, data] = value.split(":");
  if (version !== "v1" || !nonce || !data) throw new Error("not a v1 ciphertext");
  const bytes = Buffer.from(data, "base64");
  const decipher = crypto.createDecipheriv("aes-256-gcm", key, Buffer.from(nonce, "base64"));
  decipher.setAuthTag(bytes.subarray(bytes.length - 16));
  return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]).toString("utf8");
}

/** A new stack file `encryptionsalt` and the key it stands for. */
export function newSalt(passphrase: string): { readonly salt: string; readonly key: Buffer } {
  const raw = crypto.randomBytes(8);
  const key = keyFor(passphrase, raw);
  return { salt: `v1:${raw.toString("base64")}:${encryptValue(key, CHECK)}`, key };
}

/** The key an `encryptionsalt` stands for; throws when the passphrase is not the one it was made with. */
export function keyFromEncryptionSalt(passphrase: string, encryptionSalt: string): Buffer {
  const [version, salt, ...check] = encryptionSalt.split(":");
  if (version !== "v1" || !salt) throw new Error("encryptionsalt is not v1:<salt>:<check>");
  const key = keyFor(passphrase, Buffer.from(salt, "base64"));
  if (decryptValue(key, check.join(":")) !== CHECK) throw new Error("wrong passphrase for this encryptionsalt");
  return key;
}
