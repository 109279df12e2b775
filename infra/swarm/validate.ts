/**
 * Cross-field checks of a Swarm stack. The engine-independent checks of
 * infra/validate.ts run as they are; the per-host ones (names, ports,
 * capacity, tunnel and monitoring placement) are replaced by Swarm's view:
 * names and published ports are cluster-wide, and a service runs on the
 * nodes its constraints allow.
 */
import { formatPath, type ConfigProblem } from "../errors";
import type { HomelabModel, Service } from "../model";
import { checkGhcrRepos, checkGithub, checkImages, checkIngress, checkReferences, checkVolumes } from "../validate";
import { eligibleNodes, parseConstraint, unknownNameProblem, type Constraint } from "./constraints";
import { isStateful, type SwarmServiceSpec, type SwarmSpec } from "./model";
import { checkSwarmMonitoring } from "./monitoringValidate";
import { checkSwarmFiles } from "./validateFiles";
import { checkGpus } from "./validateGpus";
import { withGpus } from "./gpus";

type SwarmCheck = (m: HomelabModel, swarm: SwarmSpec) => ConfigProblem[];

const svcPath = (s: Service, ...rest: PropertyKey[]): string => formatPath(["services", s.key, ...rest]);

/** Platform features whose Swarm rendering does not exist yet: refused rather than rendered wrong. */
export const checkFeatures: SwarmCheck = (m) => {
  const out: ConfigProblem[] = [];
  if (m.features.watchtower) {
    out.push({ file: m.file, path: formatPath(["features", "watchtower"]), message: "Watchtower updates containers, not Swarm services (the Swarm would undo it); set it to false and promote images with npm run promote" });
  }
  // The backup runner is a container beside the data; a Swarm rendering of it does not exist yet.
  if (m.backup.backups !== undefined) {
    out.push({ file: m.file, path: formatPath(["backups"]), message: "backups are not supported with homelab:engine: swarm yet; remove homelab:backups (back the nodes' volumes up outside homelab)" });
  }
  return out;
};

/** Service names are unique in the whole Swarm, not per host; the tunnel connector's is taken. */
export const checkServiceNames: SwarmCheck = (m) => {
  const seen = new Map<string, string>();
  return m.services.flatMap((s) => {
    if (m.features.tunnel && s.containerName === "cloudflared") {
      return [{ file: m.file, path: svcPath(s, "containerName"), message: `Swarm service name "cloudflared" is taken by the tunnel connector; rename the service or set containerName` }];
    }
    const first = seen.get(s.containerName);
    if (first === undefined) {
      seen.set(s.containerName, s.key);
      return [];
    }
    return [{ file: m.file, path: svcPath(s, "containerName"), message: `Swarm service name "${s.containerName}" is already used by service "${first}"` }];
  });
};

/** The routing mesh publishes a port on every node: two services cannot share one, whatever their host or address. */
export const checkPublishedPorts: SwarmCheck = (m) => {
  const taken = new Map<string, string>();
  const out: ConfigProblem[] = [];
  for (const s of m.services) {
    s.ports.forEach((p, i) => {
      if (p.published === undefined) return;
      const id = `${p.published}/${p.protocol}`;
      const owner = taken.get(id);
      if (owner !== undefined) out.push({ file: m.file, path: svcPath(s, "ports", i), message: `port ${id} is already published by service "${owner}" (Swarm publishes on every node)` });
      else taken.set(id, s.key);
    });
  }
  return out;
};

/** Swarm has no start order; said instead of ignored. */
export const checkUnsupportedServiceKeys: SwarmCheck = (m) =>
  m.services.flatMap((s) => [
    ...(s.dependsOn.length > 0
      ? [{ file: m.file, path: svcPath(s, "dependsOn"), message: "Swarm starts services in no particular order: remove dependsOn and let the service retry until what it needs answers" }]
      : []),
  ]);

function parsedConstraints(m: HomelabModel, s: Service, spec: SwarmServiceSpec, out: ConfigProblem[]): Constraint[] | undefined {
  const offset = spec.pinnedHost === undefined ? 0 : 1;
  const parsed: Constraint[] = [];
  let ok = true;
  spec.constraints.forEach((text, i) => {
    const path = i < offset ? svcPath(s, "host") : svcPath(s, "placement", "constraints", i - offset);
    // An undeclared host is checkReferences' to report, once.
    if (i < offset && !m.hosts.some((h) => h.name === spec.pinnedHost)) {
      ok = false;
      return;
    }
    const r = parseConstraint(text);
    if (!r.ok) {
      out.push({ file: m.file, path, message: r.error });
      ok = false;
      return;
    }
    const unknown = unknownNameProblem(m.swarm!.nodes, r.constraint);
    if (unknown !== undefined) {
      out.push({ file: m.file, path, message: unknown });
      ok = false;
    }
    parsed.push(r.constraint);
  });
  return ok ? parsed : undefined;
}

/**
 * Every constraint names a node or label some declared node has, some node
 * satisfies them all, and a service writing a named volume (node-local in a
 * Swarm) can run on exactly one node, with one task.
 */
