/**
 * What a user reads when a stack file is wrong: one line per problem, naming
 * file, line and key path, in words, never quoting a secret. Stack files are
 * written out here, so each expected line number can be counted by eye.
 */
import * as fs from "fs";
import * as path from "path";
import { ConfigError, formatProblem } from "../../infra/errors";
import { loadStack } from "../../infra/plan/evaluate";
import { PROJECT_DIR, stackText } from "../support/stacks";

/** Formatted problems of a stack file text, as the plan prints them (without the bullet). */
function errorsOf(text: string, stack = "dev"): string[] {
  try {
    loadStack({ stack, stackFileText: text });
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map(formatProblem);
    throw err;
  }
  throw new Error("expected a ConfigError, got none");
}

const stack = (services: string, head = ""): string => `config:\n${head}  homelab:services:\n${services}`;
// Written by `pulumi config set --secret` with the passphrase "homelab-example" (Pulumi.homelab.yaml).
const CIPHERTEXT = "v1:EQJLL1uukf1OZ3Ql:NvbTpGAqBx9q5USLjXOZBXC1MuAvQtjKKLpc+mZMX5Y+WIbbLaqwJF9GNDkFr3RDQjzg";
const SALT = "encryptionsalt: v1:5cB6Iu8Z1xE=:v1:uh2qOVZeQDCqXp5S:DJd2poNPtggHlCIeouJ63dz6+xsqFA==\n";

describe("YAML syntax errors: line, column and key; nothing else", () => {
  it("a stray indented line: the YAML error where it is, no schema errors after it", () => {
    const text = stack("    api:\n      image: nginx:1.27\n     port: 8000\n");
    expect(errorsOf(text)).toEqual(["Pulumi.dev.yaml:5:1: homelab:services.api.image: All mapping items must start at the same column"]);
  });

  it("a key written twice names the key", () => {
    const text = stack("    api:\n      image: nginx:1.27\n    api:\n      image: nginx:1.28\n");
    expect(errorsOf(text)).toEqual(['Pulumi.dev.yaml:5:5: homelab:services.api: the key "api" is written twice in the same map; merge the two entries']);
  });

  it("a tab used for indentation", () => {
    expect(errorsOf("config:\n\thomelab:services: {}\n")).toEqual(["Pulumi.dev.yaml:2:1: a tab is used for indentation; YAML indents with spaces only"]);
  });

  it("never quotes the source around the error, which may hold a secret", () => {
    const text = `${SALT}config:\n  homelab:github:\n    token:\n      secure: ${CIPHERTEXT}\n   owner: me\n`;
    const out = errorsOf(text).join("\n");
    expect(out).toMatch(/^Pulumi\.dev\.yaml:6:\d+: /);
    expect(out).not.toContain(CIPHERTEXT);
  });
});

describe("resource bombs are bad input naming the file", () => {
  it("an alias bomb", () => {
    const bomb = "config:\n  homelab:a: &a [1,1,1,1,1,1,1,1,1,1]\n  homelab:b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n  homelab:c: [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n";
    expect(errorsOf(bomb)).toEqual(["Pulumi.dev.yaml: expands YAML aliases (*name) more than 100 times, which looks like an alias bomb; write the values out instead"]);
  });

  it("2,000 levels of flow nesting", () => {
    const out = errorsOf(`config:\n  homelab:services: ${"[".repeat(2000)}${"]".repeat(2000)}\n`);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^Pulumi\.dev\.yaml:2:\d+: the file nests too deeply to be read; a stack file needs only a few levels$/);
  });

  it("2,000 levels of block nesting", () => {
    const deep = Array.from({ length: 2000 }, (_, i) => `${" ".repeat(2 * i + 4)}k:`).join("\n");
    expect(errorsOf(`config:\n  homelab:services:\n${deep}\n`)).toEqual([
      expect.stringMatching(/^Pulumi\.dev\.yaml:\d+:\d+: (is nested more than 64 levels deep|the file nests too deeply to be read); a stack file needs only a few levels/),
    ]);
  });

  it("a binary file", () => {
    expect(errorsOf("\u0000\u0001PK\u0003\u0004")).toEqual(["Pulumi.dev.yaml:1:1: is not a YAML text file: it holds a control character (a binary or corrupted file?)"]);
  });
});

