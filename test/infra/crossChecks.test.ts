/**
 * The cross-field checks of infra/validate.ts called directly on small
 * models: a valid baseline with two hosts and two networks, changed by one
 * property per case. The shipped-stack suites (validate.test.ts and the
 * feature suites) check the same rules end to end through the loader.
 */
import type { ConfigProblem } from "../../infra/errors";
import { loadModel } from "../../infra/load";
import { platformService, type HomelabModel, type Service } from "../../infra/model";
import {
  checkContainerNames,
  checkDependencyCycles,
  checkGithub,
  checkHostCapacity,
  checkHostPorts,
  checkImages,
  checkIngress,
  checkMonitoring,
  checkReferences,
  checkTunnel,
  checkVolumes,
} from "../../infra/validate";

const FILE = "Pulumi.t.yaml";
const ZONE = "example.com";
const HEX32 = "0123456789abcdef0123456789abcdef";

/** Two hosts (a, b), two networks (net, other), every feature off, no services; `service()` listens on 8000 on host a. */
const BASE: HomelabModel = loadModel({
  file: FILE,
  stack: "t",
  values: {
    "homelab:hosts": { a: { cpus: 2, memory: "1g" }, b: {} },
    "homelab:networks": { net: {}, other: {} },
    "homelab:features": { tunnel: false, monitoring: false, watchtower: false, ghcr: false },
  },
  secureLeaves: new Set(),
});

const service = (key: string, over: Partial<Service> = {}): Service =>
  platformService({ key, image: "ghcr.io/owner/app:1.0.0", host: "a", networks: ["net"], port: 8000, ...over });

const withServices = (m: HomelabModel, ...services: Service[]): HomelabModel => ({ ...m, services });
const port = (hostIp: string, published: number | undefined, protocol: "tcp" | "udp" = "tcp") => ({ hostIp, published, target: 8000, protocol });
const route = (hostname: string, over: Partial<NonNullable<Service["ingress"]>> = {}): Service["ingress"] => ({ hostname, port: 8000, public: true, scheme: "http", aliases: [], ...over });

/** `path: message` of each problem, the way a user reads them after the file name. */
const said = (problems: readonly ConfigProblem[]): string[] => {
  for (const p of problems) expect(p.file).toBe(FILE);
  return problems.map((p) => `${p.path}: ${p.message}`);
};

/** The baseline with the tunnel on, its Cloudflare account and one allow rule. */
const TUNNEL: HomelabModel = {
  ...BASE,
  features: { ...BASE.features, tunnel: true },
  cloudflare: { accountId: HEX32, zoneId: HEX32, zone: ZONE },
  access: { emails: ["me@example.com"] },
};
const MONITORED: HomelabModel = { ...BASE, features: { ...BASE.features, monitoring: true } };

describe("the baseline", () => {
  it("is the model it claims to be, and every check accepts it with a plain service", () => {
    expect(BASE.hosts.map((h) => h.name)).toEqual(["a", "b"]);
    expect(BASE.networks.map((n) => n.name)).toEqual(["net", "other"]);
    const m = withServices(BASE, service("api", { ports: [port("127.0.0.1", 8000)] }));
    const all = [checkContainerNames, checkHostPorts, checkReferences, checkDependencyCycles, checkVolumes, checkIngress, checkGithub, checkImages, checkMonitoring, checkTunnel, checkHostCapacity];
    expect(all.flatMap((c) => c(m))).toEqual([]);
  });
});

describe("checkContainerNames", () => {
  it("refuses a container name twice on one host, not on two", () => {
    expect(said(checkContainerNames(withServices(BASE, service("x", { containerName: "app" }), service("y", { containerName: "app" }))))).toEqual([
      'homelab:services.y.containerName: container name "app" is already used by service "x" on host "a"',
    ]);
    expect(checkContainerNames(withServices(BASE, service("x", { containerName: "app" }), service("y", { host: "b", containerName: "app" })))).toEqual([]);
  });

  it("reserves node-exporter only when the stack runs it", () => {
    const m = withServices(MONITORED, service("metrics", { containerName: "node-exporter" }));
    expect(checkContainerNames(m)).toEqual([]);
    expect(said(checkContainerNames({ ...m, monitoring: { ...m.monitoring, nodeExporter: true } }))).toEqual([
      "homelab:services.metrics.containerName: container name \"node-exporter\" is taken by the platform's own container; rename the service or set containerName",
    ]);
  });
});

