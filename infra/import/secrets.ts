/**
 * Secret values found by the import never reach the stack file in plain
 * text. With PULUMI_CONFIG_PASSPHRASE set they are encrypted the way Pulumi's
 * passphrase secrets provider does it (PBKDF2-SHA256, 1,000,000 rounds, over
 * the stack's `encryptionsalt`; AES-256-GCM per value, `v1:<nonce>:<data+tag>`;
 * pkg/secrets/passphrase in pulumi/pulumi); without it the report lists the
 * `pulumi config set --secret --path` commands to run, and no value.
 */
import * as crypto from "crypto";
import { ConfigError } from "../errors";

const ROUNDS = 1_000_000;

function keyFor(passphrase: string, salt: Buffer): Buffer {
  return crypto.pbkdf2Sync(passphrase, salt, ROUNDS, 32, "sha256");
}

function encrypt(key: Buffer, plain: string): string {
  const nonce = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", key, nonce);
  const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return `v1:${nonce.toString("base64")}:${data.toString("base64")}`;
}

function decrypt(key: Buffer, value: string): string {
  const [version, nonce, data] = value.split(":");
  if (version !== "v1" || !nonce || !data) throw new Error("not a v1 ciphertext");
  const bytes = Buffer.from(data, "base64");
  const decipher = crypto.createDecipheriv("aes-256-gcm", key, Buffer.from(nonce, "base64"));
  decipher.setAuthTag(bytes.subarray(bytes.length - 16));
  return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]).toString("utf8");
}

export interface Encrypter {
  /** `v1:<salt>:<"pulumi" encrypted>`, as the stack file's `encryptionsalt`. */
  readonly salt: string;
  encrypt(plain: string): string;
}

/** A new salt for a new stack file. */
export function newEncrypter(passphrase: string): Encrypter {
  const salt = crypto.randomBytes(8);
  const key = keyFor(passphrase, salt);
  return { salt: `v1:${salt.toString("base64")}:${encrypt(key, "pulumi")}`, encrypt: (p) => encrypt(key, p) };
}

/** The existing stack's salt; a wrong passphrase is bad input (exit 2), found before anything is written. */
export function existingEncrypter(passphrase: string, encryptionsalt: string, file: string): Encrypter {
  const [, salt, ...check] = encryptionsalt.split(":");
  const key = keyFor(passphrase, Buffer.from(salt ?? "", "base64"));
  let ok = false;
  try {
    ok = decrypt(key, check.join(":")) === "pulumi";
  } catch {
    ok = false;
  }
  if (!ok) throw new ConfigError([{ file, path: "encryptionsalt", message: "PULUMI_CONFIG_PASSPHRASE does not open this stack's secrets; unset it to get the commands instead" }]);
  return { salt: encryptionsalt, encrypt: (p) => encrypt(key, p) };
}

export function secretPath(service: string, name: string): string {
  return `homelab:services.${service}.secretEnvironment.${name}`;
}

/** The command that sets one secret; pulumi prompts for the value, so none is printed. */
export function secretCommand(stack: string, service: string, name: string): string {
  return `pulumi config set --secret --path '${secretPath(service, name)}' --stack ${stack}`;
}
