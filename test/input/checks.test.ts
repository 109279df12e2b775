/**
 * The shared checks on names, images and secrets, with the literal inputs a
 * user wrote when trying the stack files (issue: bad input, tried as a new user).
 */
import { containerNameProblem, networkAliasProblem } from "../../infra/checks/dockerNames";
import { parseImageReference } from "../../infra/checks/imageReference";
import { hasUrlCredentials, isSecretName, looksSecret } from "../../infra/checks/secretNames";
import { isPulumiCiphertext } from "../../infra/input/secureValues";

describe("secret names", () => {
  it.each(["SECRET_KEY", "JWT_SECRET_KEY", "DB_PASS", "password", "GITHUB_PAT", "AWS_SECRET_ACCESS_KEY_ID", "SECRET_ACCESS_KEY_ID", "stripe.api--key", "API_TOKEN", "dbPassword", "smtp-password", "Stripe_Api_Key"])(
    "%s is a secret by its name",
    (name) => expect(isSecretName(name)).toBe(true),
  );

  it.each(["LOG_LEVEL", "POSTGRES_PASSWORD_FILE", "TOKEN_URL", "PASSWORD_MIN_LENGTH", "AUTH_ENABLED", "OAUTH_CLIENT_ID", "PATH", "PASSPORT_NUMBER", "TZ", "AWS_ACCESS_KEY_ID", "LANGFUSE_S3_EVENT_UPLOAD_ACCESS_KEY_ID"])(
    "%s is not a secret by its name",
    (name) => expect(isSecretName(name)).toBe(false),
  );

  it("catches a URL with a password in it, in the user-info or the query", () => {
    expect(hasUrlCredentials("postgres://u:p@db")).toBe(true);
    expect(hasUrlCredentials("redis://:hunter2@cache:6379/0")).toBe(true);
    expect(hasUrlCredentials("https://hooks.example.com/x?token=abc123")).toBe(true);
    expect(hasUrlCredentials("postgres://u@db/app")).toBe(false);
    expect(hasUrlCredentials("http://jaeger:4317")).toBe(false);
    expect(looksSecret("DATABASE_URL", "postgres://u:p@db")).toBe(true);
    expect(looksSecret("DATABASE_URL", "postgres://db/app")).toBe(false);
  });
});

describe("image references", () => {
  it.each(["nginx:1.27", "postgres:16.4@sha256:" + "a".repeat(64), "ghcr.io/pedromiravaz/miravaz-api:sha-4f9c2e1", "localhost:5000/app", "registry.example.com:5000/team/app:v1"])(
    "accepts %s",
    (ref) => expect(parseImageReference(ref).ok).toBe(true),
  );

  it("splits registry, path, tag and digest", () => {
    const r = parseImageReference("ghcr.io/owner/app:1.2.3");
    expect(r).toEqual({ ok: true, value: { registry: "ghcr.io", path: "owner/app", tag: "1.2.3", digest: undefined } });
  });

  it.each([
    ["nginx:1.27 ; rm -rf /", /no spaces/],
    [" ", /empty/],
    ["", /empty/],
    ["nginx;reboot", /shell characters/],
    ["Nginx", /lower-case/],
    ["nginx:-bad", /tag/],
    ["nginx@sha256:xyz", /digest/],
  ])("refuses %j", (ref, why) => {
    const r = parseImageReference(ref);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(why);
  });
});

describe("Docker and DNS names", () => {
  it.each(["a b", "名前", "-bad", "x".repeat(300), "__proto__", "Api"])("%j is not a network alias", (name) => {
    expect(networkAliasProblem(name)).toBeDefined();
  });
  it.each(["api", "api-2", "a1"])("%s is a network alias", (name) => expect(networkAliasProblem(name)).toBeUndefined());
  it.each(["a b", "名前", "-bad", "x".repeat(300), "a"])("%j is not a container name", (name) => expect(containerNameProblem(name)).toBeDefined());
  it.each(["api", "My_App.1"])("%s is a container name", (name) => expect(containerNameProblem(name)).toBeUndefined());
});

