/**
 * The Swarm part of a plan: per service, its tasks and the nodes the Swarm
 * may put them on (its constraints read against the declared nodes).
 */
import type { HomelabModel } from "../model";
import { nodesFor } from "../swarm/build";

/** `[service, tasks, nodes]` rows; empty for a Docker-engine stack. */
export function swarmRows(model: HomelabModel): [string, string, string][] {
  const swarm = model.swarm;
  if (swarm === undefined) return [];
  return model.services.map((s) => {
    const spec = swarm.services[s.key];
    const tasks = spec.replicas === "global" ? "one per node" : `${spec.replicas} replica${spec.replicas === 1 ? "" : "s"}${spec.maxReplicasPerNode === undefined ? "" : `, at most ${spec.maxReplicasPerNode} per node`}`;
    return [s.containerName, tasks, nodesFor(swarm, s.key).join(", ")];
  });
}

export const SWARM_HEADER = ["SERVICE", "TASKS", "NODES"] as const;
