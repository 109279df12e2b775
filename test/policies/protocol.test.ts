/**
 * The pack as the engine sees it: each stack starts its own pack process
 * (run-policy-pack in policies/, port read from stdout), gets ConfigureStack and
 * Configure with policies/config/<stack>.json, then Analyze and AnalyzeStack
 * over gRPC with the generated stubs. Levels come back from the pack, so a
 * mistake in a config file or in the pack's own defaults shows here.
 */
import * as fs from "fs";
import * as path from "path";
import {
  loadPolicyPackConfig,
  secret,
  stackPolicyConfigPath,
  startPolicyPack,
  UNKNOWN_VALUE,
  type AnalyzerResourceInput,
  type EnforcementLevel,
  type PolicyDiagnostic,
  type PolicyPackClient,
} from "../../infra/plan/analyzer";
import { compliantContainer, T, type Wire } from "./harness";

jest.setTimeout(240_000);

const PACK_DIR = path.resolve(__dirname, "../../policies");
const STACKS = ["dev", "homelab", "prod"] as const;
type Stack = (typeof STACKS)[number];

const packs = new Map<Stack, PolicyPackClient>();

beforeAll(async () => {
  const started = await Promise.all(
    STACKS.map((stack) =>
      startPolicyPack({ packDir: PACK_DIR, config: stackPolicyConfigPath(PACK_DIR, stack), stack: { stack, project: "homelab" } }),
    ),
  );
  STACKS.forEach((s, i) => packs.set(s, started[i]));
});
afterAll(async () => {
  await Promise.all([...packs.values()].map((p) => p.close()));
});

const pack = (s: Stack): PolicyPackClient => packs.get(s)!;

/** The level a stack's config file gives a policy (a bare level or `{enforcementLevel}`), else the pack's own. */
function configuredLevel(stack: Stack, policy: string): EnforcementLevel {
  const config = loadPolicyPackConfig(stackPolicyConfigPath(PACK_DIR, stack));
  return config[policy]?.enforcementLevel ?? pack(stack).info.policies.find((p) => p.name === policy)!.enforcementLevel;
}

let counter = 0;
function container(patch: Wire): AnalyzerResourceInput {
  const name = `web${++counter}`;
  return {
    urn: `urn:pulumi:test::homelab::homelab:docker:Service$docker:index/container:Container::${name}`,
    type: T.container,
    name,
    properties: { ...compliantContainer(), ...patch },
    provider: "urn:pulumi:test::homelab::pulumi:providers:docker::server-docker::04da6b54-80e4-46f7-96ec-b56ff0331ba9",
  };
}

const byPolicy = (ds: readonly PolicyDiagnostic[], policy: string) => ds.filter((d) => d.policyName === policy);

describe("GetAnalyzerInfo", () => {
  test("names the pack, its version and one policy per rule file, each with metadata", () => {
    const info = pack("dev").info;
    const version = (JSON.parse(fs.readFileSync(path.join(PACK_DIR, "package.json"), "utf8")) as { version: string }).version;
    expect(info.name).toBe("homelab-guard");
    expect(info.version).toBe(version);
    const files = fs.readdirSync(path.join(PACK_DIR, "rules")).filter((f) => f.endsWith(".ts")).map((f) => f.replace(/\.ts$/, ""));
    expect(info.policies.map((p) => p.name).sort()).toEqual(files.sort());
    for (const p of info.policies) {
      expect(p.description.length).toBeGreaterThan(10);
      expect(p.remediationSteps.length).toBeGreaterThan(10);
    }
    expect(info.policies.find((p) => p.name === "no-public-ports")!.enforcementLevel).toBe("mandatory");
  });

  test("every stack config names only policies of the pack and sets no-public-ports mandatory", () => {
    const names = pack("dev").info.policies.map((p) => p.name);
    for (const stack of STACKS) {
      const config = loadPolicyPackConfig(stackPolicyConfigPath(PACK_DIR, stack), names);
      expect(config["no-public-ports"].enforcementLevel).toBe("mandatory");
    }
  });
});