export const checkPlacement: SwarmCheck = (m, swarm) => {
  const out: ConfigProblem[] = [];
  for (const s of m.services) {
    const spec = swarm.services[s.key];
    const constraints = parsedConstraints(m, s, spec, out);
    spec.spread.forEach((pref, i) => {
      const label = pref.slice("spread=node.labels.".length);
      if (!swarm.nodes.some((n) => n.labels[label] !== undefined)) out.push({ file: m.file, path: svcPath(s, "placement", "spread", i), message: `no declared node has the label "${label}"` });
    });
    if (spec.maxReplicasPerNode !== undefined && spec.replicas === "global") {
      out.push({ file: m.file, path: svcPath(s, "placement", "maxReplicasPerNode"), message: "a global service runs one task per node already; remove maxReplicasPerNode" });
    }
    if (constraints === undefined) continue;
    const allowed = eligibleNodes(swarm.nodes, constraints);
    if (allowed.length === 0) {
      out.push({ file: m.file, path: svcPath(s, "placement", "constraints"), message: "no declared node satisfies every constraint: the service would never be scheduled" });
      continue;
    }
    // The scheduler also skips nodes without the GPUs the service reserves (none left is checkGpus' to report).
    const nodes = withGpus(spec, allowed);
    if (nodes.length === 0) continue;
    if (isStateful(s)) {
      if (nodes.length > 1) {
        out.push({
          file: m.file,
          path: svcPath(s, "placement", "constraints"),
          message: `writes a named volume, which lives on one node, but could run on ${nodes.map((n) => n.host).join(", ")}: pin it with host or a constraint such as node.hostname == ${nodes[0].hostname}`,
        });
      }
      if (typeof spec.replicas === "number" && spec.replicas > 1) {
        out.push({ file: m.file, path: svcPath(s, "replicas"), message: "a service writing a named volume runs one task: several would write the same data" });
      }
    }
    out.push(...capacityProblems(m, s, nodes.map((n) => n.host)));
    const replicas = spec.replicas;
    if (spec.maxReplicasPerNode !== undefined && typeof replicas === "number" && replicas > spec.maxReplicasPerNode * nodes.length) {
      out.push({ file: m.file, path: svcPath(s, "replicas"), message: `${replicas} replicas at most ${spec.maxReplicasPerNode} per node need more than the ${nodes.length} eligible node(s)` });
    }
  }
  return out;
};

/** Limits no eligible node could meet leave the task pending forever. */
function capacityProblems(m: HomelabModel, s: Service, eligible: readonly string[]): ConfigProblem[] {
  const hosts = m.hosts.filter((h) => eligible.includes(h.name));
  const out: ConfigProblem[] = [];
  if (s.cpus !== undefined && hosts.every((h) => h.cpus !== undefined && h.cpus < s.cpus!)) {
    out.push({ file: m.file, path: svcPath(s, "cpus"), message: `cpus ${s.cpus} is more than any eligible node has` });
  }
  if (s.memoryMb !== undefined && hosts.every((h) => h.memoryMb !== undefined && h.memoryMb < s.memoryMb!)) {
    out.push({ file: m.file, path: svcPath(s, "memory"), message: `memory ${s.memoryMb} MiB is more than any eligible node has` });
  }
  return out;
}

/** Swarm's rollback has no rollback of its own. */
export const checkRollout: SwarmCheck = (m, swarm) =>
  m.services.flatMap((s) =>
    swarm.services[s.key].rollback.failureAction === "rollback"
      ? [{ file: m.file, path: svcPath(s, "rollback", "failureAction"), message: "a rollback that fails can pause or continue, not roll back" }]
      : [],
  );

/** The connector runs on two nodes of its own choosing and reaches services by name on the default overlay network. */
export const checkSwarmTunnel: SwarmCheck = (m) => {
  if (!m.features.tunnel) return [];
  const out: ConfigProblem[] = [];
  if (m.cloudflare?.host !== undefined) {
    out.push({ file: m.file, path: "homelab:cloudflare.host", message: "the Swarm places the tunnel connector (two replicas on different nodes): remove homelab:cloudflare.host" });
  }
  for (const s of m.services) {
    if (s.ingress && !s.networks.includes(m.defaultNetwork)) {
      out.push({ file: m.file, path: svcPath(s, "networks"), message: `the tunnel connector is on network "${m.defaultNetwork}" only: add it to this service's networks so cloudflared can reach "${s.containerName}"` });
    }
  }
  return out;
};

const SWARM_CHECKS: readonly SwarmCheck[] = [
  checkFeatures,
  checkSwarmTunnel,
  checkServiceNames,
  checkPublishedPorts,
  checkUnsupportedServiceKeys,
  checkPlacement,
  checkRollout,
  checkSwarmFiles,
  checkGpus,
  checkSwarmMonitoring,
];

/** Every problem of a Swarm stack: the engine-independent checks plus Swarm's own. */
export function swarmProblems(m: HomelabModel): ConfigProblem[] {
  if (m.swarm === undefined) return [];
  const shared = [checkReferences, checkVolumes, checkIngress, checkGithub, checkImages, checkGhcrRepos].flatMap((c) => c(m));
  return [...shared, ...SWARM_CHECKS.flatMap((c) => c(m, m.swarm!))];
}
