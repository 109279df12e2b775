import { decodeConfigValue, engineConfigFromStackFile } from "../../infra/context";
import { loadModel } from "../../infra/load";
import type { HomelabModel } from "../../infra/model";
import { evaluateStack } from "../../infra/plan/evaluate";
import { editStack, problemsOf } from "../support/stacks";

function load(stack: string, text: string): HomelabModel {
  const file = `Pulumi.${stack}.yaml`;
  const engine = engineConfigFromStackFile(text, file);
  const values = Object.fromEntries(Object.entries(engine.values).map(([k, v]) => [k, decodeConfigValue(v)]));
  return loadModel({ file, stack, values, secureLeaves: engine.secureLeaves });
}

type Edits = Parameters<typeof editStack>[1];
const problems = (stack: string, edits: Edits): string[] => problemsOf(() => load(stack, editStack(stack, edits)));

/** Drops the routes of the shipped homelab stack that a test does not care about. */
const ONLY_COMMANDER_ROUTED: Edits = [
  [["homelab:services", "sentinel", "ingress"], undefined],
  [["homelab:monitoring", "jaegerHostname"], undefined],
  [["homelab:monitoring", "grafanaHostname"], undefined],
];

describe("hostnames", () => {
  it("refuses a hostname outside the zone", () => {
    expect(problems("homelab", [[["homelab:services", "sentinel", "ingress", "hostname"], "sentinel.example.org"]])).toEqual([
      'Pulumi.homelab.yaml: homelab:services.sentinel.ingress.hostname: "sentinel.example.org" is not inside the zone "miravaz.com"',
    ]);
  });

  it("refuses a hostname that only ends like the zone", () => {
    expect(problems("homelab", [[["homelab:services", "sentinel", "ingress", "hostname"], "notmiravaz.com"]])).toEqual([
      'Pulumi.homelab.yaml: homelab:services.sentinel.ingress.hostname: "notmiravaz.com" is not inside the zone "miravaz.com"',
    ]);
  });

  it("refuses a hostname routed twice, across services and monitoring UIs", () => {
    expect(problems("homelab", [[["homelab:services", "sentinel", "ingress", "hostname"], "grafana.miravaz.com"]])).toEqual([
      'Pulumi.homelab.yaml: homelab:monitoring.grafanaHostname: hostname "grafana.miravaz.com" is already routed by homelab:services.sentinel.ingress.hostname',
    ]);
  });

  it("refuses a hostname that is not a DNS name", () => {
    expect(problems("homelab", [[["homelab:services", "sentinel", "ingress", "hostname"], "Sentinel_Box"]])).toEqual([
      "Pulumi.homelab.yaml: homelab:services.sentinel.ingress.hostname: must be a lowercase DNS hostname, e.g. api.example.com",
    ]);
  });

  it("refuses a hostname while the tunnel is off", () => {
    expect(problems("dev", [[["homelab:services", "sentinel", "ingress"], { hostname: "sentinel.miravaz.com" }]])).toEqual([
      "Pulumi.dev.yaml: homelab:services.sentinel.ingress.hostname: a public hostname needs the tunnel: set homelab:features.tunnel to true or remove it",
    ]);
  });
});

describe("routed ports", () => {
  it("refuses a route to a port the service does not listen on", () => {
    expect(problems("homelab", [[["homelab:services", "sentinel", "ingress", "port"], 9000]])).toEqual([
      "Pulumi.homelab.yaml: homelab:services.sentinel.ingress.port: service does not listen on 9000 (it listens on 8000); set port or expose",
    ]);
  });

  it("refuses a route with no port at all", () => {
    expect(problems("homelab", [[["homelab:services", "sentinel", "port"], undefined], [["homelab:services", "sentinel", "ports"], undefined], [["homelab:services", "sentinel", "metrics"], undefined]])).toEqual([
      "Pulumi.homelab.yaml: homelab:services.sentinel.ingress.port: give ingress.port or the service's port: the tunnel needs a port to forward to",
    ]);
  });
});