describe("Pulumi ciphertext", () => {
  // Written by `pulumi config set --secret` with the passphrase provider (Pulumi.homelab.yaml).
  const real = "v1:EQJLL1uukf1OZ3Ql:NvbTpGAqBx9q5USLjXOZBXC1MuAvQtjKKLpc+mZMX5Y+WIbbLaqwJF9GNDkFr3RDQjzg";
  it("accepts what the passphrase provider writes", () => expect(isPulumiCiphertext(real, true)).toBe(true));
  it.each(["Hunter2Secret_plain", "", "v1:abc:def", "v1:EQJLL1uukf1OZ3Ql:", "hunter2"])("refuses %j", (v) => expect(isPulumiCiphertext(v, true)).toBe(false));
  it("accepts a cloud provider's base64 envelope only when the stack has no passphrase salt", () => {
    const b64 = Buffer.from("x".repeat(40)).toString("base64");
    expect(isPulumiCiphertext(b64, false)).toBe(true);
    expect(isPulumiCiphertext(b64, true)).toBe(false);
  });
});

describe("Docker and DNS names at their limits", () => {
  const at63 = "a".repeat(63);
  const at64 = "a".repeat(64);
  it("takes 63 characters and refuses 64, saying it is the length", () => {
    expect(containerNameProblem(at63)).toBeUndefined();
    expect(networkAliasProblem(at63)).toBeUndefined();
    expect(containerNameProblem(at64)).toMatch(/at most 63 characters/);
    expect(networkAliasProblem(at64)).toMatch(/at most 63 characters/);
  });
  it.each(["ab", "a.b", "a_b", "A-1", "1a"])("%s is a container name", (name) => expect(containerNameProblem(name)).toBeUndefined());
  it.each(["api!", "!api", ".api", "a/b", "a:b"])("%j is not a container name, and the message says which characters", (name) =>
    expect(containerNameProblem(name)).toMatch(/letters, digits, '_', '.' or '-'/),
  );
  it.each(["a", "0", "a-b", "a--b", "9z"])("%s is a network alias", (name) => expect(networkAliasProblem(name)).toBeUndefined());
  it.each(["api-", "-api", "a_b", "a.b", "aPi", "api!", "!api"])("%j is not a network alias, and the message says it is a DNS label", (name) =>
    expect(networkAliasProblem(name)).toMatch(/DNS label: lower-case letters/),
  );
});

