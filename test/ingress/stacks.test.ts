import { tunnelRoutesRequireAccess } from "../../policies/rules/tunnel-routes-require-access";
import { SECRET_PLACEHOLDER } from "../../infra/context";
import { ingressRoutes } from "../../infra/ingress";
import { evaluateStack, SECRET_SIG, UNKNOWN, type Evaluation, type RecordedResource } from "../../infra/plan/evaluate";
import { CONTAINER, DOCKER_PROVIDER, editStack, named, ofType, SHIPPED_STACKS } from "../support/stacks";
import { runStack, type Wire } from "../policies/harness";

const TUNNEL = "cloudflare:index/zeroTrustTunnelCloudflared:ZeroTrustTunnelCloudflared";
const TUNNEL_CONFIG = "cloudflare:index/zeroTrustTunnelCloudflaredConfig:ZeroTrustTunnelCloudflaredConfig";
const DNS = "cloudflare:index/dnsRecord:DnsRecord";
const ACCESS_APP = "cloudflare:index/zeroTrustAccessApplication:ZeroTrustAccessApplication";
const ACCESS_POLICY = "cloudflare:index/zeroTrustAccessPolicy:ZeroTrustAccessPolicy";
const ACTIONS_SECRET = "github:index/actionsSecret:ActionsSecret";
const CF_PROVIDER = "pulumi:providers:cloudflare";
const GH_PROVIDER = "pulumi:providers:github";

type Rule = { hostname?: string; service: string; originRequest?: Record<string, unknown> };
type Secret = Record<string, unknown>;

const isSecret = (v: unknown): v is Secret => typeof v === "object" && v !== null && (v as Secret)[SECRET_SIG] !== undefined;
const providerOf = (e: Evaluation, type: string): RecordedResource => {
  const ps = ofType(e.resources, type);
  expect(ps).toHaveLength(1);
  return ps[0];
};
const usesProvider = (r: RecordedResource, p: RecordedResource): boolean => r.provider?.startsWith(`${p.urn}::`) ?? false;

/** What each shipped stack routes: hostname -> [origin, public]. */
const EXPECTED: Record<"homelab" | "prod", Record<string, [string, boolean]>> = {
  homelab: {
    "api.miravaz.com": ["http://commander:8000", true],
    "sentinel.miravaz.com": ["http://sentinel:8000", false],
    "grafana.miravaz.com": ["http://grafana:3000", false],
    "trace.miravaz.com": ["http://jaeger:16686", false],
  },
  prod: {
    "api.miravaz.cloud": ["http://commander:8000", true],
    "grafana.miravaz.cloud": ["http://grafana:3000", false],
  },
};
const EXPECTED_REPOS = ["miravaz-commander", "miravaz-sentinel"];

const evaluations = new Map<string, Evaluation>();
beforeAll(async () => {
  for (const s of SHIPPED_STACKS) evaluations.set(s, await evaluateStack({ stack: s }));
});
const ev = (s: string): Evaluation => evaluations.get(s)!;

