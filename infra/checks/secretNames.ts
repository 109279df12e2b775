/**
 * Recognizes values that must not sit in plain text: by the variable's name
 * (case-insensitive, `_`, `-`, `.` or camelCase word breaks) and by the value
 * itself (a URL that carries a password).
 */

/** Words that mark a credential when the name ends with them, or they stand before another credential word. */
const SECRET_WORDS = /(^|_)(PASSWORD|PASSWD|PASSPHRASE|PASS|PWD|SECRET|TOKEN|PAT|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|SECRET_?KEY|CREDENTIALS?|AUTH|DSN)(_|$)/;
/**
 * Trailing words that make a credential-sounding name describe something
 * else: where the secret lives (`POSTGRES_PASSWORD_FILE`, Docker's secrets
 * convention), where to ask for one (`TOKEN_URL`) or how it behaves
 * (`TOKEN_TTL`). A value that is itself a URL with a password is still caught.
 */
const NOT_SECRET_SUFFIX =
  /_(FILE|PATH|DIR|URL|URI|ENDPOINT|HOST|PORT|ENABLED|DISABLED|ENABLE|DISABLE|REQUIRED|MODE|TYPE|METHOD|HEADER|USER|USERNAME|NAME|LENGTH|MIN_LENGTH|MAX_LENGTH|TTL|EXPIRY|EXPIRES|EXPIRATION|LIFETIME|TIMEOUT|ISSUER|AUDIENCE|ALGORITHM|ALG|PROVIDER|SCOPE|SCOPES)$/;

/** `jwtSecretKey`, `jwt-secret.key` and `JWT_SECRET_KEY` all become `JWT_SECRET_KEY`. */
function words(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/[-.\s]+/g, "_")
    .toUpperCase();
}

/**
 * An access key's id names the key, the way a user name names an account:
 * `AWS_ACCESS_KEY_ID` is printed in logs and consoles; its secret half is not.
 * A name that also says SECRET (`AWS_SECRET_ACCESS_KEY_ID`) stays a secret.
 */
const KEY_ID = /(^|_)ACCESS_?KEY_ID$/;

/** True when an environment variable of this name is, by its name, a credential. */
export function isSecretName(name: string): boolean {
  const w = words(name);
  // A key id ends with KEY_ID, so the SECRET it holds is always followed by `_`: `(_|$)` reads as meant, `(_)` would do.
  if (KEY_ID.test(w) && !/(^|_)SECRET(_|$)/.test(w)) return false;
  return SECRET_WORDS.test(w) && !NOT_SECRET_SUFFIX.test(w);
}

const QUERY_SECRET = /[?&](password|passwd|pwd|pass|secret|token|access_token|api_?key|apikey|key|sig|signature)=[^&#\s]+/i;

/**
 * Each `scheme://...` run in a value, up to whitespace, `"`, `<` or `>`: `--dsn=postgres://u:p@db`
 * holds one. A scheme starts after a character that cannot be in one, so a long run of letters is
 * read once, not once per start. (`'` may stand unencoded in a password, so it does not end a URL.)
 */
const URLS = /(?<![a-zA-Z0-9+.-])[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^\s"<>]*/g;

/** A password in a URL's user-info (`postgres://u:p@db`, `redis://:p@cache`); `u:@db` and `u@db` carry none. */
const USERINFO_PASSWORD = /:\/\/[^/?#@:]*:[^/?#@]+@/;

/**
 * True when the value holds a URL with a password in it, alone or inside
 * text (`-Ddb.url=postgres://u:p@db`): in its user-info or in a query
 * parameter (`https://host/?token=...`).
 */
export function hasUrlCredentials(value: string): boolean {
  return [...value.matchAll(URLS)].some(([url]) => USERINFO_PASSWORD.test(url) || QUERY_SECRET.test(url));
}

/** True when a plain environment entry should be a secret. */
export function looksSecret(name: string, value: string | undefined): boolean {
  return isSecretName(name) || (value !== undefined && hasUrlCredentials(value));
}
