/**
 * The Swarm part of the typed model: nodes with their labels, and per
 * service the scheduling (replicas, placement) and rollout settings with
 * their defaults applied. Pure; built by load.ts for `homelab:engine: swarm`.
 */
import type { RawConfig } from "../config";
import { declaredNames, formatPath, type ConfigProblem } from "../errors";
import type { Service } from "../model";
import type { RawRollout } from "./schema";
import { eligibleNodes, validConstraints } from "./constraints";
import { DEFAULT_GPU_KIND, gpuCount, parseGpuRequest, withGpus, type GpuRequest } from "./gpus";

export type NodeRole = "manager" | "worker";

export interface SwarmNode {
  /** Key under `homelab:hosts`. */
  readonly host: string;
  /** What Swarm calls the node (`node.hostname`). */
  readonly hostname: string;
  readonly role: NodeRole;
  readonly labels: Readonly<Record<string, string>>;
  /** GPUs the node advertises as generic resources; undefined when it declares none. */
  readonly gpus?: number;
}

export interface Rollout {
  readonly parallelism: number;
  readonly delay: string;
  readonly order: "stop-first" | "start-first";
  readonly failureAction: "pause" | "continue" | "rollback";
  readonly monitor: string;
  readonly maxFailureRatio: number;
}

export interface SwarmServiceSpec {
  /** Number of tasks, or one per eligible node. */
  readonly replicas: number | "global";
  /** Constraints as Swarm takes them, the service's `host` pin included. */
  readonly constraints: readonly string[];
  /** Spread preferences as Swarm takes them (`spread=node.labels.zone`). */
  readonly spread: readonly string[];
  readonly maxReplicasPerNode: number | undefined;
  readonly update: Rollout;
  readonly rollback: Rollout;
  readonly secretsAs: "env" | "files";
  /** The `host` the config pinned the service to, if it named one. */
  readonly pinnedHost: string | undefined;
  /** GPUs the service reserves (its `gpus`, when a Swarm can take that form). */
  readonly gpuRequest?: GpuRequest;
  /** The generic resource each task reserves, `all` resolved against the eligible nodes. */
  readonly gpus?: { readonly kind: string; readonly count: number };
}

export interface SwarmSpec {
  /** Host whose Docker endpoint is the manager the program talks to. */
  readonly manager: string;
  readonly nodes: readonly SwarmNode[];
  /** Per service key. */
  readonly services: Readonly<Record<string, SwarmServiceSpec>>;
  /** Overlay networks whose traffic between nodes is encrypted. */
  readonly encryptedNetworks: readonly string[];
  /** Generic resource kind of the nodes' GPUs. */
  readonly gpuKind?: string;
}

/**
 * Rollout defaults: one task at a time, each watched for 30s (long enough for
 * a health check at the usual 10s interval to fail three times) and rolled
 * back automatically on failure. start-first keeps a stateless service up
 * during the update; a service with a named volume stops first, so two tasks
 * never write the same data.
 */
export function defaultRollout(kind: "update" | "rollback", stateful: boolean): Rollout {
  return {
    parallelism: 1,
    delay: kind === "update" ? "10s" : "0s",
    order: stateful ? "stop-first" : "start-first",
    failureAction: kind === "update" ? "rollback" : "pause",
    monitor: "30s",
    maxFailureRatio: 0,
  };
}

function rollout(raw: RawRollout | undefined, kind: "update" | "rollback", stateful: boolean): Rollout {
  const d = defaultRollout(kind, stateful);
  return {
    parallelism: raw?.parallelism ?? d.parallelism,
    delay: raw?.delay ?? d.delay,
    order: raw?.order ?? d.order,
    failureAction: raw?.failureAction ?? d.failureAction,
    monitor: raw?.monitor ?? d.monitor,
    maxFailureRatio: raw?.maxFailureRatio ?? d.maxFailureRatio,
  };
}