describe.each(["homelab", "prod"] as const)("%s: tunnel", (stack) => {
  it("creates one remotely managed tunnel with a secret tunnel secret, through the stack's one Cloudflare provider", () => {
    const e = ev(stack);
    const provider = providerOf(e, CF_PROVIDER);
    expect(isSecret(provider.inputs.apiToken)).toBe(true);
    const tunnels = ofType(e.resources, TUNNEL);
    expect(tunnels).toHaveLength(1);
    const t = tunnels[0];
    expect(t.inputs).toMatchObject({ accountId: e.model.cloudflare!.accountId, name: e.model.cloudflare!.tunnelName, configSrc: "cloudflare" });
    expect(isSecret(t.inputs.tunnelSecret)).toBe(true);
    // The secret comes from @pulumi/random, inside the Tunnel component.
    const secret = named(e.resources, "tunnel-secret");
    expect(secret.type).toBe("random:index/randomBytes:RandomBytes");
    expect(secret.inputs.length).toBe(32);
    expect(t.dependencies).toContain(secret.urn);
    const component = named(e.resources, "tunnel");
    expect(component.type).toBe("homelab:cloudflare:Tunnel");
    expect(t.parent).toBe(component.urn);
    for (const r of e.resources.filter((x) => x.type.startsWith("cloudflare:"))) expect(usesProvider(r, provider)).toBe(true);
  });

  it("writes exactly one tunnel config: one rule per routed hostname, then the 404 catch-all", () => {
    const e = ev(stack);
    const configs = ofType(e.resources, TUNNEL_CONFIG);
    expect(configs).toHaveLength(1);
    const c = configs[0];
    expect(c.inputs.tunnelId).toBe(UNKNOWN);
    expect(c.dependencies).toContain(named(e.resources, "tunnel-cloudflared").urn);
    const rules = (c.inputs.config as { ingresses: Rule[] }).ingresses;
    // Cloudflare's documented catch-all: no hostname, answer 404.
    expect(rules[rules.length - 1]).toEqual({ service: "http_status:404" });
    const routed = Object.fromEntries(rules.slice(0, -1).map((r) => [r.hostname, r.service]));
    expect(routed).toEqual(Object.fromEntries(Object.entries(EXPECTED[stack]).map(([h, [svc]]) => [h, svc])));
    expect(rules.slice(0, -1).every((r) => r.originRequest === undefined)).toBe(true);
  });

  it("points one proxied CNAME per hostname at the tunnel, labelled public or protected", () => {
    const e = ev(stack);
    const tunnel = named(e.resources, "tunnel-cloudflared");
    const records = ofType(e.resources, DNS);
    expect(records.map((r) => r.inputs.name).sort()).toEqual(Object.keys(EXPECTED[stack]).sort());
    for (const r of records) {
      const [, isPublic] = EXPECTED[stack][r.inputs.name as string];
      expect(r.inputs).toEqual({
        zoneId: e.model.cloudflare!.zoneId,
        name: r.inputs.name,
        type: "CNAME",
        // `<tunnel id>.cfargotunnel.com`: unknown until the tunnel exists, never invented in a plan.
        content: UNKNOWN,
        proxied: true,
        ttl: 1,
        comment: isPublic ? "homelab:tunnel-route:public" : "homelab:tunnel-route:protected",
      });
      expect(r.dependencies).toContain(tunnel.urn);
      expect(named(e.resources, r.parent!.split("::").pop()!).type).toBe("homelab:cloudflare:TunnelRoute");
    }
  });

  it("puts Access in front of exactly the hostnames not marked public, before their DNS record exists", () => {
    const e = ev(stack);
    const protectedHosts = Object.entries(EXPECTED[stack]).filter(([, [, pub]]) => !pub).map(([h]) => h);
    const apps = ofType(e.resources, ACCESS_APP);
    expect(apps.map((a) => a.inputs.domain).sort()).toEqual([...protectedHosts].sort());
    const policies = ofType(e.resources, ACCESS_POLICY);
    expect(policies).toHaveLength(apps.length);
    const a = e.model.access!;
    const includes = [...(a.emails ?? []).map((email) => ({ email: { email } })), ...(a.emailDomains ?? []).map((domain) => ({ emailDomain: { domain } }))];
    for (const app of apps) {
      expect(app.inputs).toMatchObject({ type: "self_hosted", name: app.inputs.domain, accountId: e.model.cloudflare!.accountId });
      const policy = policies.find((p) => p.parent === app.parent)!;
      expect(policy.inputs).toMatchObject({ decision: "allow", includes });
      // Attached by reference: the app lists the reusable policy's id.
      expect(app.inputs.policies).toEqual([{ id: UNKNOWN, precedence: 1 }]);
      expect(app.dependencies).toContain(policy.urn);
      const record = ofType(e.resources, DNS).find((r) => r.inputs.name === app.inputs.domain)!;
      expect(record.dependencies).toContain(app.urn);
    }
  });

  it("runs the cloudflared connector on the platform host's default network with its token as a secret", () => {
    const e = ev(stack);
    const c = named(e.resources, "tunnel-connector-container");
    expect(c.type).toBe(CONTAINER);
    expect(c.inputs.name).toBe("cloudflared");
    // Pinned to a dated cloudflared release, never `latest`.
    expect(named(e.resources, "tunnel-connector-image").inputs.name).toMatch(/^cloudflare\/cloudflared:20\d{2}\.\d+\.\d+$/);
    expect(c.inputs.command).toEqual(["tunnel", "--no-autoupdate", "--metrics", "0.0.0.0:2000", "run"]);
    expect(c.inputs.networksAdvanced).toEqual([{ name: e.model.defaultNetwork, aliases: ["cloudflared"] }]);
    expect(c.inputs.ports).toEqual([]);
    expect(c.inputs.restart).toBe(e.model.profile.restart);
    // What the policy pack asks of every container.
    expect(c.inputs).toMatchObject({ memory: 128, cpus: "0.5", readOnly: true, privileged: false, securityOpts: ["no-new-privileges:true"], capabilities: { adds: [], drops: ["ALL"] } });
    expect((c.inputs.healthcheck as { tests: string[] }).tests).toEqual(["CMD", "cloudflared", "tunnel", "--metrics", "localhost:2000", "ready"]);
    const docker = named(ofType(e.resources, DOCKER_PROVIDER), `${e.model.hosts[0].name}-docker`);
    expect(usesProvider(c, docker)).toBe(true);
    const envs = c.inputs.envs as unknown[];
    // TUNNEL_TOKEN is its only variable, and it only exists as a secret (its value unknown before deploy).
    expect(envs).toHaveLength(1);
    expect(isSecret(envs[0])).toBe(true);
    expect(JSON.stringify(envs)).not.toContain("TUNNEL_TOKEN");
    expect(c.dependencies).toContain(named(e.resources, "tunnel-cloudflared").urn);
  });
});

