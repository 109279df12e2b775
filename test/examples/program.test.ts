/**
 * What the examples needed from the program: the stack file of the project
 * being run, host bind addresses, files and secret files, and a project's
 * own policy config.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { renderEnvFile } from "../../components/homelabService";
import { decodeConfigValue, engineConfigFromStackFile, loadStackModel, PROJECT_DIR, runProjectDir } from "../../infra/context";
import { loadModel } from "../../infra/load";
import type { HomelabModel } from "../../infra/model";
import { DEFAULT_PACK_DIR } from "../../infra/plan";
import { policyConfigFile } from "../../infra/plan/policy";
import { problemsOf } from "../support/stacks";
import { EXAMPLES_DIR } from "./support";

const made: string[] = [];
afterAll(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
const tmp = (): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-examples-"));
  made.push(d);
  return d;
};

/** A stack file text loaded as the program would, minus decryption. */
function load(text: string, stack = "homelab"): HomelabModel {
  const file = `Pulumi.${stack}.yaml`;
  const engine = engineConfigFromStackFile(text, file);
  const values = Object.fromEntries(Object.entries(engine.values).map(([k, v]) => [k, decodeConfigValue(v)]));
  return loadModel({ file, stack, values, secureLeaves: engine.secureLeaves });
}

const stackFile = (config: string): string => `config:\n${config}`;
const SECURE = "{ secure: v1:AAAAAAAAAAAAAAAA:AAAA }";

describe("the project being run", () => {
  it("is the root directory Pulumi reports, when it holds a Pulumi.yaml", () => {
    expect(runProjectDir(path.join(EXAMPLES_DIR, "phase5"), "/")).toBe(path.join(EXAMPLES_DIR, "phase5"));
  });

  it("by default asks the SDK, which has it from the language host (PULUMI_NODEJS_ROOT_DIRECTORY)", () => {
    /* eslint-disable-next-line @typescript-eslint/no-require-imports */
    const state = require("@pulumi/pulumi/runtime/state") as { withLocalStorage<T>(cb: () => T): T };
    const saved = process.env.PULUMI_NODEJS_ROOT_DIRECTORY;
    process.env.PULUMI_NODEJS_ROOT_DIRECTORY = path.join(EXAMPLES_DIR, "miket");
    try {
      // A fresh runtime store reads the variable, as it does when the language host starts the program.
      expect(state.withLocalStorage(() => runProjectDir())).toBe(path.join(EXAMPLES_DIR, "miket"));
    } finally {
      if (saved === undefined) delete process.env.PULUMI_NODEJS_ROOT_DIRECTORY;
      else process.env.PULUMI_NODEJS_ROOT_DIRECTORY = saved;
    }
  });

  it("falls back to the working directory when the SDK has no root (its placeholder is not a path)", () => {
    expect(runProjectDir("rootDirectory", path.join(EXAMPLES_DIR, "openmates"))).toBe(path.join(EXAMPLES_DIR, "openmates"));
    expect(runProjectDir("", tmp())).toBe(PROJECT_DIR);
  });

  it("gives loadStackModel the example's stack file: its secure values pass, the root's file would refuse them", async () => {
    const dir = path.join(EXAMPLES_DIR, "phase5");
    const engine = engineConfigFromStackFile(fs.readFileSync(path.join(dir, "Pulumi.homelab.yaml"), "utf8"), "Pulumi.homelab.yaml");
    await pulumi.runtime.setMocks({ newResource: () => ({ id: undefined, state: {} }), call: () => ({}) }, "homelab", "homelab", true);
    pulumi.runtime.setAllConfig(engine.values, engine.secretKeys);
    expect(loadStackModel(runProjectDir(dir, "/")).services.map((s) => s.key)).toContain("backend");
    // The root project's Pulumi.homelab.yaml has no secure value at these paths.
    expect(problemsOf(() => loadStackModel(PROJECT_DIR))).toEqual(
      expect.arrayContaining([expect.stringContaining("homelab:services.backend.secretFiles.dotenv.values.SECRET_KEY: must be a secret")]),
    );
  });
});

describe("hosts.<h>.bindAddress", () => {
  const text = stackFile(`  homelab:features: { tunnel: false, watchtower: false, ghcr: false, monitoring: false }
  homelab:hosts:
    box: { bindAddress: 100.101.102.103 }
    other: {}
  homelab:services:
    aa: { image: "x/a:1.0", host: box, ports: ["8080:80", "127.0.0.1:9090:90", { target: 70, published: 7070 }] }
    bb: { image: "x/b:1.0", host: other, ports: ["8080:80"] }
`);

  it("binds ports without an address to the host's address, and leaves explicit ones alone", () => {
    const m = load(text);
    const a = m.services.find((s) => s.key === "aa")!;
    expect(a.ports.map((p) => `${p.hostIp}:${p.published}:${p.target}`)).toEqual(["100.101.102.103:8080:80", "127.0.0.1:9090:90", "100.101.102.103:7070:70"]);
    expect(m.services.find((s) => s.key === "bb")!.ports[0].hostIp).toBe("127.0.0.1");
  });

  it("must be an IP address", () => {
    expect(problemsOf(() => load(text.replace("100.101.102.103", "motoko.ts.net")))).toEqual([
      'Pulumi.homelab.yaml: homelab:hosts.box.bindAddress: "motoko.ts.net" is not an IP address',
    ]);
  });
});