describe("secure: values", () => {
  const withToken = (value: string): string => `${SALT}config:\n  homelab:github:\n    owner: me\n    token:\n      secure: ${value}\n` + "  homelab:services:\n    api:\n      image: nginx:1.27\n";
  const refusal = "Pulumi.dev.yaml:5: homelab:github.token: secure: must hold Pulumi ciphertext, which this is not (a value typed in by hand is plain text); set it with pulumi config set --secret --path 'homelab:github.token' <value>";

  it("real ciphertext passes", () => {
    expect(loadStack({ stack: "dev", stackFileText: withToken(CIPHERTEXT) }).model.github?.owner).toBe("me");
  });

  it.each([["Hunter2Secret_plain"], ['""'], ["v1:abc:def"]])("%s is refused without being quoted", (value) => {
    const out = errorsOf(withToken(value));
    expect(out).toEqual([refusal]);
    if (value.length > 2) expect(out.join("\n")).not.toContain(value);
  });

  it("an image given as secure: is refused", () => {
    const text = `${SALT}${stack(`    api:\n      image:\n        secure: ${CIPHERTEXT}\n`)}`;
    expect(errorsOf(text)).toEqual([
      "Pulumi.dev.yaml:5: homelab:services.api.image: an image reference must be plain text, not secure: the plan and the allowed-registries policy have to read it (write e.g. image: ghcr.io/owner/app:1.2.3)",
    ]);
  });

  it("no message quotes a secure: value or a value where a secret belongs, whatever else is wrong", () => {
    const plain = "Hunter2Secret_plain";
    const text =
      `${SALT}config:\n  homelab:github:\n    owner: me\n    token: ${plain}\n    pullToken:\n      secure: ${CIPHERTEXT}\n    ghcrPat:\n      secure: [${plain}x]\n` +
      `  homelab:services:\n    api:\n      image: nginx:1.27\n      secretEnvironment:\n        DB: ${plain}y\n      ports: ["${plain}z"]\n`;
    const out = errorsOf(text);
    expect(out.length).toBeGreaterThanOrEqual(3);
    for (const s of [plain, CIPHERTEXT]) expect(out.join("\n")).not.toContain(s);
  });
});

describe("names and images", () => {
  it("service keys that Docker or DNS refuse, and __proto__", () => {
    const long = "x".repeat(300);
    const text = stack(`    "a b":\n      image: nginx:1.27\n    名前:\n      image: nginx:1.27\n    -bad:\n      image: nginx:1.27\n    ${long}:\n      image: nginx:1.27\n    __proto__:\n      image: nginx:1.27\n`);
    const out = errorsOf(text);
    const dns = "a service name is also its network alias: a network alias is a DNS label: lower-case letters, digits and '-', not starting or ending with '-' (e.g. api-2)";
    expect(out).toEqual(
      expect.arrayContaining([
        `Pulumi.dev.yaml:3: homelab:services.a b: ${dns}`,
        `Pulumi.dev.yaml:5: homelab:services.名前: ${dns}`,
        `Pulumi.dev.yaml:7: homelab:services.-bad: ${dns}`,
        'Pulumi.dev.yaml:11: homelab:services.__proto__: "__proto__" cannot be used as a key name; choose another name',
      ]),
    );
    expect(out.find((l) => l.includes("at most 63 characters"))).toMatch(/^Pulumi\.dev\.yaml:9: homelab:services\.x+…: a service name is also its network alias: a network alias is a DNS label of at most 63 characters$/);
    expect(out).toHaveLength(5);
  });

  it("images Docker could not pull", () => {
    const text = stack('    api:\n      image: nginx:1.27 ; rm -rf /\n    web:\n      image: " "\n');
    expect(errorsOf(text)).toEqual([
      "Pulumi.dev.yaml:4: homelab:services.api.image: is not an image reference Docker can pull: an image reference has no spaces, e.g. ghcr.io/owner/app:1.2.3",
      "Pulumi.dev.yaml:6: homelab:services.web.image: is not an image reference Docker can pull: the image reference is empty, e.g. ghcr.io/owner/app:1.2.3",
    ]);
  });
});