describe.each(["homelab", "prod"] as const)("%s: GHCR secrets", (stack) => {
  it("writes the GHCR token as a secret into each service repository, through one GitHub provider", () => {
    const e = ev(stack);
    const provider = providerOf(e, GH_PROVIDER);
    expect(provider.inputs.owner).toBe("pedromiravaz");
    expect(isSecret(provider.inputs.token)).toBe(true);
    const secrets = ofType(e.resources, ACTIONS_SECRET);
    expect(secrets.map((s) => s.inputs.repository).sort()).toEqual(EXPECTED_REPOS);
    for (const s of secrets) {
      expect(s.inputs.secretName).toBe("GHCR_PAT");
      expect(s.inputs.value).toEqual({ [SECRET_SIG]: expect.any(String), value: SECRET_PLACEHOLDER });
      expect(s.inputs.plaintextValue).toBeUndefined();
      expect(usesProvider(s, provider)).toBe(true);
      expect(named(e.resources, s.parent!.split("::").pop()!).type).toBe("homelab:github:GhcrRepoSecret");
    }
  });
});

describe("secrets stay secret", () => {
  /** Every string in a value that is not inside a secret marker. */
  const plainStrings = (v: unknown): string[] => {
    if (typeof v === "string") return [v];
    if (isSecret(v)) return [];
    if (Array.isArray(v)) return v.flatMap(plainStrings);
    if (v && typeof v === "object") return Object.values(v).flatMap(plainStrings);
    return [];
  };

  it.each(SHIPPED_STACKS)("%s: no secure value appears outside a secret marker, in inputs or outputs", (stack) => {
    const e = ev(stack);
    const plain = [...e.resources.flatMap((r) => plainStrings(r.inputs)), ...plainStrings(e.outputs)];
    expect(plain.filter((s) => s.includes(SECRET_PLACEHOLDER))).toEqual([]);
    expect(JSON.stringify(e.outputs)).not.toContain(SECRET_PLACEHOLDER);
    expect(JSON.stringify(e.resources)).not.toMatch(/example-/);
  });

  it("the secure values do reach the resources (as secrets), so the check above is not vacuous", () => {
    const secrets = ev("homelab").resources.flatMap((r) => Object.values(r.inputs).filter(isSecret));
    expect(secrets.some((s) => s.value === SECRET_PLACEHOLDER)).toBe(true);
  });
});

