/**
 * What is reachable from where, read from the recorded resources (the same
 * inputs the providers would receive), not from a second reading of config:
 * public hostname -> tunnel route -> container:port, and every host port
 * binding with the interface it listens on.
 */
import type { RecordedResource } from "./evaluate";
import { knownString, providerUrn } from "./values";

export const CONTAINER_TYPE = "docker:index/container:Container";
export const NETWORK_TYPE = "docker:index/network:Network";
export const SERVICE_TYPE = "docker:index/service:Service";
export const TUNNEL_CONFIG_TYPE = "cloudflare:index/zeroTrustTunnelCloudflaredConfig:ZeroTrustTunnelCloudflaredConfig";
export const DNS_RECORD_TYPE = "cloudflare:index/dnsRecord:DnsRecord";
export const ACCESS_APP_TYPE = "cloudflare:index/zeroTrustAccessApplication:ZeroTrustAccessApplication";
const TUNNEL_TYPE = "cloudflare:index/zeroTrustTunnelCloudflared:ZeroTrustTunnelCloudflared";
const HOST_COMPONENT = "homelab:docker:Host";

/** A hostname the tunnel forwards. */
export interface TunnelEndpoint {
  readonly kind: "tunnel";
  readonly hostname: string;
  /** "public" when no Access application guards the hostname. */
  readonly access: "public" | "access";
  /** The tunnel's name, when known. */
  readonly tunnel: string | undefined;
  /** The ingress rule's origin, e.g. `http://commander:8000`. */
  readonly origin: string;
  readonly container: string | undefined;
  readonly port: number | undefined;
  readonly host: string | undefined;
  /** A proxied DNS record sends the hostname to the tunnel. */
  readonly dns: boolean;
}

export type BindScope = "loopback" | "private" | "tailscale" | "all-interfaces" | "other";

/** A port published on a host interface. */
export interface HostPortEndpoint {
  readonly kind: "hostPort";
  readonly host: string | undefined;
  readonly interface: string;
  readonly scope: BindScope;
  /** Undefined when Docker picks a random port. */
  readonly hostPort: number | undefined;
  readonly protocol: string;
  readonly container: string;
  readonly containerPort: number;
}

export type Endpoint = TunnelEndpoint | HostPortEndpoint;

/** One container as the plan sees it: name, host, networks and the component it belongs to. */
export interface ContainerInfo {
  readonly urn: string;
  readonly name: string;
  readonly host: string | undefined;
  /** Docker network names. */
  readonly networks: readonly string[];
  /** URN of the top-level component that declared it (service, monitoring, tunnel...). */
  readonly component: string | undefined;
  /** A Swarm service's scheduling: replicas and constraints (`swarm, 2 replica(s) where node.labels.gpu == true`). */
  readonly placement?: string;
}

export interface NetworkInfo {
  readonly name: string;
  readonly host: string | undefined;
  readonly internal: boolean;
}

export interface Topology {
  readonly containers: readonly ContainerInfo[];
  readonly networks: readonly NetworkInfo[];
  readonly hosts: readonly string[];
  readonly endpoints: readonly Endpoint[];
}

type Obj = Record<string, unknown>;
const asObj = (v: unknown): Obj => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const asArr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export function bindScope(ip: string): BindScope {
  if (ip === "" || ip === "0.0.0.0" || ip === "::" || ip === "*") return "all-interfaces";
  if (ip === "::1" || ip.startsWith("127.")) return "loopback";
  const o = ip.split(".").map(Number);
  if (o.length === 4 && o.every((n) => Number.isInteger(n) && n >= 0 && n <= 255)) {
    if (o[0] === 10 || (o[0] === 172 && o[1] >= 16 && o[1] <= 31) || (o[0] === 192 && o[1] === 168)) return "private";
    if (o[0] === 100 && o[1] >= 64 && o[1] <= 127) return "tailscale";
  }
  if (/^f[cd]/i.test(ip)) return "private";
  return "other";
}

/** Splits `http://name:port` (or https/tcp) into container name and port. */
function parseOrigin(origin: string): { container: string; port: number | undefined } | undefined {
  const m = /^[a-z]+:\/\/([^/:]+)(?::(\d+))?/.exec(origin);
  if (!m) return undefined;
  const port = m[2] ? Number(m[2]) : origin.startsWith("https:") ? 443 : origin.startsWith("http:") ? 80 : undefined;
  return { container: m[1], port };
}