describe("checkHostPorts", () => {
  const CLASH = 'homelab:services.y.ports[0]: host port 127.0.0.1:80/tcp on host "a" is already bound by service "x"';

  it("refuses a port bound twice on one address, or on any address and then one", () => {
    expect(said(checkHostPorts(withServices(BASE, service("x", { ports: [port("127.0.0.1", 80)] }), service("y", { ports: [port("127.0.0.1", 80)] }))))).toEqual([CLASH]);
    expect(said(checkHostPorts(withServices(BASE, service("x", { ports: [port("0.0.0.0", 80)] }), service("y", { ports: [port("127.0.0.1", 80)] }))))).toEqual([CLASH]);
    expect(said(checkHostPorts(withServices(BASE, service("x", { ports: [port("127.0.0.1", 80)] }), service("y", { ports: [port("::", 80)] }))))).toEqual([
      'homelab:services.y.ports[0]: host port :::80/tcp on host "a" is already bound by service "x"',
    ]);
  });

  it("lets two services bind different ports", () => {
    expect(checkHostPorts(withServices(BASE, service("x", { ports: [port("127.0.0.1", 80)] }), service("y", { ports: [port("127.0.0.1", 81)] })))).toEqual([]);
  });

  it("lets services share a container port that publishes nothing", () => {
    expect(checkHostPorts(withServices(BASE, service("x", { ports: [port("127.0.0.1", undefined)] }), service("y", { ports: [port("127.0.0.1", undefined)] })))).toEqual([]);
  });

  it("lets one port be bound on two hosts, or on two specific addresses", () => {
    expect(checkHostPorts(withServices(BASE, service("x", { ports: [port("0.0.0.0", 80)] }), service("y", { host: "b", ports: [port("0.0.0.0", 80)] })))).toEqual([]);
    expect(checkHostPorts(withServices(BASE, service("x", { ports: [port("127.0.0.1", 80)] }), service("y", { ports: [port("192.168.1.5", 80)] })))).toEqual([]);
  });

  it("lets tcp and udp share a number", () => {
    expect(checkHostPorts(withServices(BASE, service("x", { ports: [port("127.0.0.1", 53)] }), service("y", { ports: [port("127.0.0.1", 53, "udp")] })))).toEqual([]);
  });
});

describe("checkReferences", () => {
  it("names every declared host and network after an unknown one", () => {
    expect(said(checkReferences(withServices(BASE, service("x", { host: "c", networks: ["net", "nope"] }))))).toEqual([
      'homelab:services.x.host: unknown host "c" (declared: a, b)',
      'homelab:services.x.networks[1]: unknown network "nope" (declared: net, other)',
    ]);
  });

  it("refuses an unknown start-order target, and takes one on the same host", () => {
    expect(said(checkReferences(withServices(BASE, service("api", { dependsOn: ["db"] }))))).toEqual(['homelab:services.api.dependsOn[0]: unknown service "db"']);
    expect(checkReferences(withServices(BASE, service("db"), service("api", { dependsOn: ["db"] })))).toEqual([]);
  });

  it("refuses start order across hosts, but not from a host that is itself unknown", () => {
    const db = service("db");
    expect(said(checkReferences(withServices(BASE, db, service("api", { host: "b", dependsOn: ["db"] }))))).toEqual([
      'homelab:services.api.dependsOn[0]: "db" runs on host "a", not "b": start order only holds on one host',
    ]);
    expect(said(checkReferences(withServices(BASE, db, service("api", { host: "c", dependsOn: ["db"] }))))).toEqual([
      'homelab:services.api.host: unknown host "c" (declared: a, b)',
    ]);
  });

  it("takes a healthcheck list that starts with CMD, CMD-SHELL or NONE, and nothing else", () => {
    const hc = (tests: string[]): Service["healthcheck"] => ({ tests, interval: undefined, timeout: undefined, retries: undefined, startPeriod: undefined });
    for (const first of ["CMD", "CMD-SHELL", "NONE"]) {
      expect(checkReferences(withServices(BASE, service("x", { healthcheck: hc([first, "true"]) })))).toEqual([]);
    }
    expect(said(checkReferences(withServices(BASE, service("x", { healthcheck: hc(["curl", "-f", "http://localhost"]) }))))).toEqual([
      "homelab:services.x.healthcheck.test: a list must start with CMD, CMD-SHELL or NONE",
    ]);
  });
});

