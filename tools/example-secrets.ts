/**
 * `npx ts-node --transpile-only tools/example-secrets.ts salt`
 * `npx ts-node --transpile-only tools/example-secrets.ts encrypt <Pulumi.<stack>.yaml> <value>...`
 *
 * Makes the `encryptionsalt` and `secure:` values of example stack files the
 * way Pulumi's passphrase secrets manager does (pulumi/pulumi
 * pkg/secrets/passphrase/manager.go with sdk/go/common/resource/config/crypt.go):
 * a key from PBKDF2-SHA256 (1,000,000 rounds, 8-byte salt) of the passphrase,
 * each value AES-256-GCM with a fresh 12-byte nonce, written
 * `v1:<nonce>:<ciphertext+tag>` in base64, and the salt stored as
 * `v1:<salt>:<"pulumi" encrypted>` so a wrong passphrase is caught.
 * The passphrase is PULUMI_CONFIG_PASSPHRASE, else the examples' `homelab-example`.
 * For real stacks use `pulumi config set --secret`; this is for files
 * shipped as examples, made without the CLI.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import { parse as parseYaml } from "yaml";

export const EXAMPLE_PASSPHRASE = "homelab-example";
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

/** A new stack file `encryptionsalt` for the passphrase. */
export function newEncryptionSalt(passphrase: string): string {
  const salt = crypto.randomBytes(8);
  return `v1:${salt.toString("base64")}:${encryptValue(keyFor(passphrase, salt), CHECK)}`;
}

/** The key an `encryptionsalt` stands for; throws when the passphrase is not the one it was made with. */
export function keyFromEncryptionSalt(passphrase: string, encryptionSalt: string): Buffer {
  const [version, salt, ...check] = encryptionSalt.split(":");
  if (version !== "v1" || !salt) throw new Error("encryptionsalt is not v1:<salt>:<check>");
  const key = keyFor(passphrase, Buffer.from(salt, "base64"));
  if (decryptValue(key, check.join(":")) !== CHECK) throw new Error("wrong passphrase for this encryptionsalt");
  return key;
}

function main(argv: readonly string[]): number {
  const passphrase = process.env.PULUMI_CONFIG_PASSPHRASE ?? EXAMPLE_PASSPHRASE;
  const [command, file, ...values] = argv;
  if (command === "salt" && file === undefined) {
    process.stdout.write(`encryptionsalt: ${newEncryptionSalt(passphrase)}\n`);
    return 0;
  }
  if (command === "encrypt" && file !== undefined && values.length > 0) {
    const doc = parseYaml(fs.readFileSync(file, "utf8")) as { encryptionsalt?: unknown };
    if (typeof doc.encryptionsalt !== "string") throw new Error(`${file}: no encryptionsalt (run "salt" first)`);
    const key = keyFromEncryptionSalt(passphrase, doc.encryptionsalt);
    for (const v of values) process.stdout.write(`secure: ${encryptValue(key, v)}\n`);
    return 0;
  }
  process.stderr.write("usage: example-secrets.ts salt | encrypt <stack file> <value>...\n");
  return 2;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