describe("secrets in plain environment", () => {
  const env = (entries: string, extra = ""): string => stack(`    api:\n      image: nginx:1.27\n      environment:\n${entries}${extra}`);
  const why = (name: string, reason: string): string =>
    `homelab:services.api.environment.${name}: looks like a secret (${reason}): move it to secretEnvironment with pulumi config set --secret --path 'homelab:services.api.secretEnvironment.${name}' <value>, or, if it is not a secret, list it in homelab:services.api.notSecret`;

  it("catches the names and the URL a user wrote", () => {
    const names = ["SECRET_KEY", "JWT_SECRET_KEY", "DB_PASS", "password", "GITHUB_PAT", "AWS_SECRET_ACCESS_KEY_ID"];
    const text = env(names.map((n) => `        ${n}: x\n`).join("") + "        DATABASE_URL: postgres://u:p@db\n        LOG_LEVEL: info\n");
    expect(errorsOf(text)).toEqual([
      ...names.map((n, i) => `Pulumi.dev.yaml:${6 + i}: ${why(n, "its name says it holds a credential")}`),
      `Pulumi.dev.yaml:12: ${why("DATABASE_URL", "its value holds a URL with a password in it")}`,
    ]);
    expect(errorsOf(text).join("\n")).not.toContain("u:p@db");
  });

  it("notSecret marks a false positive", () => {
    const text = env("        PASSWORD_POLICY: strict\n", "      notSecret: [PASSWORD_POLICY]\n");
    expect(loadStack({ stack: "dev", stackFileText: text }).model.services[0].environment).toEqual({ PASSWORD_POLICY: "strict" });
    expect(errorsOf(env("        PASSWORD_POLICY: strict\n"))).toEqual([`Pulumi.dev.yaml:6: ${why("PASSWORD_POLICY", "its name says it holds a credential")}`]);
  });
});

describe("keys refused by design say why and what to use", () => {
  it.each([
    ["networkMode: host", "networkMode", /^homelab does not allow networkMode: .*; use networks/],
    ["privileged: true", "privileged", /^homelab does not allow privileged: .*root on the Docker host; use capAdd/],
    ["publishAllPorts: true", "publishAllPorts", /^homelab does not allow publishAllPorts: .*; use ports/],
    ["pidMode: host", "pidMode", /^homelab does not allow pidMode: /],
    ["securityOpts: [seccomp=unconfined]", "securityOpts", /^homelab does not allow securityOpts: .*seccomp/],
  ])("%s", (line, key, message) => {
    const out = errorsOf(stack(`    api:\n      image: nginx:1.27\n      ${line}\n`));
    expect(out).toHaveLength(1);
    const [where, rest] = [out[0].slice(0, out[0].indexOf(": ", 20) + 2), out[0].slice(out[0].indexOf(": ", 20) + 2)];
    expect(where).toBe(`Pulumi.dev.yaml:5: homelab:services.api.${key}: `);
    expect(rest).toMatch(message);
  });
});

describe("schema problems in words, with an example", () => {
  it.each([
    ["      port: eighty\n", "Pulumi.dev.yaml:5: homelab:services.api.port: expects a whole number from 1 to 65535, e.g. 8000 (found a text)"],
    ["      restart: sometimes\n", "Pulumi.dev.yaml:5: homelab:services.api.restart: expects one of no, always, on-failure, unless-stopped, e.g. no"],
    ["      cpus: -1\n", "Pulumi.dev.yaml:5: homelab:services.api.cpus: expects a number above 0, e.g. 0.5"],
    ["      tracing: yes please\n", "Pulumi.dev.yaml:5: homelab:services.api.tracing: expects true or false, e.g. true (found a text)"],
    ["      ports: 8080\n", 'Pulumi.dev.yaml:5: homelab:services.api.ports: expects a list (each item a text or a map with the keys target, published, host_ip, protocol), e.g. ["127.0.0.1:8080:80"] (found a number)'],
  ])("%j", (line, expected) => {
    expect(errorsOf(stack(`    api:\n      image: nginx:1.27\n${line}`))).toEqual([expected]);
  });

  it("a missing required key says what to give", () => {
    expect(errorsOf(stack("    api:\n      port: 8000\n"))).toEqual(["Pulumi.dev.yaml:3: homelab:services.api.image: is required: give a non-empty text, e.g. ghcr.io/owner/app:1.2.3"]);
  });

  it("never prints the validator's own text", () => {
    const out = errorsOf(stack("    api:\n      image: [1]\n      port: {a: 1}\n      memory: [1]\n      healthcheck: 3\n      ingress: {}\n")).join("\n");
    expect(out).not.toMatch(/Invalid input|expected \w+, received|Too small|Invalid option/);
    expect(out.split("\n")).toHaveLength(5);
  });
});