describe("checkDependencyCycles", () => {
  it("names the cycle from where it closes, not the path that led to it", () => {
    const m = withServices(BASE, service("a", { dependsOn: ["b"] }), service("b", { dependsOn: ["c"] }), service("c", { dependsOn: ["b"] }));
    expect(said(checkDependencyCycles(m))).toEqual(["homelab:services.b.dependsOn: dependency cycle: b -> c -> b"]);
  });

  it("passes over a target that does not exist", () => {
    expect(checkDependencyCycles(withServices(BASE, service("a", { dependsOn: ["ghost"] }), service("b", { dependsOn: ["a"] })))).toEqual([]);
  });
});

describe("checkVolumes", () => {
  const file = { name: "conf", path: "/etc/app.conf", content: "x", mode: "0644", owner: undefined, group: undefined };
  const secretFile = { name: "key", path: "/run/secrets/key", mode: "0600", owner: undefined, group: undefined, values: { KEY: "v" } };

  it("takes files on a writable root, a read-only root without files, and files on a read-only Swarm task", () => {
    expect(checkVolumes(withServices(BASE, service("x", { files: [file], secretFiles: [secretFile] })))).toEqual([]);
    expect(checkVolumes(withServices(BASE, service("x", { readOnly: true })))).toEqual([]);
    const swarm = { ...BASE, swarm: {} as NonNullable<HomelabModel["swarm"]> };
    expect(checkVolumes(withServices(swarm, service("x", { readOnly: true, files: [file] })))).toEqual([]);
  });

  it("refuses files on a read-only root however many of each kind", () => {
    const m = withServices(BASE, service("x", { readOnly: true, files: [file], secretFiles: [secretFile] }));
    expect(said(checkVolumes(m))).toEqual([
      "homelab:services.x.readOnly: files and secretFiles cannot be copied into a read-only root filesystem; drop readOnly or mount the files from a volume",
    ]);
  });
});

