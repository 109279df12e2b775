/**
 * Where the monitoring stack runs on a Swarm, as pure data the build, the
 * plan and validation share: the per-node agents (cAdvisor, node-exporter,
 * the log shipper) run one task on every node; everything that keeps data
 * (Prometheus, Loki, Grafana, Alertmanager, the Pushgateway) and Jaeger's
 * in-memory store run one task pinned to the monitoring host, because a
 * named volume lives on one node only; so does the Docker API proxy
 * Prometheus discovers tasks through, which needs a manager's socket.
 */
import type { HomelabModel } from "../model";
import { defaultRollout, type SwarmServiceSpec, type SwarmSpec } from "./model";
import { SOCKET_PROXY_KEY } from "./socketProxy";

/** Monitoring services with one task per node. */
export const SWARM_GLOBAL_AGENTS: readonly string[] = ["cadvisor", "node-exporter", "alloy"];

/** Monitoring services that write a named volume: stop-first rollouts (the pinned ones also run one task; Alloy is global). */
const STATEFUL = new Set(["prometheus", "loki", "grafana", "alertmanager", "pushgateway", "alloy"]);

/**
 * The node the pinned monitoring services run on: homelab:monitoring.host, else
 * the manager the program talks to. Prometheus discovers tasks through a manager's
 * API (the proxy's socket), so this node must be a manager (checkSwarmMonitoring).
 */
export function swarmMonitoringHost(model: HomelabModel, swarm: SwarmSpec): string {
  return model.monitoring.host ?? swarm.manager;
}

/** Service keys (= Swarm service names) of the monitoring stack, in the order they are built. */
export function swarmMonitoringKeys(model: HomelabModel): string[] {
  if (!model.features.monitoring) return [];
  return [
    "cadvisor",
    ...(model.monitoring.nodeExporter === true ? ["node-exporter"] : []),
    ...(model.backup.backups !== undefined ? ["pushgateway"] : []),
    "jaeger",
    "alertmanager",
    SOCKET_PROXY_KEY,
    "prometheus",
    "loki",
    "alloy",
    "grafana",
  ];
}

/** How the Swarm schedules one monitoring service. */
export function swarmMonitoringSpec(swarm: SwarmSpec, host: string, key: string): SwarmServiceSpec {
  const global = SWARM_GLOBAL_AGENTS.includes(key);
  const stateful = STATEFUL.has(key);
  const hostname = swarm.nodes.find((n) => n.host === host)?.hostname ?? host;
  return {
    replicas: global ? "global" : 1,
    constraints: global ? [] : [`node.hostname == ${hostname}`],
    spread: [],
    maxReplicasPerNode: undefined,
    update: defaultRollout("update", stateful),
    rollback: defaultRollout("rollback", stateful),
    secretsAs: "files",
    pinnedHost: global ? undefined : host,
  };
}

/** `[service, tasks, nodes]` rows of the plan's Swarm table for the monitoring services. */
export function swarmMonitoringRows(model: HomelabModel): [string, string, string][] {
  const swarm = model.swarm;
  if (swarm === undefined) return [];
  const host = swarmMonitoringHost(model, swarm);
  const all = swarm.nodes.map((n) => n.host).join(", ");
  return swarmMonitoringKeys(model).map((key) => (SWARM_GLOBAL_AGENTS.includes(key) ? [key, "one per node", all] : [key, "1 replica", host]));
}
