/**
 * Checks that span more than one key: names that collide, ports two services
 * both want, dependencies that cannot start. Each returns problems rather
 * than throwing, so a user sees all of them in one run.
 */
import { declaredNames, formatPath, type ConfigProblem } from "./errors";
import { aliasRouteKey, platformContainerNames, type HomelabModel, type Service } from "./model";
import { MONITORING_VOLUMES } from "./monitoring/layout";
import { checkAlerting, checkCustomAlerts } from "./alerting/validate";

type Check = (model: HomelabModel) => ConfigProblem[];

const svcPath = (s: Service, ...rest: PropertyKey[]): string => formatPath(["services", s.key, ...rest]);

/** Monitoring UIs the tunnel may route, by the route key buildMonitoring gives them. */
const MONITORING_ROUTE_KEYS = { grafana: "grafanaHostname", jaeger: "jaegerHostname", prometheus: "prometheusHostname" } as const;
const MONITORING_HOSTNAME_KEYS = Object.values(MONITORING_ROUTE_KEYS);

export const checkContainerNames: Check = (m) => {
  const problems: ConfigProblem[] = [];
  const reserved = new Set(platformContainerNames(m.features, m.monitoring.nodeExporter ?? false));
  const seen = new Map<string, Service>();
  for (const s of m.services) {
    const id = `${s.host}/${s.containerName}`;
    const first = seen.get(id);
    if (first) {
      problems.push({ file: m.file, path: svcPath(s, "containerName"), message: `container name "${s.containerName}" is already used by service "${first.key}" on host "${s.host}"` });
    } else seen.set(id, s);
    if (reserved.has(s.containerName)) {
      problems.push({ file: m.file, path: svcPath(s, "containerName"), message: `container name "${s.containerName}" is taken by the platform's own container; rename the service or set containerName` });
    }
  }
  return problems;
};

const ANY = new Set(["0.0.0.0", "::", "*"]);

export const checkHostPorts: Check = (m) => {
  const problems: ConfigProblem[] = [];
  // Stryker disable next-line ArrayDeclaration: a string element has no host, so no binding ever matches it
  const taken: { host: string; ip: string; port: number; protocol: string; owner: string }[] = [];
  for (const s of m.services) {
    s.ports.forEach((p, i) => {
      if (p.published === undefined) return;
      const clash = taken.find(
        (t) => t.host === s.host && t.port === p.published && t.protocol === p.protocol && (t.ip === p.hostIp || ANY.has(t.ip) || ANY.has(p.hostIp)),
      );
      if (clash) {
        problems.push({ file: m.file, path: svcPath(s, "ports", i), message: `host port ${p.hostIp}:${p.published}/${p.protocol} on host "${s.host}" is already bound by service "${clash.owner}"` });
      } else taken.push({ host: s.host, ip: p.hostIp, port: p.published, protocol: p.protocol, owner: s.key });
    });
  }
  return problems;
};

export const checkReferences: Check = (m) => {
  const problems: ConfigProblem[] = [];
  const hosts = new Set(m.hosts.map((h) => h.name));
  const networks = new Set(m.networks.map((n) => n.name));
  const services = new Map(m.services.map((s) => [s.key, s]));
  for (const s of m.services) {
    if (!hosts.has(s.host)) problems.push({ file: m.file, path: svcPath(s, "host"), message: `unknown host "${s.host}" ${declaredNames(hosts)}` });
    s.networks.forEach((n, i) => {
      if (!networks.has(n)) problems.push({ file: m.file, path: svcPath(s, "networks", i), message: `unknown network "${n}" ${declaredNames(networks)}` });
    });
    s.dependsOn.forEach((d, i) => {
      const target = services.get(d);
      if (!target) problems.push({ file: m.file, path: svcPath(s, "dependsOn", i), message: `unknown service "${d}"` });
      else if (target.host !== s.host && hosts.has(s.host)) problems.push({ file: m.file, path: svcPath(s, "dependsOn", i), message: `"${d}" runs on host "${target.host}", not "${s.host}": start order only holds on one host` });
    });
    if (s.healthcheck && !["CMD", "CMD-SHELL", "NONE"].includes(s.healthcheck.tests[0])) {
      problems.push({ file: m.file, path: svcPath(s, "healthcheck", "test"), message: `a list must start with CMD, CMD-SHELL or NONE` });
    }
  }
  return problems;
};