describe("Cloudflare and Access settings", () => {
  it("requires homelab:cloudflare once a hostname is routed", () => {
    expect(problems("homelab", [[["homelab:cloudflare"], undefined]])).toEqual(["Pulumi.homelab.yaml: homelab:cloudflare: the tunnel needs accountId, zoneId and zone"]);
  });

  it("requires an allow rule for the hostnames behind Access", () => {
    expect(problems("homelab", [[["homelab:access"], undefined]])).toEqual([
      "Pulumi.homelab.yaml: homelab:access: hostnames behind Cloudflare Access need at least one allow rule (emails, emailDomains or groups)",
    ]);
    expect(problems("homelab", [[["homelab:access"], { emails: [] }]])).toHaveLength(1);
  });

  it("needs no allow rule when every routed hostname is public", () => {
    const m = load("homelab", editStack("homelab", [...ONLY_COMMANDER_ROUTED, [["homelab:access"], undefined]]));
    expect(m.access).toBeUndefined();
  });

  it("refuses malformed account and zone ids", () => {
    expect(problems("homelab", [[["homelab:cloudflare", "zoneId"], "miravaz.com"]])).toEqual([
      "Pulumi.homelab.yaml: homelab:cloudflare.zoneId: must be a 32-character Cloudflare zone id, e.g. 9b8a7c6d5e4f3a2b1c0d9e8f7a6b5c4d",
    ]);
  });

  it("refuses an unknown connector host", () => {
    expect(problems("homelab", [[["homelab:cloudflare", "host"], "nas"]])).toEqual([
      // The monitoring UIs are routed by the connector, so their check names it too.
      'Pulumi.homelab.yaml: homelab:monitoring.grafanaHostname: the tunnel connector runs on host "nas" but monitoring on "server": it could not reach the UI by container name',
      'Pulumi.homelab.yaml: homelab:cloudflare.host: unknown host "nas" (declared: server)',
    ]);
  });

  it("refuses a routed service the connector cannot reach: another host", () => {
    expect(
      problems("homelab", [
        ...ONLY_COMMANDER_ROUTED,
        [["homelab:hosts", "edge"], { docker: "ssh://deploy@edge.lan" }],
        [["homelab:services", "commander", "host"], "edge"],
        [["homelab:services", "commander", "tracing"], false],
      ]),
    ).toEqual([
      'Pulumi.homelab.yaml: homelab:services.commander.ingress: the tunnel connector runs on host "server" but this service on "edge": cloudflared reaches containers by name on its own host only; move the service or set homelab:cloudflare.host',
    ]);
  });

  it("refuses a routed service the connector cannot reach: not on the default network", () => {
    expect(problems("prod", [[["homelab:services", "commander", "networks"], ["backend"]], [["homelab:services", "commander", "tracing"], false]])).toEqual([
      'Pulumi.prod.yaml: homelab:services.commander.networks: the tunnel connector is on network "miravaz-net" only: add it to this service\'s networks so cloudflared can reach "commander"',
    ]);
  });

  it("refuses a routed service whose name a routed monitoring UI already uses", () => {
    const p = problems("homelab", [
      [["homelab:services", "grafana"], { image: "nginx:1.27.3", containerName: "dashboard", port: 80, ingress: { hostname: "dash.miravaz.com" } }],
    ]);
    expect(p).toEqual([
      'Pulumi.homelab.yaml: homelab:services.grafana.ingress: the monitoring UI routed by homelab:monitoring.grafanaHostname already uses the route name "grafana"; rename the service',
    ]);
  });

  it("refuses a service taking the connector's container name", () => {
    expect(problems("homelab", [[["homelab:services", "sentinel", "containerName"], "cloudflared"]])).toEqual([
      'Pulumi.homelab.yaml: homelab:services.sentinel.containerName: container name "cloudflared" is taken by the platform\'s own container; rename the service or set containerName',
    ]);
  });
});

describe("tokens are secrets", () => {
  it.each([
    ["homelab:cloudflare", "apiToken"],
    ["homelab:github", "token"],
    ["homelab:github", "ghcrPat"],
    ["homelab:github", "pullToken"],
  ])("refuses %s.%s in plain text, without echoing it", (ns, key) => {
    const p = problems("homelab", [[[ns, key], "example-plain-token"]]);
    expect(p).toEqual([`Pulumi.homelab.yaml: ${ns}.${key}: must be a secret, not plain text: pulumi config set --secret --path '${ns}.${key}' <value>`]);
    expect(p.join("\n")).not.toContain("example-plain-token");
  });

  it("registers nothing when a token is in plain text", async () => {
    const text = editStack("homelab", [[["homelab:cloudflare", "apiToken"], "example-plain-token"]]);
    // Validation runs before the mock runtime starts, so the ConfigError comes before any registration.
    await expect(Promise.resolve().then(() => evaluateStack({ stack: "homelab", stackFileText: text }))).rejects.toThrow(
      /homelab:cloudflare\.apiToken: must be a secret/,
    );
  });
});

describe("GitHub", () => {
  it("requires github settings when services name repos and ghcr is on", () => {
    expect(problems("homelab", [[["homelab:github"], undefined]])).toEqual([
      "Pulumi.homelab.yaml: homelab:github: services with a repo need github.owner and github.ghcrPat (or set homelab:features.ghcr to false)",
    ]);
  });

  it("requires the PAT the repositories receive", () => {
    expect(problems("homelab", [[["homelab:github", "ghcrPat"], undefined]])).toEqual([
      "Pulumi.homelab.yaml: homelab:github.ghcrPat: the PAT written to each repository's GHCR secret is missing",
    ]);
  });

  it("refuses a repository outside github.owner, where the provider cannot write", () => {
    expect(problems("homelab", [[["homelab:services", "sentinel", "repo"], "someone-else/miravaz-sentinel"]])).toEqual([
      'Pulumi.homelab.yaml: homelab:services.sentinel.repo: repository owner "someone-else" is not homelab:github.owner "pedromiravaz": the secret is written under "pedromiravaz" only',
    ]);
  });

  it("compares owners case-insensitively, as GitHub does", () => {
    expect(() => load("homelab", editStack("homelab", [[["homelab:services", "sentinel", "repo"], "PedroMiravaz/miravaz-sentinel"]]))).not.toThrow();
  });

  it("refuses a repo that is not owner/name", () => {
    expect(problems("homelab", [[["homelab:services", "sentinel", "repo"], "miravaz-sentinel"]])).toEqual(["Pulumi.homelab.yaml: homelab:services.sentinel.repo: must be owner/name, e.g. owner/app"]);
  });

  it("refuses a lower-case secret name", () => {
    expect(problems("homelab", [[["homelab:github", "secretName"], "ghcr_pat"]])).toEqual(["Pulumi.homelab.yaml: homelab:github.secretName: must be an upper-case secret name, e.g. GHCR_PAT"]);
  });

  it("needs no GitHub settings with ghcr off", () => {
    expect(() => load("homelab", editStack("homelab", [[["homelab:features"], { ghcr: false }], [["homelab:github"], undefined]]))).not.toThrow();
  });
});