describe("checkIngress", () => {
  it("needs nothing of Cloudflare while no hostname is routed", () => {
    expect(checkIngress({ ...TUNNEL, cloudflare: undefined, access: undefined })).toEqual([]);
  });

  it("asks for the tunnel, then for its Cloudflare account, once a hostname is routed", () => {
    const web = service("web", { ingress: route("web.example.com") });
    const grafana = { ...BASE.monitoring, grafanaHostname: "grafana.example.com" };
    expect(said(checkIngress(withServices({ ...BASE, features: { ...BASE.features, monitoring: true }, monitoring: grafana }, web)))).toEqual([
      "homelab:services.web.ingress.hostname: a public hostname needs the tunnel: set homelab:features.tunnel to true or remove it",
      "homelab:monitoring.grafanaHostname: a public hostname needs the tunnel: set homelab:features.tunnel to true or remove it",
    ]);
    expect(said(checkIngress(withServices({ ...TUNNEL, cloudflare: undefined }, web)))).toEqual(["homelab:cloudflare: the tunnel needs accountId, zoneId and zone"]);
  });

  it("checks a monitoring hostname against the zone at its own key", () => {
    const m = { ...TUNNEL, features: { ...TUNNEL.features, monitoring: true }, monitoring: { ...TUNNEL.monitoring, jaegerHostname: "jaeger.example.org" } };
    expect(said(checkIngress(m))).toEqual(['homelab:monitoring.jaegerHostname: "jaeger.example.org" is not inside the zone "example.com"']);
  });

  it("takes the zone's apex, and checks each alias like a hostname", () => {
    const m = withServices(TUNNEL, service("web", { ingress: route(ZONE, { aliases: ["www.example.org"] }) }), service("api", { ingress: route("api.example.com", { aliases: [ZONE] }) }));
    expect(said(checkIngress(m))).toEqual([
      'homelab:services.web.ingress.aliases[0]: "www.example.org" is not inside the zone "example.com"',
      'homelab:services.api.ingress.aliases[0]: hostname "example.com" is already routed by homelab:services.web.ingress.hostname',
    ]);
  });

  it("refuses an alias whose route name another service or alias already has", () => {
    const clash = withServices(TUNNEL, service("a", { ingress: route("a.example.com", { aliases: ["b.example.com"] }) }), service("a-b-example-com", { ingress: route("c.example.com") }));
    expect(said(checkIngress(clash))).toEqual(['homelab:services.a.ingress.aliases[0]: its route name "a-b-example-com" is already taken; rename the service']);
    const twoAliases = withServices(TUNNEL, service("a", { ingress: route("a.example.com", { aliases: ["b-c.example.com"] }) }), service("a-b", { ingress: route("d.example.com", { aliases: ["c.example.com"] }) }));
    expect(said(checkIngress(twoAliases))).toEqual(['homelab:services.a-b.ingress.aliases[0]: its route name "a-b-c-example-com" is already taken; rename the service']);
  });

  it("lists the ports a service listens on, or says it declares none", () => {
    const m = withServices(TUNNEL, service("x", { listens: [8000, 9000], ingress: route("x.example.com", { port: 7000 }) }), service("y", { listens: [], ingress: route("y.example.com") }));
    expect(said(checkIngress(m))).toEqual([
      "homelab:services.x.ingress.port: service does not listen on 7000 (it listens on 8000, 9000); set port or expose",
      "homelab:services.y.ingress.port: service does not listen on 8000 (it listens on nothing declared); set port or expose",
    ]);
  });

  describe("asks for an Access rule", () => {
    const RULE = "homelab:access: hostnames behind Cloudflare Access need at least one allow rule (emails, emailDomains or groups)";
    const open = { ...TUNNEL, access: undefined };
    const api = service("api", { ingress: route("api.example.com") });
    const admin = service("admin", { ingress: route("admin.example.com", { public: false }) });

    it("not while every route is public", () => {
      expect(checkIngress(withServices(open, api))).toEqual([]);
    });

    it("once one route is private", () => {
      expect(said(checkIngress(withServices(open, api, admin)))).toEqual([RULE]);
    });

    it("for a monitoring UI routed alone", () => {
      const m = { ...open, features: { ...open.features, monitoring: true }, monitoring: { ...open.monitoring, grafanaHostname: "grafana.example.com" } };
      expect(said(checkIngress(m))).toEqual([RULE]);
    });

    it("and counts rules of every kind together", () => {
      const group = { identityProviderId: "idp", id: "admins" };
      for (const access of [{ emails: ["me@example.com"], emailDomains: ["example.com"] }, { emails: ["me@example.com"], groups: [group] }, { emailDomains: ["example.com"], groups: [group] }]) {
        expect(checkIngress(withServices({ ...open, access }, admin))).toEqual([]);
      }
      expect(said(checkIngress(withServices({ ...open, access: { emails: [], emailDomains: [], groups: [] } }, admin)))).toEqual([RULE]);
    });
  });
});