export const checkDependencyCycles: Check = (m) => {
  const deps = new Map(m.services.map((s) => [s.key, s.dependsOn]));
  const state = new Map<string, "visiting" | "done">();
  const cycles: string[][] = [];
  const visit = (key: string, trail: string[]): void => {
    const next = deps.get(key);
    // An unknown target is checkReferences' problem, and can close no cycle.
    if (next === undefined || state.get(key) === "done") return;
    if (state.get(key) === "visiting") {
      cycles.push([...trail.slice(trail.indexOf(key)), key]);
      return;
    }
    state.set(key, "visiting");
    for (const d of next) visit(d, [...trail, key]);
    state.set(key, "done");
  };
  // Stryker disable next-line ArrayDeclaration: a cycle is cut from the trail at its first key, so a longer start drops out
  for (const s of m.services) visit(s.key, []);
  return cycles.map((c) => ({ file: m.file, path: formatPath(["services", c[0], "dependsOn"]), message: `dependency cycle: ${c.join(" -> ")}` }));
};

export const checkVolumes: Check = (m) => {
  const problems: ConfigProblem[] = [];
  for (const s of m.services) {
    // Files are copied in before start, which Docker refuses on a read-only root filesystem;
    // a Swarm mounts them instead (configs and secrets), which a read-only root takes.
    if (m.swarm === undefined && s.readOnly && s.files.length + s.secretFiles.length > 0) {
      problems.push({ file: m.file, path: svcPath(s, "readOnly"), message: `files and secretFiles cannot be copied into a read-only root filesystem; drop readOnly or mount the files from a volume` });
    }
    const targets = new Set<string>();
    s.volumes.forEach((v, i) => {
      if (targets.has(v.target)) problems.push({ file: m.file, path: svcPath(s, "volumes", i), message: `container path "${v.target}" is mounted twice` });
      targets.add(v.target);
    });
  }
  return problems;
};

export const checkIngress: Check = (m) => {
  const problems: ConfigProblem[] = [];
  const routed = m.services.filter((s) => s.ingress);
  const monitoringHosts = m.features.monitoring
    ? MONITORING_HOSTNAME_KEYS.flatMap((k) => {
        const h = m.monitoring[k];
        return h ? [{ path: formatPath(["monitoring", k]), hostname: h }] : [];
      })
    : [];
  const all = [
    ...routed.flatMap((s) => [
      { path: svcPath(s, "ingress", "hostname"), hostname: s.ingress!.hostname },
      ...s.ingress!.aliases.map((a, i) => ({ path: svcPath(s, "ingress", "aliases", i), hostname: a })),
    ]),
    ...monitoringHosts,
  ];
  if (all.length === 0) return problems;
  if (!m.features.tunnel) {
    for (const r of all) problems.push({ file: m.file, path: r.path, message: `a public hostname needs the tunnel: set homelab:features.tunnel to true or remove it` });
    return problems;
  }
  if (!m.cloudflare) problems.push({ file: m.file, path: "homelab:cloudflare", message: "the tunnel needs accountId, zoneId and zone" });
  const seen = new Map<string, string>();
  for (const r of all) {
    const zone = m.cloudflare?.zone;
    if (zone && r.hostname !== zone && !r.hostname.endsWith(`.${zone}`)) {
      problems.push({ file: m.file, path: r.path, message: `"${r.hostname}" is not inside the zone "${zone}"` });
    }
    const first = seen.get(r.hostname);
    if (first) problems.push({ file: m.file, path: r.path, message: `hostname "${r.hostname}" is already routed by ${first}` });
    else seen.set(r.hostname, r.path);
  }
  // An alias's route is named <service>-<hostname with dashes>; it must not take another route's name.
  // (The monitoring routes, grafana, jaeger and prometheus, hold no dash, so no alias can take theirs.)
  const routeKeys = new Set(routed.map((s) => s.key));
  for (const s of routed) {
    s.ingress!.aliases.forEach((a, i) => {
      const key = aliasRouteKey(s.key, a);
      if (routeKeys.has(key)) problems.push({ file: m.file, path: svcPath(s, "ingress", "aliases", i), message: `its route name "${key}" is already taken; rename the service` });
      routeKeys.add(key);
    });
  }
  for (const s of routed) {
    if (!s.listens.includes(s.ingress!.port)) {
      problems.push({ file: m.file, path: svcPath(s, "ingress", "port"), message: `service does not listen on ${s.ingress!.port} (it listens on ${s.listens.join(", ") || "nothing declared"}); set port or expose` });
    }
  }
  const protectedRoutes = routed.some((s) => !s.ingress!.public) || monitoringHosts.length > 0;
  const a = m.access;
  if (protectedRoutes && (a?.emails ?? []).length + (a?.emailDomains ?? []).length + (a?.groups ?? []).length === 0) {
    problems.push({ file: m.file, path: "homelab:access", message: "hostnames behind Cloudflare Access need at least one allow rule (emails, emailDomains or groups)" });
  }
  return problems;
};