/** The Swarm spec of a `homelab:engine: swarm` stack, or undefined for a Docker-engine stack. */
export function swarmSpecFrom(file: string, cfg: RawConfig, parsed: readonly Service[], problems: ConfigProblem[]): SwarmSpec | undefined {
  const hosts = Object.entries(cfg.hosts ?? { local: {} });
  if ((cfg.engine ?? "docker") !== "swarm") {
    problems.push(...dockerEngineProblems(file, cfg));
    return undefined;
  }
  const nodes: SwarmNode[] = hosts.map(([host, h]) => ({ host, hostname: h.hostname ?? host, role: h.role ?? "worker", labels: h.labels ?? {}, gpus: h.gpus }));
  const manager = cfg.swarm?.manager ?? nodes.find((n) => n.role === "manager")?.host ?? nodes[0]?.host ?? "local";
  if (cfg.hosts !== undefined && !cfg.hosts[manager]) {
    problems.push({ file, path: formatPath(["swarm", "manager"]), message: `unknown host "${manager}" ${declaredNames(nodes.map((n) => n.host))}` });
  }
  // The manager the program talks to is a manager whatever the config says; an explicit worker is a contradiction.
  const managerNodes = nodes.map((n) => (n.host === manager && cfg.hosts?.[manager]?.role === undefined ? { ...n, role: "manager" as const } : n));
  if (cfg.hosts?.[manager]?.role === "worker") {
    problems.push({ file, path: formatPath(["hosts", manager, "role"]), message: `the Swarm manager (homelab:swarm.manager) cannot be a worker` });
  }
  const byHost = new Map(managerNodes.map((n) => [n.host, n]));
  const services: Record<string, SwarmServiceSpec> = {};
  for (const [key, svc] of Object.entries(cfg.services ?? {})) {
    const stateful = isStateful(parsed.find((p) => p.key === key));
    const pin = svc.host === undefined ? [] : [`node.hostname == ${byHost.get(svc.host)?.hostname ?? svc.host}`];
    services[key] = {
      replicas: svc.replicas ?? 1,
      constraints: [...pin, ...(svc.placement?.constraints ?? [])],
      spread: (svc.placement?.spread ?? []).map((l) => `spread=node.labels.${l}`),
      maxReplicasPerNode: svc.placement?.maxReplicasPerNode,
      update: rollout(svc.update, "update", stateful),
      rollback: rollout(svc.rollback, "rollback", stateful),
      secretsAs: svc.secretsAs ?? cfg.swarm?.secretsAs ?? "env",
      pinnedHost: svc.host,
    };
  }
  const encryptedNetworks = Object.entries(cfg.networks ?? {}).flatMap(([n, v]) => (v.encrypted === true ? [n] : []));
  const gpuKind = cfg.swarm?.gpuKind ?? DEFAULT_GPU_KIND;
  return { manager, nodes: managerNodes, services: withGpuReservations(services, cfg, managerNodes, gpuKind), encryptedNetworks, gpuKind };
}

/** Each GPU service's reservation; a form a Swarm cannot take is left for validation to report. */
function withGpuReservations(services: Record<string, SwarmServiceSpec>, cfg: RawConfig, nodes: readonly SwarmNode[], kind: string): Record<string, SwarmServiceSpec> {
  return Object.fromEntries(
    Object.entries(services).map(([key, spec]) => {
      const text = cfg.services?.[key]?.gpus;
      const parsed = text === undefined ? undefined : parseGpuRequest(text);
      if (parsed === undefined || !parsed.ok) return [key, spec];
      const count = gpuCount(parsed.request, withGpus({ gpuRequest: parsed.request }, eligibleNodes(nodes, validConstraints(spec.constraints))));
      return [key, { ...spec, gpuRequest: parsed.request, gpus: count === undefined ? undefined : { kind, count } }];
    }),
  );
}

/** Writes to a named volume, which in a Swarm lives on one node only. */
export function isStateful(s: Pick<Service, "volumes"> | undefined): boolean {
  return (s?.volumes ?? []).some((v) => v.type === "volume" && !v.readOnly);
}

/** Swarm-only keys in a Docker-engine stack: silently ignored they would be a surprise. */
function dockerEngineProblems(file: string, cfg: RawConfig): ConfigProblem[] {
  const hint = "only applies with homelab:engine: swarm";
  const out: ConfigProblem[] = [];
  if (cfg.swarm !== undefined) out.push({ file, path: formatPath(["swarm"]), message: hint });
  for (const [net, n] of Object.entries(cfg.networks ?? {})) if (n.encrypted !== undefined) out.push({ file, path: formatPath(["networks", net, "encrypted"]), message: hint });
  for (const [host, h] of Object.entries(cfg.hosts ?? {})) {
    for (const k of ["role", "labels", "hostname", "gpus"] as const) if (h[k] !== undefined) out.push({ file, path: formatPath(["hosts", host, k]), message: hint });
  }
  for (const [key, s] of Object.entries(cfg.services ?? {})) {
    for (const k of ["replicas", "placement", "update", "rollback", "secretsAs"] as const) {
      if (s[k] !== undefined) out.push({ file, path: formatPath(["services", key, k]), message: hint });
    }
  }
  return out;
}
