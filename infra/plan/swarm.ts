/**
 * The Swarm part of a plan: per service, its tasks and the nodes the Swarm
 * may put them on (its constraints read against the declared nodes).
 */
import type { HomelabModel } from "../model";
import { nodesFor } from "../swarm/build";
import { swarmMonitoringRows } from "../swarm/monitoringSpec";

/** `[service, tasks, nodes]` rows, the monitoring services after the stack's own; empty for a Docker-engine stack. */
export function swarmRows(model: HomelabModel): [string, string, string][] {
  const swarm = model.swarm;
  if (swarm === undefined) return [];
  return model.services.map((s) => {
    const spec = swarm.services[s.key];
    const tasks = spec.replicas === "global" ? "one per node" : `${spec.replicas} replica${spec.replicas === 1 ? "" : "s"}${spec.maxReplicasPerNode === undefined ? "" : `, at most ${spec.maxReplicasPerNode} per node`}`;
    return [s.containerName, tasks, nodesFor(swarm, s.key).join(", ")] as [string, string, string];
  }).concat(swarmMonitoringRows(model));
}

export const SWARM_HEADER = ["SERVICE", "TASKS", "NODES"] as const;