describe("files and secretFiles", () => {
  const svc = (extra: string): string =>
    stackFile(`  homelab:features: { tunnel: false, watchtower: false, ghcr: false, monitoring: false }
  homelab:services:
    app:
      image: "x/app:1.0"
${extra}`);
  const secretFile = `      secretFiles:
        env:
          path: /app/.env
          values:
            API_KEY: ${SECURE}
            DB_PASSWORD: ${SECURE}
`;

  it("gives a secret file mode 0600 unless told otherwise, a plain file 0644", () => {
    const m = load(svc(`${secretFile}      files:\n        conf: { path: /etc/app.conf, content: "a=1\\n", mode: "640" }\n`));
    const app = m.services[0];
    expect(app.secretFiles).toEqual([{ name: "env", path: "/app/.env", mode: "0600", owner: undefined, group: undefined, values: { API_KEY: "[secret]", DB_PASSWORD: "[secret]" } }]);
    expect(app.files).toEqual([{ name: "conf", path: "/etc/app.conf", content: "a=1\n", mode: "0640", owner: undefined, group: undefined }]);
    expect(load(svc(`      files:\n        conf: { path: /etc/app.conf, content: x }\n`)).services[0].files[0].mode).toBe("0644");
  });

  it("refuses plain-text secret values, group or other bits, and a relative path, all at once", () => {
    const p = problemsOf(() =>
      load(svc(`      secretFiles:\n        env:\n          path: app/.env\n          mode: "0640"\n          values:\n            API_KEY: plain-text\n`)),
    );
    expect(p).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/homelab:services\.app\.secretFiles\.env\.path: must be an absolute file path/),
        expect.stringMatching(/homelab:services\.app\.secretFiles\.env\.mode: must be an octal mode with no group or other bits/),
        expect.stringMatching(/homelab:services\.app\.secretFiles\.env\.values\.API_KEY: must be a secret, not plain text/),
      ]),
    );
    expect(p.join("\n")).not.toContain("plain-text");
  });

  it("refuses two files at one path and files on a read-only root filesystem", () => {
    const p = problemsOf(() => load(svc(`      readOnly: true\n${secretFile}      files:\n        conf: { path: /app/.env, content: x }\n`)));
    expect(p).toEqual([
      'Pulumi.homelab.yaml: homelab:services.app.secretFiles.env.path: "/app/.env" is already written by files.conf',
      "Pulumi.homelab.yaml: homelab:services.app.readOnly: files and secretFiles cannot be copied into a read-only root filesystem; drop readOnly or mount the files from a volume",
    ]);
  });

  it("refuses values a .env line cannot hold literally, without quoting them", () => {
    const engineText = svc(`${secretFile}`);
    const file = "Pulumi.homelab.yaml";
    const engine = engineConfigFromStackFile(engineText, file);
    const values = Object.fromEntries(Object.entries(engine.values).map(([k, v]) => [k, decodeConfigValue(v)])) as Record<string, unknown>;
    // What the engine hands the program under pulumi up: the decrypted values.
    const services = values["homelab:services"] as { app: { secretFiles: { env: { values: Record<string, string> } } } };
    services.app.secretFiles.env.values = { API_KEY: "it's-mine", DB_PASSWORD: "two\nlines" };
    const p = problemsOf(() => loadModel({ file, stack: "homelab", values, secureLeaves: engine.secureLeaves }));
    expect(p).toEqual([
      "Pulumi.homelab.yaml: homelab:services.app.secretFiles.env.values.API_KEY: holds a single quote or a backslash, which .env readers unquote differently; choose another value",
      "Pulumi.homelab.yaml: homelab:services.app.secretFiles.env.values.DB_PASSWORD: spans several lines, which one KEY=value line cannot hold",
    ]);
    expect(p.join("\n")).not.toContain("mine");
  });

  it("renders one single-quoted KEY='value' line per value, in order", async () => {
    await pulumi.runtime.setMocks({ newResource: () => ({ id: undefined, state: {} }), call: () => ({}) }, "homelab", "t", false);
    const text = await new Promise<string>((resolve) => renderEnvFile({ B: "2", A: pulumi.output("x=y") }).apply(resolve));
    expect(text).toBe("B='2'\nA='x=y'\n");
  });
});

