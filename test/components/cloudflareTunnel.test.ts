/**
 * CloudflareTunnel alone: the tunnel, its secret, the token lookup, the connector (a container, or a Swarm
 * service with `swarm`) and the one tunnel configuration `setIngress` writes. The mocks hand out ids, as a
 * real `pulumi up` would, so the tunnel id can be followed into the CNAME target, the config and the token.
 */
import * as cloudflare from "@pulumi/cloudflare";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { CloudflareTunnel } from "../../components/cloudflareTunnel";
import { TunnelRoute } from "../../components/tunnelRoute";
import type { RecordedResource } from "../../infra/plan/evaluate";
import { named, recordByUrn, secret, type Recorded } from "./support";

const TUNNEL_ID = "f70ff985-a4ef-4643-bbbc-4a0ed4fc8415";
const LAN_ID = "5e0c8d1a-2b3f-4c6d-9e8a-7f1b2c3d4e5f";
const EDGE_ID = "0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d";
const MESH_ID = "7d6c5b4a-3f2e-4d1c-8b0a-9f8e7d6c5b4a";
const TOKEN_CALL = "cloudflare:index/getZeroTrustTunnelCloudflaredToken:getZeroTrustTunnelCloudflaredToken";
const CF_PROVIDER = "urn:pulumi:unit::homelab::pulumi:pulumi:Stack$pulumi:providers:cloudflare::cf::cf-id";
const LOCAL_PROVIDER = "urn:pulumi:unit::homelab::pulumi:pulumi:Stack$pulumi:providers:docker::local::local-id";
const MANAGER_PROVIDER = "urn:pulumi:unit::homelab::pulumi:pulumi:Stack$pulumi:providers:docker::manager::manager-id";
const STACK_URN = "urn:pulumi:unit::homelab::pulumi:pulumi:Stack::homelab-unit";
const TUNNEL_URN = "urn:pulumi:unit::homelab::pulumi:pulumi:Stack$homelab:cloudflare:Tunnel::tunnel";
const LAN_URN = "urn:pulumi:unit::homelab::pulumi:pulumi:Stack$homelab:cloudflare:Tunnel::lan";
const EDGE_URN = "urn:pulumi:unit::homelab::pulumi:pulumi:Stack$homelab:cloudflare:Tunnel::edge";
const CLOUDFLARED = "urn:pulumi:unit::homelab::homelab:cloudflare:Tunnel$cloudflare:index/zeroTrustTunnelCloudflared:ZeroTrustTunnelCloudflared";
const NO_OPTIONS = { protect: false, retainOnDelete: false, deleteBeforeReplace: false, ignoreChanges: [], replaceOnChanges: [] };

const TUNNEL_IDS: Readonly<Record<string, string>> = { "tunnel-cloudflared": TUNNEL_ID, "lan-cloudflared": LAN_ID, "edge-cloudflared": EDGE_ID, "mesh-cloudflared": MESH_ID };
const calls: pulumi.runtime.MockCallArgs[] = [];
const mocks: pulumi.runtime.Mocks = {
  newResource: (args) => {
    const computed: Record<string, string> =
      args.type === "random:index/randomBytes:RandomBytes"
        ? { base64: `${args.name}-base64` }
        : args.type === "docker:index/remoteImage:RemoteImage"
          ? { imageId: `${args.name}-sha` }
          : {};
    return { id: TUNNEL_IDS[args.name] ?? `${args.name}-id`, state: { ...args.inputs, ...computed } };
  },
  call: (args) => {
    calls.push(args);
    return args.token === TOKEN_CALL ? { token: `token-of-${String(args.inputs.tunnelId)}` } : {};
  },
};

const ROLLOUT = { parallelism: 1, delay: "10s", order: "start-first", failureAction: "rollback", monitor: "30s", maxFailureRatio: 0 } as const;

interface Built {
  readonly tunnel: CloudflareTunnel;
  readonly edge: CloudflareTunnel;
  /** What a second `setIngress` on the same tunnel threw. */
  readonly second: unknown;
}