describe("checkGithub", () => {
  const ghcr = { ...BASE, features: { ...BASE.features, ghcr: true }, github: undefined };
  const built = service("x", { repo: "owner/x" });

  it("needs no GitHub account while no service names a repository, or GHCR is off", () => {
    expect(checkGithub(withServices(ghcr, service("x")))).toEqual([]);
    expect(checkGithub(withServices({ ...ghcr, features: BASE.features }, built))).toEqual([]);
  });

  it("asks for the account, then for the token it writes", () => {
    expect(said(checkGithub(withServices(ghcr, built)))).toEqual(["homelab:github: services with a repo need github.owner and github.ghcrPat (or set homelab:features.ghcr to false)"]);
    expect(said(checkGithub(withServices({ ...ghcr, github: { owner: "owner" } as NonNullable<HomelabModel["github"]> }, built)))).toEqual([
      "homelab:github.ghcrPat: the PAT written to each repository's GHCR secret is missing",
    ]);
  });
});

describe("checkImages", () => {
  const digest = (hex: string): string => `ghcr.io/owner/app@sha256:${hex}`;
  const requiring = { ...BASE, release: { ...BASE.release, requireDigest: true } };

  it("takes exactly 64 lowercase hex digits after @sha256:", () => {
    expect(checkImages(withServices(requiring, service("x", { image: digest("a".repeat(64)) })))).toEqual([]);
    for (const hex of ["a".repeat(63), "a".repeat(65), "A".repeat(64)]) {
      expect(said(checkImages(withServices(requiring, service("x", { image: digest(hex) }))))).toEqual(["homelab:services.x.image: this stack requires a digest (image@sha256:...)"]);
    }
  });

  it("refuses an immutable-tag pattern that is not a regular expression", () => {
    expect(said(checkImages({ ...BASE, release: { ...BASE.release, immutableTag: "sha-(" } }))).toEqual(["homelab:release.immutableTag: is not a valid regular expression"]);
    expect(checkImages({ ...BASE, release: { ...BASE.release, immutableTag: "^sha-[0-9a-f]{7,40}$" } })).toEqual([]);
  });
});