describe("a project's own policy config", () => {
  it("wins over the pack's file for the stack, which wins over the profile's", () => {
    const dir = tmp();
    expect(policyConfigFile(DEFAULT_PACK_DIR, "homelab", "homelab", dir)).toBe(path.join(DEFAULT_PACK_DIR, "config", "homelab.json"));
    expect(policyConfigFile(DEFAULT_PACK_DIR, "staging", "prod", dir)).toBe(path.join(DEFAULT_PACK_DIR, "config", "prod.json"));
    fs.mkdirSync(path.join(dir, "policy-config"));
    fs.writeFileSync(path.join(dir, "policy-config", "homelab.json"), "{}");
    expect(policyConfigFile(DEFAULT_PACK_DIR, "homelab", "homelab", dir)).toBe(path.join(dir, "policy-config", "homelab.json"));
    expect(policyConfigFile(DEFAULT_PACK_DIR, "prod", "prod", dir)).toBe(path.join(DEFAULT_PACK_DIR, "config", "prod.json"));
  });
});

describe("resource classes", () => {
  const text = (svc: string, classes = "    web: { cpus: 0.5, memory: 512m }\n    ai: { cpus: 4, memory: 8g }\n"): string =>
    stackFile(`  homelab:features: { tunnel: false, watchtower: false, ghcr: false, monitoring: false }
  homelab:resourceClasses:
${classes}  homelab:services:
${svc}`);

  it("fill the limits a service does not set; its own win", () => {
    const m = load(text(`    aa: { image: "x/a:1.0", resourceClass: ai }\n    bb: { image: "x/b:1.0", resourceClass: web, memory: 1g }\n    cc: { image: "x/c:1.0" }\n`));
    const limits = m.services.map((s) => [s.key, s.resourceClass, s.cpus, s.memoryMb]);
    expect(limits).toEqual([
      ["aa", "ai", 4, 8192],
      ["bb", "web", 0.5, 1024],
      ["cc", undefined, undefined, undefined],
    ]);
  });

  it("refuses an unknown class, and a bad size once at the class", () => {
    const p = problemsOf(() => load(text(`    aa: { image: "x/a:1.0", resourceClass: gpu }\n    bb: { image: "x/b:1.0", resourceClass: web }\n    cc: { image: "x/c:1.0", resourceClass: web }\n`, "    web: { memory: lots }\n")));
    expect(p).toEqual([
      'Pulumi.homelab.yaml: homelab:resourceClasses.web.memory: memory "lots" is not a size such as 512m or 2g',
      'Pulumi.homelab.yaml: homelab:services.aa.resourceClass: unknown resource class "gpu" (declared: web)',
    ]);
  });
});

describe("ingress.aliases", () => {
  const text = (aliases: string): string =>
    stackFile(`  homelab:features: { tunnel: true, watchtower: false, ghcr: false, monitoring: false }
  homelab:cloudflare: { accountId: 0123456789abcdef0123456789abcdef, zoneId: 0123456789abcdef0123456789abcdef, zone: example.org }
  homelab:access: { emails: [me@example.org] }
  homelab:services:
    proxy: { image: "traefik:v3.7.10", port: 80, ingress: { hostname: www.example.org, aliases: [${aliases}] } }
    proxy-a-example-org: { image: "x/y:1.0", port: 80 }
`);

  it("are routed like the hostname, each under a name taken from it", async () => {
    const { evaluateStack } = await import("../../infra/plan/evaluate");
    const e = await evaluateStack({ stack: "homelab", stackFileText: text("b.example.org") });
    const routes = e.resources.filter((r) => r.type === "homelab:cloudflare:TunnelRoute").map((r) => r.name);
    expect(routes.sort()).toEqual(["route-proxy", "route-proxy-b-example-org"]);
    const apps = e.resources.filter((r) => r.type === "homelab:cloudflare:AccessApplication").map((r) => r.name);
    expect(apps.sort()).toEqual(["access-proxy", "access-proxy-b-example-org"]);
  });

  it("must lie in the zone, be unique, and not take another route's name", () => {
    const p = problemsOf(() => load(text("a.example.org, www.example.org, other.net")));
    expect(p).toEqual(
      expect.arrayContaining([
        'Pulumi.homelab.yaml: homelab:services.proxy.ingress.aliases[2]: "other.net" is not inside the zone "example.org"',
        'Pulumi.homelab.yaml: homelab:services.proxy.ingress.aliases[1]: hostname "www.example.org" is already routed by homelab:services.proxy.ingress.hostname',
      ]),
    );
    expect(problemsOf(() => load(text("a.example.org").replace("proxy-a-example-org: { image", "proxy-a-example-org: { ingress: { hostname: c.example.org }, image")))).toEqual([
      'Pulumi.homelab.yaml: homelab:services.proxy.ingress.aliases[0]: its route name "proxy-a-example-org" is already taken; rename the service',
    ]);
  });
});
