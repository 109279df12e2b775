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
import * as fs from "fs";
import { parse as parseYaml } from "yaml";
import { decryptValue, encryptValue, keyFor, keyFromEncryptionSalt, newSalt } from "../infra/secrets/passphrase";

export { decryptValue, encryptValue, keyFor, keyFromEncryptionSalt };

export const EXAMPLE_PASSPHRASE = "homelab-example";

/** A new stack file `encryptionsalt` for the passphrase. */
export function newEncryptionSalt(passphrase: string): string {
  return newSalt(passphrase).salt;
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