function program(): Built {
  const cf = new cloudflare.Provider("cf", {});
  const local = new docker.Provider("local", {});
  const manager = new docker.Provider("manager", {});
  const net = new docker.Network("net", { name: "homelab-unit" }, { provider: local });
  const overlay = new docker.Network("overlay", { name: "homelab-overlay", driver: "overlay" }, { provider: manager });

  // A container connector that waits for the network it joins, with two routes.
  const tunnel = new CloudflareTunnel("tunnel", {
    accountId: "acct",
    tunnelName: "homelab-unit",
    cloudflareProvider: cf,
    dockerProvider: local,
    network: "homelab-unit",
    stack: "unit",
    restart: "unless-stopped",
    logMaxSize: "10m",
    logMaxFiles: 3,
    after: [net],
  });
  const routes = ["app", "blog"].map(
    (k) => new TunnelRoute(`route-${k}`, { hostname: `${k}.example.net`, service: `http://${k}:80`, public: false, zoneId: "zone", cnameTarget: tunnel.cnameTarget, provider: cf }),
  );
  tunnel.setIngress(routes);
  let second: unknown;
  try {
    tunnel.setIngress(routes);
  } catch (e) {
    second = e;
  }

  // A container connector with its own image and nothing to wait for, and no route at all.
  const lan = new CloudflareTunnel("lan", {
    accountId: "acct",
    tunnelName: "lan",
    cloudflareProvider: cf,
    dockerProvider: local,
    network: "lan-net",
    stack: "unit",
    restart: "always",
    logMaxSize: "1m",
    logMaxFiles: 1,
    image: "cloudflare/cloudflared:2025.10.0",
  });
  lan.setIngress([]);

  // The connector as a Swarm service, waiting for its overlay network; secrets as files for the
  // service's own, never for the token.
  const swarm = {
    replicas: 2,
    constraints: ["node.role==manager"],
    spread: [],
    maxReplicasPerNode: 1,
    secretsAs: "files",
    pinnedHost: undefined,
    update: ROLLOUT,
    rollback: { ...ROLLOUT, delay: "0s", failureAction: "pause" },
  } as const;
  const edge = new CloudflareTunnel("edge", {
    accountId: "acct2",
    tunnelName: "edge",
    cloudflareProvider: cf,
    dockerProvider: manager,
    network: "overlay-id",
    stack: "unit",
    restart: "on-failure",
    logMaxSize: "20m",
    logMaxFiles: 5,
    swarm,
    after: [overlay],
  });
  // The same with nothing to wait for.
  new CloudflareTunnel("mesh", {
    accountId: "acct2",
    tunnelName: "mesh",
    cloudflareProvider: cf,
    dockerProvider: manager,
    network: "overlay-id",
    stack: "unit",
    restart: "always",
    logMaxSize: "20m",
    logMaxFiles: 5,
    swarm,
  });
  return { tunnel, edge, second };
}

let rec: Recorded<Built>;
const res = (name: string): RecordedResource => named(rec.resources, name);
const sorted = (xs: readonly string[]): string[] => [...xs].sort();