export function topology(resources: readonly RecordedResource[]): Topology {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  // Every resource on a Docker host uses that host's explicit provider, a child of the Host component.
  const hostOfProvider = (ref: string | undefined): string | undefined => {
    const p = byUrn.get(providerUrn(ref) ?? "");
    const parent = p?.parent ? byUrn.get(p.parent) : undefined;
    return parent?.type === HOST_COMPONENT ? parent.name : p?.name;
  };
  const stackUrn = resources.find((r) => r.type === "pulumi:pulumi:Stack")?.urn;
  const topComponent = (r: RecordedResource): string | undefined => {
    let cur: RecordedResource | undefined = r;
    while (cur?.parent && cur.parent !== stackUrn) cur = byUrn.get(cur.parent);
    return cur && cur !== r ? cur.urn : undefined;
  };

  const containers: ContainerInfo[] = [];
  const endpoints: Endpoint[] = [];
  const hostPorts: HostPortEndpoint[] = [];
  for (const r of resources) {
    if (r.type !== CONTAINER_TYPE) continue;
    const name = knownString(r.inputs["name"]) ?? r.name;
    const host = hostOfProvider(r.provider);
    containers.push({
      urn: r.urn,
      name,
      host,
      networks: asArr(r.inputs["networksAdvanced"]).flatMap((n) => {
        const s = knownString(asObj(n)["name"]);
        return s ? [s] : [];
      }),
      component: topComponent(r),
    });
    for (const p of asArr(r.inputs["ports"]).map(asObj)) {
      const ip = knownString(p["ip"]) ?? "0.0.0.0";
      hostPorts.push({
        kind: "hostPort",
        host,
        interface: ip,
        scope: bindScope(ip),
        hostPort: typeof p["external"] === "number" ? p["external"] : undefined,
        protocol: knownString(p["protocol"]) ?? "tcp",
        container: name,
        containerPort: typeof p["internal"] === "number" ? p["internal"] : 0,
      });
    }
  }

  for (const r of resources.filter((x) => x.type === SERVICE_TYPE)) {
    const s = swarmService(r, byUrn, topComponent(r), hostOfProvider(r.provider));
    containers.push(s.container);
    hostPorts.push(...s.ports);
  }

  const networks: NetworkInfo[] = resources
    .filter((r) => r.type === NETWORK_TYPE)
    .map((r) => ({ name: knownString(r.inputs["name"]) ?? r.name, host: hostOfProvider(r.provider), internal: r.inputs["internal"] === true }));

  const guarded = new Set(resources.filter((r) => r.type === ACCESS_APP_TYPE).flatMap((r) => knownString(r.inputs["domain"]) ?? []));
  const dnsNames = new Set(
    resources.filter((r) => r.type === DNS_RECORD_TYPE && r.inputs["proxied"] === true).flatMap((r) => knownString(r.inputs["name"]) ?? []),
  );
  const containerByName = new Map(containers.map((c) => [c.name, c]));
  const tunnelName = resources.filter((r) => r.type === TUNNEL_TYPE).map((r) => knownString(r.inputs["name"]))[0];
  for (const cfg of resources.filter((r) => r.type === TUNNEL_CONFIG_TYPE)) {
    for (const rule of asArr(asObj(cfg.inputs["config"])["ingresses"]).map(asObj)) {
      const hostname = knownString(rule["hostname"]);
      const origin = knownString(rule["service"]);
      // The catch-all rule (no hostname) answers 404 and reaches nothing.
      if (!hostname || !origin) continue;
      const target = parseOrigin(origin);
      const container = target ? containerByName.get(target.container) : undefined;
      endpoints.push({
        kind: "tunnel",
        hostname,
        access: guarded.has(hostname) ? "access" : "public",
        tunnel: tunnelName,
        origin,
        container: target?.container,
        port: target?.port,
        // A Swarm service runs where the Swarm places it: its replicas and constraints say where.
        host: container?.placement ?? container?.host,
        dns: dnsNames.has(hostname),
      });
    }
  }
  endpoints.push(...hostPorts);
  const hosts = [
    ...new Set(resources.filter((r) => r.type === HOST_COMPONENT).map((r) => r.name)),
  ];
  return { containers, networks, hosts, endpoints };
}

/** Where a Swarm service runs, as the plan shows it: the Swarm, narrowed by its constraints. */
export function swarmPlacement(inputs: Readonly<Record<string, unknown>>): string {
  const mode = asObj(inputs["mode"]);
  const replicas = mode["global"] === true ? "global" : `${String(asObj(mode["replicated"])["replicas"] ?? 1)} replica(s)`;
  const constraints = asArr(asObj(asObj(inputs["taskSpec"])["placement"])["constraints"]).flatMap((c) => knownString(c) ?? []);
  return `swarm, ${replicas}${constraints.length > 0 ? ` where ${constraints.join(" and ")}` : ""}`;
}

/**
 * A Swarm service as a container of the topology (its networks are the overlay
 * networks it depends on: their ids are unknown before deployment) and its
 * published ports, which listen on every interface of every node (ingress) or of
 * the task's node (host mode).
 */
function swarmService(
  r: RecordedResource,
  byUrn: ReadonlyMap<string, RecordedResource>,
  component: string | undefined,
  manager: string | undefined,
): { container: ContainerInfo; ports: HostPortEndpoint[] } {
  const name = knownString(r.inputs["name"]) ?? r.name;
  const networks = r.dependencies.flatMap((u) => {
    const d = byUrn.get(u);
    return d?.type === NETWORK_TYPE ? [knownString(d.inputs["name"]) ?? d.name] : [];
  });
  const ports = asArr(asObj(r.inputs["endpointSpec"])["ports"]).map(asObj).map(
    (p): HostPortEndpoint => ({
      kind: "hostPort",
      host: knownString(p["publishMode"]) === "host" ? "each node running a task" : "every Swarm node (routing mesh)",
      interface: "*",
      scope: "all-interfaces",
      hostPort: typeof p["publishedPort"] === "number" ? p["publishedPort"] : undefined,
      protocol: knownString(p["protocol"]) ?? "tcp",
      container: name,
      containerPort: typeof p["targetPort"] === "number" ? p["targetPort"] : 0,
    }),
  );
  // The host is the manager the service is declared through, like its overlay networks; placement says where it runs.
  return { container: { urn: r.urn, name, host: manager, networks, component, placement: swarmPlacement(r.inputs) }, ports };
}
