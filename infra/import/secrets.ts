/**
 * Secret values found by the import never reach the stack file in plain
 * text. With PULUMI_CONFIG_PASSPHRASE set they are encrypted the way Pulumi's
 * passphrase secrets provider does it (PBKDF2-SHA256, 1,000,000 rounds, over
 * the stack's `encryptionsalt`; AES-256-GCM per value, `v1:<nonce>:<data+tag>`;
 * pkg/secrets/passphrase in pulumi/pulumi); without it the report lists the
 * `pulumi config set --secret --path` commands to run, and no value.
 */
import { ConfigError } from "../errors";
import { encryptValue, keyFromEncryptionSalt, newSalt } from "../secrets/passphrase";

export interface Encrypter {
  /** `v1:<salt>:<"pulumi" encrypted>`, as the stack file's `encryptionsalt`. */
  readonly salt: string;
  encrypt(plain: string): string;
}

/** A new salt for a new stack file. */
export function newEncrypter(passphrase: string): Encrypter {
  const { salt, key } = newSalt(passphrase);
  return { salt, encrypt: (p) => encryptValue(key, p) };
}

/** The existing stack's salt; a wrong passphrase is bad input (exit 2), found before anything is written. */
export function existingEncrypter(passphrase: string, encryptionsalt: string, file: string): Encrypter {
  let key: Buffer;
  try {
    key = keyFromEncryptionSalt(passphrase, encryptionsalt);
  } catch {
    throw new ConfigError([{ file, path: "encryptionsalt", message: "PULUMI_CONFIG_PASSPHRASE does not open this stack's secrets; unset it to get the commands instead" }]);
  }
  return { salt: encryptionsalt, encrypt: (p) => encryptValue(key, p) };
}

export function secretPath(service: string, name: string): string {
  return `homelab:services.${service}.secretEnvironment.${name}`;
}

/** The command that sets one secret; pulumi prompts for the value, so none is printed. */
export function secretCommand(stack: string, service: string, name: string): string {
  return `pulumi config set --secret --path '${secretPath(service, name)}' --stack ${stack}`;
}
