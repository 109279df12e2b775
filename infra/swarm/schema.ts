/**
 * The Swarm keys of the stack config, kept apart from infra/config.ts so the
 * engine switch is one spread per schema there. Docker-engine stacks never
 * read them; a Swarm stack reads them through infra/swarm/model.ts.
 */
import { z } from "zod";

const duration = z.string().regex(/^\d+(ms|s|m|h)$/, "must be a duration such as 10s or 1m");

/** Node labels as `docker node update --label-add key=value` writes them. */
const nodeLabels = z.record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "must be a label name such as gpu or storage"), z.string());

/** How Swarm rolls a change out, or back: Compose's `deploy.update_config` / `rollback_config`. */
const rollout = z.strictObject({
  /** Tasks changed at once; 0 changes them all at once. */
  parallelism: z.number().int().min(0).optional(),
  /** Wait between two batches. */
  delay: duration.optional(),
  /** `start-first` starts the new task before stopping the old one (needs room for both). */
  order: z.enum(["stop-first", "start-first"]).optional(),
  /** What Swarm does when a task fails during the rollout. */
  failureAction: z.enum(["pause", "continue", "rollback"]).optional(),
  /** How long each new task is watched for failure (its health check included). */
  monitor: duration.optional(),
  /** Share of failed tasks tolerated before failureAction, 0 to 1. */
  maxFailureRatio: z.number().min(0).max(1).optional(),
});

const placement = z.strictObject({
  /** Swarm constraints: `node.labels.gpu == true`, `node.hostname == storage`, `node.role == manager`. */
  constraints: z.array(z.string().min(1)).optional(),
  /** Node labels the replicas spread over evenly (`zone` becomes `spread=node.labels.zone`). */
  spread: z.array(z.string().min(1)).optional(),
  /** At most this many replicas on one node; 1 puts every replica on a different node. */
  maxReplicasPerNode: z.number().int().min(1).optional(),
});

/** Spread into the host schema. */
export const swarmHostFields = {
  /** Swarm role of this node; the manager is where the program talks to the Swarm. */
  role: z.enum(["manager", "worker"]).optional(),
  /** The node's hostname as `docker node ls` shows it (Swarm engine only); defaults to the host key. */
  hostname: z.string().min(1).optional(),
  /** Node labels (Swarm engine only), matched by placement constraints. */
  labels: nodeLabels.optional(),
  /** GPUs the node advertises as generic resources (`node-generic-resources` in its daemon.json; Swarm engine only). */
  gpus: z.number().int().min(1).optional(),
};

/** Spread into the network schema. */
export const swarmNetworkFields = {
  /** Swarm engine: encrypt the overlay's traffic between nodes (IPsec; costs CPU). */
  encrypted: z.boolean().optional(),
};

/** Spread into the service schema. */
export const swarmServiceFields = {
  /** Number of tasks (Swarm engine only), or `global` for one task on every eligible node. */
  replicas: z.union([z.number().int().min(0), z.literal("global")]).optional(),
  placement: placement.optional(),
  update: rollout.optional(),
  rollback: rollout.optional(),
  /** Swarm engine: `files` delivers secretEnvironment as Swarm secrets under /run/secrets/<NAME>. */
  secretsAs: z.enum(["env", "files"]).optional(),
};

export const swarmSchema = z.strictObject({
  /** Host (a key of homelab:hosts) whose Docker endpoint is a Swarm manager; defaults to the first manager. */
  manager: z.string().optional(),
  /** Default for services' secretsAs. */
  secretsAs: z.enum(["env", "files"]).optional(),
  /** Generic resource kind the GPU nodes advertise and GPU services reserve. */
  gpuKind: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/, "must be a resource kind such as NVIDIA-GPU").optional(),
});

/** Spread into the top-level schema. */
export const swarmConfigFields = {
  /** `docker`: each host its own engine; `swarm`: the hosts are one Swarm. */
  engine: z.enum(["docker", "swarm"]).optional(),
  swarm: swarmSchema.optional(),
};

export type RawRollout = z.infer<typeof rollout>;
export type RawPlacement = z.infer<typeof placement>;
export type SwarmConfig = z.infer<typeof swarmSchema>;