describe("CloudflareTunnel", () => {
  beforeAll(async () => {
    rec = await recordByUrn(program, mocks);
  });

  it("registers a component per tunnel with the secret, the tunnel, the connector and the config under it", () => {
    for (const name of ["tunnel", "lan", "edge", "mesh"]) expect(res(name)).toMatchObject({ type: "homelab:cloudflare:Tunnel", custom: false, parent: STACK_URN });
    expect(rec.resources.filter((r) => r.parent === TUNNEL_URN).map((r) => r.name).sort()).toEqual([
      "tunnel-cloudflared",
      "tunnel-config",
      "tunnel-connector",
      "tunnel-secret",
    ]);
    expect(rec.resources.filter((r) => r.parent === LAN_URN).map((r) => r.name).sort()).toEqual(["lan-cloudflared", "lan-config", "lan-connector", "lan-secret"]);
    // No setIngress call: no config.
    expect(rec.resources.filter((r) => r.parent === EDGE_URN).map((r) => r.name).sort()).toEqual(["edge-cloudflared", "edge-connector", "edge-secret"]);
  });

  it("draws 32 random bytes for the tunnel secret", () => {
    expect(res("tunnel-secret")).toMatchObject({ type: "random:index/randomBytes:RandomBytes", inputs: { length: 32 }, options: NO_OPTIONS });
  });

  it("creates a remotely managed tunnel with that secret, as a secret, on the Cloudflare provider", () => {
    const t = res("tunnel-cloudflared");
    expect(t.type).toBe("cloudflare:index/zeroTrustTunnelCloudflared:ZeroTrustTunnelCloudflared");
    expect(t.inputs).toEqual({ accountId: "acct", name: "homelab-unit", configSrc: "cloudflare", tunnelSecret: secret("tunnel-secret-base64") });
    expect(t.propertyDependencies).toEqual({ tunnelSecret: ["urn:pulumi:unit::homelab::homelab:cloudflare:Tunnel$random:index/randomBytes:RandomBytes::tunnel-secret"] });
    expect(t.provider).toBe(CF_PROVIDER);
    expect(t.options).toEqual(NO_OPTIONS);
    expect(res("edge-cloudflared").inputs).toEqual({ accountId: "acct2", name: "edge", configSrc: "cloudflare", tunnelSecret: secret("edge-secret-base64") });
  });

  it("asks Cloudflare for each tunnel's token through the Cloudflare provider", () => {
    expect(calls.map((c) => [c.token, c.inputs, c.provider])).toEqual([
      [TOKEN_CALL, { accountId: "acct", tunnelId: TUNNEL_ID }, CF_PROVIDER],
      [TOKEN_CALL, { accountId: "acct", tunnelId: LAN_ID }, CF_PROVIDER],
      [TOKEN_CALL, { accountId: "acct2", tunnelId: EDGE_ID }, CF_PROVIDER],
      [TOKEN_CALL, { accountId: "acct2", tunnelId: MESH_ID }, CF_PROVIDER],
    ]);
  });

  it("exports the tunnel id, the CNAME target <tunnel id>.cfargotunnel.com and the connector's name", () => {
    expect(rec.outputs.get(TUNNEL_URN)).toEqual({ tunnelId: TUNNEL_ID, cnameTarget: "f70ff985-a4ef-4643-bbbc-4a0ed4fc8415.cfargotunnel.com", connector: "cloudflared" });
    expect(rec.outputs.get(EDGE_URN)).toEqual({ tunnelId: EDGE_ID, cnameTarget: "0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d.cfargotunnel.com", connector: "cloudflared" });
    // The routes' records point there.
    expect(res("route-app-dns").inputs.content).toBe("f70ff985-a4ef-4643-bbbc-4a0ed4fc8415.cfargotunnel.com");
  });

  describe("the connector container", () => {
    it("runs the pinned cloudflared image on the connector's Docker host", () => {
      expect(res("tunnel-connector")).toMatchObject({ type: "homelab:docker:Service", parent: TUNNEL_URN });
      expect(res("tunnel-connector-image").inputs).toEqual({ name: "cloudflare/cloudflared:2025.11.1", keepLocally: true });
      expect(res("tunnel-connector-container").provider).toBe(LOCAL_PROVIDER);
    });

    it("runs `tunnel run` with the token as a secret environment variable, hardened, on the given network", () => {
      expect(res("tunnel-connector-container").inputs).toEqual({
        name: "cloudflared",
        image: "tunnel-connector-image-sha",
        command: ["tunnel", "--no-autoupdate", "--metrics", "0.0.0.0:2000", "run"],
        envs: [secret(`TUNNEL_TOKEN=token-of-${TUNNEL_ID}`)],
        restart: "unless-stopped",
        mustRun: true,
        memory: 128,
        memorySwap: 128,
        cpus: "0.5",
        readOnly: true,
        privileged: false,
        securityOpts: ["no-new-privileges:true"],
        capabilities: { adds: [], drops: ["ALL"] },
        healthcheck: { tests: ["CMD", "cloudflared", "tunnel", "--metrics", "localhost:2000", "ready"], interval: "30s", timeout: "10s", retries: 3, startPeriod: "20s" },
        destroyGraceSeconds: 10,
        stopTimeout: 10,
        // Metrics stay inside the container's network: nothing published on the host.
        ports: [],
        networksAdvanced: [{ name: "homelab-unit", aliases: ["cloudflared"] }],
        volumes: [],
        labels: [
          { label: "homelab.stack", value: "unit" },
          { label: "homelab.service", value: "cloudflared" },
          { label: "com.centurylinklabs.watchtower.enable", value: "false" },
        ],
        logDriver: "json-file",
        logOpts: { "max-size": "10m", "max-file": "3" },
      });
    });

    it("starts after the tunnel exists and after what it was told to wait for", () => {
      expect(sorted(res("tunnel-connector-container").dependencies)).toEqual([
        "urn:pulumi:unit::homelab::homelab:cloudflare:Tunnel$cloudflare:index/zeroTrustTunnelCloudflared:ZeroTrustTunnelCloudflared::tunnel-cloudflared",
        "urn:pulumi:unit::homelab::homelab:docker:Service$docker:index/remoteImage:RemoteImage::tunnel-connector-image",
        "urn:pulumi:unit::homelab::pulumi:pulumi:Stack$docker:index/network:Network::net",
      ]);
      expect(sorted(res("lan-connector-container").dependencies)).toEqual([
        "urn:pulumi:unit::homelab::homelab:cloudflare:Tunnel$cloudflare:index/zeroTrustTunnelCloudflared:ZeroTrustTunnelCloudflared::lan-cloudflared",
        "urn:pulumi:unit::homelab::homelab:docker:Service$docker:index/remoteImage:RemoteImage::lan-connector-image",
      ]);
    });

    it("takes another image, restart policy, network and log rotation when given", () => {
      expect(res("lan-connector-image").inputs).toEqual({ name: "cloudflare/cloudflared:2025.10.0", keepLocally: true });
      expect(res("lan-connector-container").inputs).toMatchObject({
        envs: [secret(`TUNNEL_TOKEN=token-of-${LAN_ID}`)],
        restart: "always",
        networksAdvanced: [{ name: "lan-net", aliases: ["cloudflared"] }],
        logOpts: { "max-size": "1m", "max-file": "1" },
      });
    });
  });

  describe("the connector as a Swarm service", () => {
    it("is a Swarm service on the manager, no container or image pulled there", () => {
      expect(res("edge-connector")).toMatchObject({ type: "homelab:swarm:Service", parent: EDGE_URN });
      expect(rec.resources.filter((r) => r.name.startsWith("edge-connector-")).map((r) => r.type)).toEqual(["docker:index/service:Service"]);
      expect(res("edge-connector-service").provider).toBe(MANAGER_PROVIDER);
    });

    it("runs the same command with the token as a secret environment variable, on the overlay network", () => {
      const inputs = res("edge-connector-service").inputs;
      expect(inputs).toMatchObject({ name: "cloudflared", mode: { replicated: { replicas: 2 } } });
      expect(inputs.taskSpec).toMatchObject({
        containerSpec: {
          image: "cloudflare/cloudflared:2025.11.1",
          args: ["tunnel", "--no-autoupdate", "--metrics", "0.0.0.0:2000", "run"],
          env: { TUNNEL_TOKEN: secret(`token-of-${EDGE_ID}`) },
          readOnly: true,
          capDrops: ["ALL"],
          healthcheck: { tests: ["CMD", "cloudflared", "tunnel", "--metrics", "localhost:2000", "ready"], interval: "30s", timeout: "10s", retries: 3, startPeriod: "20s" },
        },
        resources: { limits: { memoryBytes: 134217728, nanoCpus: 500000000 } },
        restartPolicy: { condition: "on-failure", delay: "5s" },
        placement: { constraints: ["node.role==manager"], maxReplicas: 1 },
        networksAdvanceds: [{ id: "overlay-id", aliases: ["cloudflared"] }],
        logDriver: { name: "json-file", options: { "max-size": "20m", "max-file": "5" } },
      });
    });

    it("starts after the tunnel exists and after what it was told to wait for", () => {
      expect(sorted(res("edge-connector-service").dependencies)).toEqual([
        `${CLOUDFLARED}::edge-cloudflared`,
        "urn:pulumi:unit::homelab::pulumi:pulumi:Stack$docker:index/network:Network::overlay",
      ]);
      expect(res("mesh-connector-service").dependencies).toEqual([`${CLOUDFLARED}::mesh-cloudflared`]);
    });
  });

  describe("setIngress", () => {
    it("writes one config for that tunnel: every route's rule in order, then the 404 catch-all", () => {
      const config = res("tunnel-config");
      expect(config.type).toBe("cloudflare:index/zeroTrustTunnelCloudflaredConfig:ZeroTrustTunnelCloudflaredConfig");
      expect(config.inputs).toEqual({
        accountId: "acct",
        tunnelId: TUNNEL_ID,
        source: "cloudflare",
        config: {
          ingresses: [
            { hostname: "app.example.net", service: "http://app:80" },
            { hostname: "blog.example.net", service: "http://blog:80" },
            { service: "http_status:404" },
          ],
        },
      });
      expect(rec.resources.filter((r) => r.type === "cloudflare:index/zeroTrustTunnelCloudflaredConfig:ZeroTrustTunnelCloudflaredConfig").map((r) => r.name)).toEqual([
        "lan-config",
        "tunnel-config",
      ]);
    });

    it("with no route, still writes the catch-all, so every hostname gets a 404", () => {
      expect(res("lan-config").inputs).toEqual({ accountId: "acct", tunnelId: LAN_ID, source: "cloudflare", config: { ingresses: [{ service: "http_status:404" }] } });
    });

    it("puts the config under the tunnel, on the Cloudflare provider, after the routes' records", () => {
      const config = res("tunnel-config");
      expect(config.parent).toBe(TUNNEL_URN);
      expect(config.provider).toBe(CF_PROVIDER);
      expect(config.options).toEqual(NO_OPTIONS);
      expect(sorted(config.dependencies)).toEqual([
        `${CLOUDFLARED}::tunnel-cloudflared`,
        "urn:pulumi:unit::homelab::homelab:cloudflare:TunnelRoute$cloudflare:index/dnsRecord:DnsRecord::route-app-dns",
        "urn:pulumi:unit::homelab::homelab:cloudflare:TunnelRoute$cloudflare:index/dnsRecord:DnsRecord::route-blog-dns",
      ]);
      expect(res("lan-config").dependencies).toEqual([`${CLOUDFLARED}::lan-cloudflared`]);
    });

    it("refuses a second config for the same tunnel", () => {
      expect(rec.result.second).toBeInstanceOf(Error);
      expect((rec.result.second as Error).message).toBe("the tunnel's ingress is already set: Cloudflare keeps one configuration per tunnel");
    });
  });
});