export const checkGithub: Check = (m) => {
  const repos = m.services.filter((s) => s.repo);
  if (!m.features.ghcr || repos.length === 0) return [];
  const problems: ConfigProblem[] = [];
  if (!m.github) problems.push({ file: m.file, path: "homelab:github", message: `services with a repo need github.owner and github.ghcrPat (or set homelab:features.ghcr to false)` });
  else if (m.github.ghcrPat === undefined) problems.push({ file: m.file, path: "homelab:github.ghcrPat", message: "the PAT written to each repository's GHCR secret is missing" });
  return problems;
};

export const checkImages: Check = (m) => {
  const problems: ConfigProblem[] = [];
  const requireDigest = m.release.requireDigest ?? m.profile.requireDigest;
  try {
    // Stryker disable next-line StringLiteral: any valid pattern stands in for none
    new RegExp(m.release.immutableTag ?? "");
  } catch {
    problems.push({ file: m.file, path: "homelab:release.immutableTag", message: "is not a valid regular expression" });
  }
  for (const s of m.services) {
    if (requireDigest && !/@sha256:[0-9a-f]{64}$/.test(s.image)) {
      problems.push({ file: m.file, path: svcPath(s, "image"), message: `this stack requires a digest (image@sha256:...)` });
    }
  }
  return problems;
};

/**
 * Monitoring placement: its host exists, its UI ports are free, traced
 * services can reach Jaeger by name, its volumes are its own, and the tunnel
 * connector can reach the UIs it routes to.
 */
export const checkMonitoring: Check = (m) => {
  if (!m.features.monitoring) return [];
  const problems: ConfigProblem[] = [];
  const at = (...rest: PropertyKey[]): string => formatPath(["monitoring", ...rest]);
  const hosts = m.hosts.map((h) => h.name);
  // Undefined when no host is declared (the loader has said so): only the checks that need no host run then.
  const host: string | undefined = m.monitoring.host ?? hosts[0];
  if (m.monitoring.host !== undefined && !hosts.includes(m.monitoring.host)) {
    problems.push({ file: m.file, path: at("host"), message: `unknown host "${m.monitoring.host}" ${declaredNames(hosts)}` });
    // Everything below is relative to that host; one problem is enough.
    return problems;
  }
  const uiPorts = (["grafanaPort", "jaegerPort", "prometheusPort", "alertmanagerPort"] as const).flatMap((k) => (m.monitoring[k] === undefined ? [] : [{ key: k, port: m.monitoring[k]! }]));
  uiPorts.forEach((u, i) => {
    const twin = uiPorts.slice(0, i).find((o) => o.port === u.port);
    if (twin) problems.push({ file: m.file, path: at(u.key), message: `host port ${u.port} is already used by monitoring.${twin.key}` });
    // The UIs bind where buildMonitoring binds them: the profile's address, loopback if that means all interfaces.
    const bind = ANY.has(m.profile.defaultBindAddress) ? "127.0.0.1" : m.profile.defaultBindAddress;
    const svc = m.services.find((s) => s.host === host && s.ports.some((p) => p.published === u.port && p.protocol === "tcp" && (p.hostIp === bind || ANY.has(p.hostIp))));
    if (svc) problems.push({ file: m.file, path: at(u.key), message: `host port ${u.port} on host "${host}" is already bound by service "${svc.key}"` });
  });
  for (const s of m.services) {
    if (s.tracing && host !== undefined && (s.host !== host || !s.networks.includes(m.defaultNetwork))) {
      problems.push({
        file: m.file,
        path: svcPath(s, "tracing"),
        message: `traces go to http://jaeger:4317, which only resolves on network "${m.defaultNetwork}" of host "${host}"; add the network, move the service or turn tracing off`,
      });
    }
    if (s.host !== host) continue;
    s.volumes.forEach((v, i) => {
      // (Only a named volume can take the name: a bind source is an absolute path, as parse.ts requires.)
      if (v.type === "volume" && (Object.values(MONITORING_VOLUMES) as string[]).includes(v.source)) {
        problems.push({ file: m.file, path: svcPath(s, "volumes", i), message: `volume "${v.source}" belongs to the monitoring stack on host "${host}"; choose another name` });
      }
    });
  }
  const routed = MONITORING_HOSTNAME_KEYS.filter((k) => m.monitoring[k] !== undefined);
  const connector = m.cloudflare?.host ?? hosts[0];
  if (m.features.tunnel && routed.length > 0 && host !== undefined && connector !== host) {
    problems.push({ file: m.file, path: at(routed[0]), message: `the tunnel connector runs on host "${connector}" but monitoring on "${host}": it could not reach the UI by container name` });
  }
  return problems;
};