describe("silent surprises", () => {
  it.each([[""], ["   \n\n"], ["config: {}\n"]])("an empty stack file %j plans, with a warning", (text) => {
    const loaded = loadStack({ stack: "dev", stackFileText: text });
    expect(loaded.warnings?.map(formatProblem)).toEqual([
      "Pulumi.dev.yaml: the stack file sets nothing: no services, only the platform's defaults; add services under homelab:services (see README, Adding a service)",
    ]);
  });

  it("a stack with settings but no services is warned about", () => {
    const loaded = loadStack({ stack: "dev", stackFileText: "config:\n  homelab:networks:\n    net: {}\n" });
    expect(loaded.warnings?.map(formatProblem)).toEqual(["Pulumi.dev.yaml: homelab:services: declares no services: the stack would run only the platform's own containers; add services under homelab:services"]);
  });

  it("a misspelled namespace is named", () => {
    const text = stack("    api:\n      image: nginx:1.27\n", "  homelabs:networks:\n    net: {}\n");
    expect(errorsOf(text)).toEqual(['Pulumi.dev.yaml:2: homelabs:networks: namespace "homelabs" looks like a misspelling of "homelab", so this key would be ignored; write homelab:networks']);
  });

  it("provider namespaces are left alone", () => {
    const text = stack("    api:\n      image: nginx:1.27\n", "  docker:host: unix:///var/run/docker.sock\n");
    expect(loadStack({ stack: "dev", stackFileText: text }).warnings).toEqual([]);
  });

  it("a file that is not a map", () => {
    expect(errorsOf("- config\n")).toEqual(["Pulumi.dev.yaml: a stack file is a map with a config: key holding namespaced keys (homelab:services: ...)"]);
  });
});

describe("long values are cut", () => {
  it("a 1 MB value gives a short line", () => {
    const huge = "x".repeat(1_000_000);
    const out = errorsOf(stack(`    api:\n      image: nginx:1.27\n      ports: ["${huge}"]\n`));
    expect(out).toHaveLength(1);
    expect(out[0].length).toBeLessThan(500);
  });
});

describe("the README's own example, pasted into a stack that already has the service", () => {
  it("names the key written twice and where", () => {
    const readme = fs.readFileSync(path.join(PROJECT_DIR, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Adding a service"));
    const example = /```yaml\n([\s\S]*?)```/.exec(section)![1];
    const block = example.slice(example.indexOf("    sentinel:"));
    const base = stackText("homelab");
    // Pulumi.homelab.yaml ends with its services map, so the block lands inside it.
    const text = `${base.trimEnd()}\n${block}`;
    const line = base.trimEnd().split("\n").length + 1;
    expect(errorsOf(text, "homelab")).toEqual([`Pulumi.homelab.yaml:${line}:5: homelab:services.sentinel: the key "sentinel" is written twice in the same map; merge the two entries`]);
  });
});

describe("the schema's own hints get an example too", () => {
  it.each([
    ["      repo: just-a-name\n", "Pulumi.dev.yaml:5: homelab:services.api.repo: must be owner/name, e.g. owner/app"],
    ["      ingress: {hostname: Not_A_Host}\n", "Pulumi.dev.yaml:5: homelab:services.api.ingress.hostname: must be a lowercase DNS hostname, e.g. api.example.com"],
  ])("%j", (line, expected) => {
    expect(errorsOf(stack(`    api:\n      image: nginx:1.27\n${line}`))).toEqual([expected]);
  });
});