describe("dev", () => {
  it("registers no Cloudflare, GitHub or tunnel resource and no provider for them", () => {
    const types = ev("dev").resources.map((r) => r.type);
    expect(types.filter((t) => /^(cloudflare:|github:|pulumi:providers:(cloudflare|github)$|homelab:(cloudflare|github):)/.test(t))).toEqual([]);
    expect(types).not.toContain("random:index/randomBytes:RandomBytes");
    expect(ofType(ev("dev").resources, CONTAINER).map((c) => c.inputs.name)).not.toContain("cloudflared");
  });

  it("switching the tunnel on without any hostname still registers nothing from Cloudflare", async () => {
    const e = await evaluateStack({ stack: "dev", stackFileText: editStack("dev", [[["homelab:features"], { tunnel: true }]]) });
    expect(e.model.features.tunnel).toBe(true);
    expect(e.resources.filter((r) => /cloudflare/.test(r.type))).toEqual([]);
  });
});

describe("variations", () => {
  const evalEdit = (stack: string, edits: Parameters<typeof editStack>[1]): Promise<Evaluation> => evaluateStack({ stack, stackFileText: editStack(stack, edits) });

  it("without an API token in config, the provider gets none (it reads CLOUDFLARE_API_TOKEN)", async () => {
    const e = await evalEdit("homelab", [[["homelab:cloudflare", "apiToken"], undefined]]);
    expect(providerOf(e, CF_PROVIDER).inputs.apiToken).toBeUndefined();
  });

  it("a hostname marked public gets no Access application; nothing else changes", async () => {
    const e = await evalEdit("homelab", [[["homelab:services", "sentinel", "ingress", "public"], true]]);
    expect(ofType(e.resources, ACCESS_APP).map((a) => a.inputs.domain).sort()).toEqual(["grafana.miravaz.com", "trace.miravaz.com"]);
    expect(ofType(e.resources, DNS).find((r) => r.inputs.name === "sentinel.miravaz.com")!.inputs.comment).toBe("homelab:tunnel-route:public");
  });

  it("the policy pack flags every protected route of the shipped homelab stack once its Access applications are gone", () => {
    const e = ev("homelab");
    const withoutAccess = e.resources
      .filter((r) => r.type !== ACCESS_APP)
      .map((r) => ({ type: r.type, name: r.name, props: r.inputs as Wire }));
    const flagged = runStack(tunnelRoutesRequireAccess, withoutAccess).map((v) => v.message).sort();
    expect(flagged).toEqual([
      "grafana.miravaz.com is routed through the tunnel without a Cloudflare Access application.",
      "sentinel.miravaz.com is routed through the tunnel without a Cloudflare Access application.",
      "trace.miravaz.com is routed through the tunnel without a Cloudflare Access application.",
    ]);
    // With the Access applications in place, nothing is flagged.
    expect(runStack(tunnelRoutesRequireAccess, e.resources.map((r) => ({ type: r.type, name: r.name, props: r.inputs as Wire })))).toEqual([]);
  });

  it("public: false is the same as leaving it out: behind Access", async () => {
    const e = await evalEdit("homelab", [[["homelab:services", "commander", "ingress", "public"], false]]);
    expect(ofType(e.resources, ACCESS_APP).map((a) => a.inputs.domain)).toContain("api.miravaz.com");
  });

  it("allows email domains and identity-provider groups, and uses the configured session length", async () => {
    const e = await evalEdit("homelab", [
      [["homelab:access"], { emailDomains: ["miravaz.com"], groups: [{ identityProviderId: "idp-1", id: "group-1" }], sessionDuration: "8h" }],
    ]);
    const policy = named(e.resources, "access-sentinel-policy");
    expect(policy.inputs.includes).toEqual([{ emailDomain: { domain: "miravaz.com" } }, { azureAd: { id: "group-1", identityProviderId: "idp-1" } }]);
    expect(named(e.resources, "access-sentinel-app").inputs.sessionDuration).toBe("8h");
  });

  it("forwards https origins without certificate verification and ingress.port over port", async () => {
    const e = await evalEdit("homelab", [[["homelab:services", "sentinel", "ingress"], { hostname: "sentinel.miravaz.com", scheme: "https", port: 8443 }], [["homelab:services", "sentinel", "expose"], [8443]]]);
    const rules = (ofType(e.resources, TUNNEL_CONFIG)[0].inputs.config as { ingresses: Rule[] }).ingresses;
    expect(rules.find((r) => r.hostname === "sentinel.miravaz.com")).toEqual({ hostname: "sentinel.miravaz.com", service: "https://sentinel:8443", originRequest: { noTlsVerify: true } });
  });

  it("routes to the container name, not the service key", async () => {
    const e = await evalEdit("homelab", [[["homelab:services", "sentinel", "containerName"], "miravaz-sentinel"]]);
    const rules = (ofType(e.resources, TUNNEL_CONFIG)[0].inputs.config as { ingresses: Rule[] }).ingresses;
    expect(rules.find((r) => r.hostname === "sentinel.miravaz.com")!.service).toBe("http://miravaz-sentinel:8000");
  });

  it("uses the configured secret name and one secret per repository even when services share one", async () => {
    const e = await evalEdit("homelab", [
      [["homelab:github", "secretName"], "REGISTRY_TOKEN"],
      [["homelab:services", "sentinel", "repo"], "pedromiravaz/miravaz-commander"],
    ]);
    const secrets = ofType(e.resources, ACTIONS_SECRET);
    expect(secrets.map((s) => [s.inputs.repository, s.inputs.secretName])).toEqual([["miravaz-commander", "REGISTRY_TOKEN"]]);
  });

  it("with ghcr off, registers no GitHub resource even though services name repos", async () => {
    const e = await evalEdit("homelab", [[["homelab:features"], { ghcr: false }]]);
    expect(e.resources.filter((r) => /github/.test(r.type))).toEqual([]);
    // ...while the tunnel is still there.
    expect(ofType(e.resources, TUNNEL)).toHaveLength(1);
  });

  it("with the tunnel off, registers no Cloudflare resource and drops the hostnames", async () => {
    const e = await evalEdit("homelab", [
      [["homelab:features"], { tunnel: false }],
      [["homelab:services", "commander", "ingress"], undefined],
      [["homelab:services", "sentinel", "ingress"], undefined],
      [["homelab:monitoring", "jaegerHostname"], undefined],
      [["homelab:monitoring", "grafanaHostname"], undefined],
    ]);
    expect(e.resources.filter((r) => /cloudflare/.test(r.type))).toEqual([]);
    expect(ofType(e.resources, ACTIONS_SECRET)).toHaveLength(2);
  });

  it("runs the connector on homelab:cloudflare.host", async () => {
    const e = await evalEdit("homelab", [
      [["homelab:hosts", "edge"], { docker: "ssh://deploy@edge.lan" }],
      [["homelab:cloudflare", "host"], "edge"],
      [["homelab:services", "commander", "host"], "edge"],
      [["homelab:services", "commander", "tracing"], false],
      [["homelab:services", "sentinel", "ingress"], undefined],
      [["homelab:monitoring", "jaegerHostname"], undefined],
      [["homelab:monitoring", "grafanaHostname"], undefined],
    ]);
    const c = named(e.resources, "tunnel-connector-container");
    expect(usesProvider(c, named(e.resources, "edge-docker"))).toBe(true);
    expect(c.dependencies).toContain(named(e.resources, "edge-miravaz-net-network").urn);
  });
});

describe("ingressRoutes", () => {
  it("never publishes a monitoring UI, whatever the route says", async () => {
    const { model } = ev("homelab");
    const routes = ingressRoutes(model, [{ key: "grafana", hostname: "grafana.miravaz.com", service: "http://grafana:3000", public: true }]);
    expect(routes.find((r) => r.key === "grafana")!.public).toBe(false);
    expect(routes.find((r) => r.key === "commander")!.public).toBe(true);
  });
});