describe("checkMonitoring", () => {
  const grafanaOn = (m: HomelabModel): HomelabModel => ({ ...m, monitoring: { ...m.monitoring, grafanaPort: 3000 } });

  it("checks nothing while monitoring is off", () => {
    const off = { ...BASE, monitoring: { ...BASE.monitoring, host: "c", grafanaPort: 3000, prometheusPort: 3000 } };
    expect(checkMonitoring(withServices(off, service("x", { host: "b", tracing: true })))).toEqual([]);
  });

  it("refuses two UIs on one port", () => {
    const m = { ...MONITORED, monitoring: { ...MONITORED.monitoring, grafanaPort: 3000, jaegerPort: 16686, prometheusPort: 3000 } };
    expect(said(checkMonitoring(m))).toEqual(["homelab:monitoring.prometheusPort: host port 3000 is already used by monitoring.grafanaPort"]);
  });

  it("names every declared host after an unknown one", () => {
    expect(said(checkMonitoring({ ...MONITORED, monitoring: { ...MONITORED.monitoring, host: "c" } }))).toEqual(['homelab:monitoring.host: unknown host "c" (declared: a, b)']);
  });

  it("checks only what needs no host when none is declared (the loader has asked for one)", () => {
    // The connector's host ("x", undeclared) is checkTunnel's to refuse; there is no monitoring host to compare it with.
    const none = withServices({ ...MONITORED, hosts: [], features: { ...MONITORED.features, tunnel: true }, cloudflare: { ...TUNNEL.cloudflare!, host: "x" } }, service("x", { tracing: true }));
    expect(checkMonitoring({ ...none, monitoring: { ...none.monitoring, grafanaHostname: "grafana.example.com" } })).toEqual([]);
    expect(said(checkMonitoring({ ...none, monitoring: { ...none.monitoring, grafanaPort: 3000, prometheusPort: 3000 } }))).toEqual([
      "homelab:monitoring.prometheusPort: host port 3000 is already used by monitoring.grafanaPort",
    ]);
  });

  it("finds a UI port taken on loopback when the profile binds all interfaces", () => {
    const m = withServices(grafanaOn({ ...MONITORED, profile: { ...MONITORED.profile, defaultBindAddress: "0.0.0.0" } }), service("x", { ports: [port("127.0.0.1", 3000)] }));
    expect(said(checkMonitoring(m))).toEqual(['homelab:monitoring.grafanaPort: host port 3000 on host "a" is already bound by service "x"']);
  });

  it("leaves a UI port to a binding on another host, another address or udp", () => {
    const m = grafanaOn({ ...MONITORED, profile: { ...MONITORED.profile, defaultBindAddress: "127.0.0.1" } });
    expect(checkMonitoring(withServices(m, service("x", { host: "b", ports: [port("127.0.0.1", 3000)] })))).toEqual([]);
    expect(checkMonitoring(withServices(m, service("x", { ports: [port("192.168.1.5", 3000)] })))).toEqual([]);
    expect(checkMonitoring(withServices(m, service("x", { ports: [port("127.0.0.1", 3000, "udp")] })))).toEqual([]);
    expect(checkMonitoring(withServices(m, service("x", { ports: [port("127.0.0.1", 8080)] })))).toEqual([]);
    expect(said(checkMonitoring(withServices(m, service("x", { ports: [port("127.0.0.1", 8080), port("127.0.0.1", 3000)] }))))).toEqual([
      'homelab:monitoring.grafanaPort: host port 3000 on host "a" is already bound by service "x"',
    ]);
  });

  it("takes tracing from its own host and network, and refuses its volume names there", () => {
    const m = withServices(MONITORED, service("x", { tracing: true, volumes: [{ type: "volume", source: "grafana-data", target: "/data", readOnly: false }] }));
    expect(said(checkMonitoring(m))).toEqual(['homelab:services.x.volumes[0]: volume "grafana-data" belongs to the monitoring stack on host "a"; choose another name']);
  });

  it("refuses tracing from another host, and leaves that host's volume names alone", () => {
    const m = withServices(MONITORED, service("x", { host: "b", tracing: true, volumes: [{ type: "volume", source: "grafana-data", target: "/data", readOnly: false }] }));
    expect(said(checkMonitoring(m))).toEqual([
      'homelab:services.x.tracing: traces go to http://jaeger:4317, which only resolves on network "net" of host "a"; add the network, move the service or turn tracing off',
    ]);
  });

  it("minds where the tunnel connector runs only for UIs it routes", () => {
    const apart = { ...MONITORED, features: { ...MONITORED.features, tunnel: true }, cloudflare: { ...TUNNEL.cloudflare!, host: "b" } };
    expect(checkMonitoring(apart)).toEqual([]);
    const together = { ...apart, cloudflare: TUNNEL.cloudflare, monitoring: { ...apart.monitoring, jaegerHostname: "jaeger.example.com" } };
    expect(checkMonitoring(together)).toEqual([]);
    const routed = { ...apart, monitoring: { ...apart.monitoring, jaegerHostname: "jaeger.example.com" } };
    expect(said(checkMonitoring(routed))).toEqual([
      'homelab:monitoring.jaegerHostname: the tunnel connector runs on host "b" but monitoring on "a": it could not reach the UI by container name',
    ]);
    expect(checkMonitoring({ ...routed, features: { ...routed.features, tunnel: false } })).toEqual([]);
  });
});