/** Route names the monitoring UIs take in this stack, with the key that routes each. */
function monitoringRoutes(m: HomelabModel): Map<string, string> {
  if (!m.features.monitoring) return new Map();
  return new Map(Object.entries(MONITORING_ROUTE_KEYS).filter(([, k]) => m.monitoring[k] !== undefined));
}

/**
 * The tunnel connector can reach what it routes: it runs on one host, on the
 * default network, and finds containers by name there. Route names are unique.
 */
export const checkTunnel: Check = (m) => {
  if (!m.features.tunnel) return [];
  const problems: ConfigProblem[] = [];
  const hosts = m.hosts.map((h) => h.name);
  // Undefined when no host is declared (the loader has said so): the connector has no place to check then.
  const host: string | undefined = m.cloudflare?.host ?? hosts[0];
  if (m.cloudflare?.host !== undefined && !hosts.includes(m.cloudflare.host)) {
    problems.push({ file: m.file, path: "homelab:cloudflare.host", message: `unknown host "${m.cloudflare.host}" ${declaredNames(hosts)}` });
    // Everything below is relative to that host; one problem is enough.
    return problems;
  }
  const uiRoutes = monitoringRoutes(m);
  for (const s of m.services) {
    if (!s.ingress) continue;
    if (host !== undefined) problems.push(...connectorReach(m, s, host));
    const ui = uiRoutes.get(s.key);
    if (ui !== undefined) {
      problems.push({ file: m.file, path: svcPath(s, "ingress"), message: `the monitoring UI routed by homelab:monitoring.${ui} already uses the route name "${s.key}"; rename the service` });
    }
  }
  return problems;
};

/** Whether the tunnel connector on `host` can reach a routed service: same host, and the default network. */
function connectorReach(m: HomelabModel, s: Service, host: string): ConfigProblem[] {
  if (s.host !== host) {
    return [{
      file: m.file,
      path: svcPath(s, "ingress"),
      message: `the tunnel connector runs on host "${host}" but this service on "${s.host}": cloudflared reaches containers by name on its own host only; move the service or set homelab:cloudflare.host`,
    }];
  }
  if (s.networks.includes(m.defaultNetwork)) return [];
  return [{
    file: m.file,
    path: svcPath(s, "networks"),
    message: `the tunnel connector is on network "${m.defaultNetwork}" only: add it to this service's networks so cloudflared can reach "${s.containerName}"`,
  }];
}

/** The GitHub provider writes under github.owner only, so every repository must be there. */
export const checkGhcrRepos: Check = (m) => {
  if (!m.features.ghcr || !m.github) return [];
  const owner = m.github.owner;
  return m.services.flatMap((s) => {
    const repoOwner = s.repo?.split("/")[0];
    if (repoOwner === undefined || repoOwner.toLowerCase() === owner.toLowerCase()) return [];
    return [{ file: m.file, path: svcPath(s, "repo"), message: `repository owner "${repoOwner}" is not homelab:github.owner "${owner}": the secret is written under "${owner}" only` }];
  });
};

/** Docker refuses a CPU cap above the host's CPU count, and a memory limit above the host's memory can never be met. */
export const checkHostCapacity: Check = (m) => {
  const problems: ConfigProblem[] = [];
  for (const s of m.services) {
    const host = m.hosts.find((h) => h.name === s.host);
    if (!host) continue;
    // A limit the service or the host leaves out never exceeds anything.
    if ((s.cpus ?? 0) > (host.cpus ?? Infinity)) {
      problems.push({ file: m.file, path: svcPath(s, "cpus"), message: `cpus ${s.cpus} is more than host "${host.name}" has (hosts.${host.name}.cpus: ${host.cpus}); Docker refuses to create the container` });
    }
    if ((s.memoryMb ?? 0) > (host.memoryMb ?? Infinity)) {
      problems.push({ file: m.file, path: svcPath(s, "memory"), message: `memory ${s.memoryMb} MiB is more than host "${host.name}" has (${host.memoryMb} MiB)` });
    }
  }
  return problems;
};

const CHECKS: readonly Check[] = [checkContainerNames, checkHostPorts, checkReferences, checkDependencyCycles, checkVolumes, checkIngress, checkGithub, checkImages, checkMonitoring, checkTunnel, checkGhcrRepos, checkHostCapacity, checkCustomAlerts, checkAlerting];

export function crossFieldProblems(model: HomelabModel): ConfigProblem[] {
  return CHECKS.flatMap((c) => c(model));
}
