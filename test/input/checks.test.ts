/**
 * The shared checks on names, images and secrets, with the literal inputs a
 * user wrote when trying the stack files (issue: bad input, tried as a new user).
 */
import { containerNameProblem, networkAliasProblem } from "../../infra/checks/dockerNames";
import { parseImageReference } from "../../infra/checks/imageReference";
import { hasUrlCredentials, isSecretName, looksSecret } from "../../infra/checks/secretNames";
import { isPulumiCiphertext } from "../../infra/input/secureValues";

describe("secret names", () => {
  it.each(["SECRET_KEY", "JWT_SECRET_KEY", "DB_PASS", "password", "GITHUB_PAT", "AWS_SECRET_ACCESS_KEY_ID", "API_TOKEN", "dbPassword", "smtp-password", "Stripe_Api_Key"])(
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
