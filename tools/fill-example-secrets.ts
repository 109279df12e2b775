/**
 * `npx ts-node --transpile-only tools/fill-example-secrets.ts <stack file>...`
 *
 * Replaces each `secure: ENC(<text>)` placeholder in example stack files with
 * `<text>` encrypted under the file's own `encryptionsalt` (see
 * example-secrets.ts), in place; everything else stays byte for byte.
 */
import * as fs from "fs";
import { parse as parseYaml } from "yaml";
import { encryptValue, EXAMPLE_PASSPHRASE, keyFromEncryptionSalt } from "./example-secrets";

export function fillSecrets(text: string, passphrase: string): string {
  const doc = parseYaml(text) as { encryptionsalt?: unknown };
  if (!/secure: ENC\(/.test(text)) return text;
  if (typeof doc.encryptionsalt !== "string") throw new Error("no encryptionsalt");
  const key = keyFromEncryptionSalt(passphrase, doc.encryptionsalt);
  return text.replace(/secure: ENC\(([^)\n]*)\)/g, (_, plain: string) => `secure: ${encryptValue(key, plain)}`);
}

if (require.main === module) {
  const passphrase = process.env.PULUMI_CONFIG_PASSPHRASE ?? EXAMPLE_PASSPHRASE;
  for (const file of process.argv.slice(2)) fs.writeFileSync(file, fillSecrets(fs.readFileSync(file, "utf8"), passphrase));
}