describe("image references, part by part", () => {
  const hex64 = "a".repeat(64);
  it.each([
    ["owner/app", { registry: undefined, path: "owner/app", tag: undefined, digest: undefined }],
    ["postgres", { registry: undefined, path: "postgres", tag: undefined, digest: undefined }],
    ["localhost/app", { registry: "localhost", path: "app", tag: undefined, digest: undefined }],
    ["localhost:5000/app:v1", { registry: "localhost:5000", path: "app", tag: "v1", digest: undefined }],
    ["MyRegistry/app", { registry: "MyRegistry", path: "app", tag: undefined, digest: undefined }],
    ["[::1]:5000/app", { registry: "[::1]:5000", path: "app", tag: undefined, digest: undefined }],
    ["ghcr.io/o/a:1.2.3@sha256:" + hex64, { registry: "ghcr.io", path: "o/a", tag: "1.2.3", digest: "sha256:" + hex64 }],
    ["app@sha256:" + hex64, { registry: undefined, path: "app", tag: undefined, digest: "sha256:" + hex64 }],
    ["app@sha256:" + "a".repeat(32), { registry: undefined, path: "app", tag: undefined, digest: "sha256:" + "a".repeat(32) }],
    ["app@sha256+b64.x:" + "A".repeat(32), { registry: undefined, path: "app", tag: undefined, digest: "sha256+b64.x:" + "A".repeat(32) }],
    ["app:_x", { registry: undefined, path: "app", tag: "_x", digest: undefined }],
    ["app:" + "t".repeat(128), { registry: undefined, path: "app", tag: "t".repeat(128), digest: undefined }],
    ["a__b/c--d/e.f/g_h", { registry: undefined, path: "a__b/c--d/e.f/g_h", tag: undefined, digest: undefined }],
    ["a".repeat(255), { registry: undefined, path: "a".repeat(255), tag: undefined, digest: undefined }],
  ])("%s", (text, value) => expect(parseImageReference(text)).toEqual({ ok: true, value }));

  it.each([
    ["a\tb", /no spaces/],
    ["app$(id)", /shell characters/],
    ["app`id`", /shell characters/],
    ["app@sha256:" + "a".repeat(31), /digest after '@'/],
    ["app@sha256:" + "g".repeat(64), /digest after '@'/],
    ["app@1sha:" + "a".repeat(64), /digest after '@'/],
    ["app@sha256" + "a".repeat(64), /digest after '@'/],
    ["app:" + "t".repeat(129), /tag after ':'/],
    ["app:.x", /tag after ':'/],
    ["app:", /tag after ':'/],
    [":1.0", /image name is missing/],
    ["@sha256:" + "a".repeat(64), /image name is missing/],
    ["a".repeat(256), /longer than 255 characters/],
    ["bad_host.com/app", /registry "bad_host.com" is not a host name/],
    ["-host.com/app", /registry "-host.com"/],
    ["host.com:port/app", /registry "host.com:port"/],
    ["host.com:5000x/app", /registry "host.com:5000x"/],
    ["a___b", /each part of the repository path/],
    ["a.-b", /each part of the repository path/],
    ["a//b", /each part of the repository path/],
    ["app/", /each part of the repository path/],
    ["_app", /each part of the repository path/],
    ["app_", /each part of the repository path/],
  ])("refuses %j", (text, why) => {
    const r = parseImageReference(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(why);
  });
});

describe("secret names, word by word", () => {
  it.each([
    "PASSWD", "DB_PASSPHRASE", "MYSQL_PWD", "APP_SECRET", "GH_TOKEN", "APIKEY", "API_KEY", "SSH_PRIVATE_KEY", "PRIVATEKEY",
    "S3_ACCESS_KEY", "ACCESSKEY", "SECRETKEY", "GCP_CREDENTIAL", "GCP_CREDENTIALS", "BASIC_AUTH", "SENTRY_DSN",
    "jwt.secret", "db password", "TOKEN_VALUE", "ADMIN_PASSWORD_HASH_SALT_SECRET",
  ])("%s is a secret by its name", (name) => expect(isSecretName(name)).toBe(true));

  it.each([
    "FILE", "PATH", "DIR", "URL", "URI", "ENDPOINT", "HOST", "PORT", "ENABLED", "DISABLED", "ENABLE", "DISABLE", "REQUIRED", "MODE",
    "TYPE", "METHOD", "HEADER", "USER", "USERNAME", "NAME", "LENGTH", "MIN_LENGTH", "MAX_LENGTH", "TTL", "EXPIRY", "EXPIRES",
    "EXPIRATION", "LIFETIME", "TIMEOUT", "ISSUER", "AUDIENCE", "ALGORITHM", "ALG", "PROVIDER", "SCOPE", "SCOPES",
  ])("TOKEN_%s says something about a token, not the token", (suffix) => expect(isSecretName(`TOKEN_${suffix}`)).toBe(false));

  it.each(["PASSWORDS_FILE_X", "TOKENIZER", "AUTHOR", "PATH_TO_APP", "SECRETARY", "XPASSWORD", "ACCESSKEY_ID", "MY_ACCESS_KEY_ID"])(
    "%s is not a secret by its name",
    (name) => expect(isSecretName(name)).toBe(false),
  );

  it.each([
    ["https://u:p@host", true],
    ["  postgres://u:p@db  ", true],
    ["postgres://u:@db", false],
    ["postgres://u:p:q@db", true],
    ["redis://:p@cache/0", true],
    ["postgres://u:ab'cd@db", true],
    ["postgres://:@db", false],
    ["u:p@host", false],
    ["see postgres://u:p@db", true],
    ["--dsn=postgres://u:p@db", true],
    ["-Ddb.url='postgres://u:p@db/app' -Xmx1g", true],
    ["see https://host/?token=abc for details", true],
    ["docs at https://example.com/x?page=2, traces to http://jaeger:4317", false],
    ["postgres://u@db then https://host/?token=", false],
    ["https://host/path?api_key=1", true],
    ["https://host/path?apikey=1", true],
    ["https://host/?x=1&sig=abc", true],
    ["https://host/?PASSWORD=abc", true],
    ["https://host/?tokens=1", false],
    ["https://host/?token=", false],
    ["https://host/?token=&x=1", false],
    ["https://host/#token=abc", false],
    ["mailto:x?token=y", false],
    ["host/?token=abc", false],
  ])("%j has a credential in its URL: %s", (value, expected) => expect(hasUrlCredentials(value)).toBe(expected));

  it("reads a long value to its end: a URL after 200,000 letters is still found", () => {
    const letters = "A".repeat(200_000);
    expect(hasUrlCredentials(`${letters} postgres://u:p@db`)).toBe(true);
    expect(hasUrlCredentials(`${letters}://x`)).toBe(false);
    expect(hasUrlCredentials(letters)).toBe(false);
  });

  it("a secret by name needs no value, and a plain name with a plain value is not one", () => {
    expect(looksSecret("API_TOKEN", undefined)).toBe(true);
    expect(looksSecret("LOG_LEVEL", undefined)).toBe(false);
    expect(looksSecret("LOG_LEVEL", "info")).toBe(false);
  });
});
