/**
 * Recognizes values that must not sit in plain text: by the variable's name
 * (case-insensitive) and by the value itself (a URL that carries a password).
 */

/** Name parts that mark a credential, matched as whole `_`-separated words or suffixes. */
const SECRET_WORDS = /(^|_)(PASSWORD|PASSWD|PASS|PWD|SECRET|TOKEN|PAT|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|SECRET_?KEY|CREDENTIALS?|AUTH)(_|$)/;

/** True when an environment variable of this name is, by its name, a credential. */
export function isSecretName(name: string): boolean {
  return SECRET_WORDS.test(name.toUpperCase());
}

/** True when the value is a URL with a password in its user-info (`postgres://u:p@db`). */
export function hasUrlCredentials(value: string): boolean {
  const m = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/([^/@\s]*)@/.exec(value.trim());
  if (!m) return false;
  const colon = m[1].indexOf(":");
  return colon >= 0 && colon < m[1].length - 1;
}

/** True when a plain environment entry should be a secret. */
export function looksSecret(name: string, value: string | undefined): boolean {
  return isSecretName(name) || (value !== undefined && hasUrlCredentials(value));
}