describe("checkTunnel", () => {
  const onB = service("api", { host: "b", ingress: route("api.example.com") });

  it("says nothing while the tunnel is off", () => {
    expect(checkTunnel(withServices(BASE, onB))).toEqual([]);
    expect(said(checkTunnel(withServices(TUNNEL, onB)))).toEqual([
      'homelab:services.api.ingress: the tunnel connector runs on host "a" but this service on "b": cloudflared reaches containers by name on its own host only; move the service or set homelab:cloudflare.host',
    ]);
  });

  it("passes over services without a route, and asks a routed one onto the connector's network", () => {
    expect(checkTunnel(withServices(TUNNEL, service("worker", { host: "b", networks: ["other"] })))).toEqual([]);
    expect(said(checkTunnel(withServices(TUNNEL, service("api", { networks: ["other"], ingress: route("api.example.com") }))))).toEqual([
      'homelab:services.api.networks: the tunnel connector is on network "net" only: add it to this service\'s networks so cloudflared can reach "api"',
    ]);
  });

  it("runs the connector on the first host without a Cloudflare host, and checks no placement without any host", () => {
    const api = service("api", { ingress: route("api.example.com") });
    expect(checkTunnel(withServices({ ...TUNNEL, cloudflare: undefined }, api))).toEqual([]);
    const none = withServices({ ...TUNNEL, hosts: [] }, api, service("b", { host: "b", networks: ["other"], ingress: route("b.example.com") }));
    expect(checkTunnel(none)).toEqual([]);
    // The route-name clash needs no host.
    const routed = { ...none, features: { ...none.features, monitoring: true }, monitoring: { ...none.monitoring, jaegerHostname: "jaeger.example.com" } };
    expect(said(checkTunnel(withServices(routed, service("jaeger", { ingress: route("j.example.com") }))))).toEqual([
      'homelab:services.jaeger.ingress: the monitoring UI routed by homelab:monitoring.jaegerHostname already uses the route name "jaeger"; rename the service',
    ]);
  });

  it("names every declared host after an unknown connector host", () => {
    expect(said(checkTunnel({ ...TUNNEL, cloudflare: { ...TUNNEL.cloudflare!, host: "c" } }))).toEqual(['homelab:cloudflare.host: unknown host "c" (declared: a, b)']);
  });

  it("refuses a service named like a monitoring UI only while that UI is routed", () => {
    const grafana = service("grafana", { ingress: route("g.example.com") });
    const routed = { ...TUNNEL, features: { ...TUNNEL.features, monitoring: true }, monitoring: { ...TUNNEL.monitoring, grafanaHostname: "grafana.example.com" } };
    expect(said(checkTunnel(withServices(routed, grafana, service("api", { ingress: route("api.example.com") }))))).toEqual([
      'homelab:services.grafana.ingress: the monitoring UI routed by homelab:monitoring.grafanaHostname already uses the route name "grafana"; rename the service',
    ]);
    expect(checkTunnel(withServices({ ...routed, features: { ...routed.features, monitoring: false } }, grafana))).toEqual([]);
    expect(checkTunnel(withServices({ ...routed, monitoring: { ...routed.monitoring, grafanaHostname: undefined } }, grafana))).toEqual([]);
  });
});

describe("checkHostCapacity", () => {
  // Host a: 2 CPUs and 1024 MiB; host b declares neither.
  it("refuses more CPUs or memory than the service's own host has", () => {
    expect(said(checkHostCapacity(withServices(BASE, service("x", { cpus: 2.5, memoryMb: 1025 }))))).toEqual([
      'homelab:services.x.cpus: cpus 2.5 is more than host "a" has (hosts.a.cpus: 2); Docker refuses to create the container',
      'homelab:services.x.memory: memory 1025 MiB is more than host "a" has (1024 MiB)',
    ]);
  });

  it("takes exactly what the host has, and anything on a host that declares nothing", () => {
    expect(checkHostCapacity(withServices(BASE, service("x", { cpus: 2, memoryMb: 1024 })))).toEqual([]);
    expect(checkHostCapacity(withServices(BASE, service("x", { host: "b", cpus: 64, memoryMb: 1 << 20 })))).toEqual([]);
    expect(checkHostCapacity(withServices(BASE, service("x", { host: "c", cpus: 64, memoryMb: 1 << 20 })))).toEqual([]);
    expect(checkHostCapacity(withServices(BASE, service("x")))).toEqual([]);
  });
});