describe.each(STACKS)("Analyze with policies/config/%s.json", (stack) => {
  test("a compliant container gets no diagnostic", async () => {
    expect(await pack(stack).analyze(container({}))).toEqual([]);
  });

  test("a port with no host ip is a mandatory no-public-ports violation naming the resource", async () => {
    const r = container({ ports: [{ internal: 8080, external: 8080, protocol: "tcp" }] });
    const ds = byPolicy(await pack(stack).analyze(r), "no-public-ports");
    expect(ds).toHaveLength(1);
    expect(ds[0]).toMatchObject({ policyPackName: "homelab-guard", enforcementLevel: "mandatory", urn: r.urn });
    expect(ds[0].message).toMatch(/all interfaces/);
  });

  test.each([["0.0.0.0"], ["::"], ["[::]"], ["*"]])("host ip %s fails", async (ip) => {
    const ds = byPolicy(await pack(stack).analyze(container({ ports: [{ internal: 80, external: 8080, ip }] })), "no-public-ports");
    expect(ds.map((d) => d.enforcementLevel)).toEqual(["mandatory"]);
  });

  test("a LAN address passes only where the stack allows private addresses", async () => {
    const ds = byPolicy(await pack(stack).analyze(container({ ports: [{ internal: 8000, external: 8001, ip: "192.168.1.20" }] })), "no-public-ports");
    const config = loadPolicyPackConfig(stackPolicyConfigPath(PACK_DIR, stack));
    expect(ds.length).toBe(config["no-public-ports"].properties["allowPrivate"] === true ? 0 : 1);
  });

  test("an ip unknown during preview is not judged yet", async () => {
    expect(byPolicy(await pack(stack).analyze(container({ ports: [{ internal: 80, external: 8080, ip: UNKNOWN_VALUE }] })), "no-public-ports")).toEqual([]);
  });

  test("a privileged container is reported at the stack's level", async () => {
    const ds = byPolicy(await pack(stack).analyze(container({ privileged: true })), "no-privileged-containers");
    expect(ds.map((d) => d.enforcementLevel)).toEqual([configuredLevel(stack, "no-privileged-containers")]);
  });

  test("a missing memory limit is reported at the stack's level", async () => {
    const ds = byPolicy(await pack(stack).analyze(container({ memory: undefined })), "require-memory-limit");
    expect(ds.map((d) => d.enforcementLevel)).toEqual([configuredLevel(stack, "require-memory-limit")]);
  });

  test("an Actions secret from a plain value fails, from a secret passes", async () => {
    const secretOf = (value: Wire[string], name: string): AnalyzerResourceInput => ({
      urn: `urn:pulumi:test::homelab::github:index/actionsSecret:ActionsSecret::${name}`,
      type: T.actionsSecret,
      name,
      properties: { repository: "miravaz-sentinel", secretName: "GHCR_PAT", plaintextValue: value },
    });
    const plain = byPolicy(await pack(stack).analyze(secretOf("ghp_example", "plain")), "actions-secret-from-secret");
    expect(plain.map((d) => d.enforcementLevel)).toEqual([configuredLevel(stack, "actions-secret-from-secret")]);
    expect(plain[0].message).not.toContain("ghp_example");
    expect(await pack(stack).analyze(secretOf(secret("ghp_example"), "wrapped"))).toEqual([]);
  });
});

describe.each(STACKS)("tunnel resources with policies/config/%s.json", (stack) => {
  const tunnelConfig = (ingresses: Wire[]): AnalyzerResourceInput => ({
    urn: "urn:pulumi:test::homelab::homelab:cloudflare:Tunnel$cloudflare:index/zeroTrustTunnelCloudflaredConfig:ZeroTrustTunnelCloudflaredConfig::tunnel-config",
    type: T.tunnelConfig,
    name: "tunnel-config",
    properties: { accountId: "acc", tunnelId: UNKNOWN_VALUE, source: "cloudflare", config: { ingresses } },
  });
  const route = (hostname: string, comment?: string): AnalyzerResourceInput => ({
    urn: `urn:pulumi:test::homelab::homelab:cloudflare:TunnelRoute$cloudflare:index/dnsRecord:DnsRecord::${hostname}-dns`,
    type: T.dnsRecord,
    name: `${hostname}-dns`,
    properties: { zoneId: "zone", name: hostname, type: "CNAME", content: "0f3c.cfargotunnel.com", proxied: true, ttl: 1, ...(comment ? { comment } : {}) },
  });
  const access = (domain: string): AnalyzerResourceInput => ({
    urn: `urn:pulumi:test::homelab::homelab:cloudflare:AccessApplication$cloudflare:index/zeroTrustAccessApplication:ZeroTrustAccessApplication::${domain}-app`,
    type: T.access,
    name: `${domain}-app`,
    properties: { accountId: "acc", domain, type: "self_hosted" },
  });

  test("Analyze: a tunnel config without the final 404 catch-all is reported at the stack's level", async () => {
    const bad = tunnelConfig([{ hostname: "api.miravaz.com", service: "http://commander:8000" }]);
    const ds = byPolicy(await pack(stack).analyze(bad), "tunnel-catch-all-404");
    expect(ds.map((d) => [d.enforcementLevel, d.urn])).toEqual([[configuredLevel(stack, "tunnel-catch-all-404"), bad.urn]]);
    const good = tunnelConfig([{ hostname: "api.miravaz.com", service: "http://commander:8000" }, { service: "http_status:404" }]);
    expect(await pack(stack).analyze(good)).toEqual([]);
  });

  test("AnalyzeStack runs stack policies only: a routed hostname needs Access unless marked public", async () => {
    const grafana = route("grafana.miravaz.com");
    const api = route("api.miravaz.com", "homelab:tunnel-route:public");
    const bad = tunnelConfig([{ hostname: "api.miravaz.com", service: "http://commander:8000" }]);
    const ds = await pack(stack).analyzeStack([grafana, api, bad]);
    // The resource policy (catch-all) is Analyze's business, not AnalyzeStack's.
    expect(ds.map((d) => [d.policyName, d.enforcementLevel, d.urn])).toEqual([
      ["tunnel-routes-require-access", configuredLevel(stack, "tunnel-routes-require-access"), grafana.urn],
    ]);
    expect(await pack(stack).analyzeStack([grafana, api, access("grafana.miravaz.com")])).toEqual([]);
  });

  test("AnalyzeStack: a container mounting the Docker socket is judged by its image", async () => {
    const sock = container({ volumes: [{ hostPath: "/var/run/docker.sock", containerPath: "/var/run/docker.sock", readOnly: true }] });
    const ds = byPolicy(await pack(stack).analyzeStack([sock]), "no-sensitive-mounts");
    expect(ds.map((d) => [d.enforcementLevel, d.urn])).toEqual([[configuredLevel(stack, "no-sensitive-mounts"), sock.urn]]);
  });

  test("AnalyzeStack: the provider travels with each resource, so two writers of a volume count only on one host", async () => {
    const volume = { volumes: [{ volumeName: "app-data", containerPath: "/data" }] };
    const a = container(volume);
    const b = container(volume);
    const ds = byPolicy(await pack(stack).analyzeStack([a, b]), "no-shared-writable-volumes");
    expect(ds.map((d) => [d.enforcementLevel, d.urn])).toEqual([
      [configuredLevel(stack, "no-shared-writable-volumes"), a.urn],
      [configuredLevel(stack, "no-shared-writable-volumes"), b.urn],
    ]);
    const elsewhere = { ...container(volume), provider: "urn:pulumi:test::homelab::pulumi:providers:docker::vps-docker::5b2d1c4e-0f3a-4f7e-9d6b-2a8c9e1f4b70" };
    expect(byPolicy(await pack(stack).analyzeStack([a, elsewhere]), "no-shared-writable-volumes")).toEqual([]);
  });
});

describe("Configure", () => {
  test("a later Configure changes the level the pack reports, as a new stack config would", async () => {
    const p = pack("dev");
    const privileged = container({ privileged: true });
    try {
      await p.configure({ "no-privileged-containers": { enforcementLevel: "disabled", properties: {} } });
      expect(byPolicy(await p.analyze(privileged), "no-privileged-containers")).toEqual([]);
      await p.configure({ "no-privileged-containers": { enforcementLevel: "mandatory", properties: {} } });
      expect(byPolicy(await p.analyze(privileged), "no-privileged-containers").map((d) => d.enforcementLevel)).toEqual(["mandatory"]);
    } finally {
      await p.configure(loadPolicyPackConfig(stackPolicyConfigPath(PACK_DIR, "dev")));
    }
  });

  test("a setting the policy does not have is refused before the pack is called", async () => {
    await expect(pack("dev").configure({ "no-public-ports": { properties: { allowEverything: true } } })).rejects.toThrow(/no-public-ports\.allowEverything is not a setting/);
  });

  test("a list item that breaks its schema's pattern is refused, as the engine's schema check does", async () => {
    const config = { "no-sensitive-mounts": { properties: { extraSensitivePaths: ["/srv/secrets", "backups", ""] } } };
    await expect(pack("dev").configure(config)).rejects.toThrow("no-sensitive-mounts.extraSensitivePaths[1] must match ^/; no-sensitive-mounts.extraSensitivePaths[2] must match ^/");
  });
});
