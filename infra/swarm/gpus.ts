/**
 * GPUs on a Swarm. A Swarm task cannot be given devices the way `docker run
 * --gpus` is; instead each GPU node advertises its GPUs as generic resources
 * (`node-generic-resources` in its daemon.json, one `<kind>=<GPU UUID>` per
 * GPU) and a service reserves a number of that kind. The scheduler then puts
 * the task on a node with enough unreserved GPUs, and the node hands the
 * task the GPUs it picked in `DOCKER_RESOURCE_<KIND>` (swarmkit
 * api/genericresource EnvFormat), which the NVIDIA runtime reads when its
 * `swarm-resource` setting names that variable.
 */
import type { SwarmNode, SwarmServiceSpec } from "./model";

/** The generic resource kind NVIDIA's set-up advertises. */
export const DEFAULT_GPU_KIND = "NVIDIA-GPU";

/** A number of GPUs, or every GPU of the node the task lands on. */
export type GpuRequest = number | "all";

export type ParsedGpus = { ok: true; request: GpuRequest } | { ok: false; error: string };

/** The `gpus` forms a Swarm can reserve: `all`, `N` or `count=N`, N at least 1. */
export function parseGpuRequest(text: string): ParsedGpus {
  const t = text.trim();
  if (t === "all" || t === "count=all") return { ok: true, request: "all" };
  const m = /^(?:count=)?(\d+)$/.exec(t);
  if (m && Number(m[1]) >= 1) return { ok: true, request: Number(m[1]) };
  return { ok: false, error: `"${text}": a Swarm reserves GPUs by number and picks the devices itself; write all, a count such as "1", or count=N` };
}

/** GPUs a node declares (homelab:hosts.<h>.gpus), 0 when it declares none. */
export const gpusOf = (n: SwarmNode): number => n.gpus ?? 0;

/** Of the nodes a service's constraints allow, those with the GPUs it reserves; all of them when it reserves none. */
export function withGpus(spec: Pick<SwarmServiceSpec, "gpuRequest">, nodes: readonly SwarmNode[]): SwarmNode[] {
  const r = spec.gpuRequest;
  if (r === undefined) return [...nodes];
  return nodes.filter((n) => (r === "all" ? gpusOf(n) > 0 : gpusOf(n) >= r));
}

/**
 * The number each task reserves: the count asked for, or for `all` the
 * GPUs of the eligible GPU nodes (the smallest, so every one of them can
 * take the task; validation refuses `all` over nodes with different counts).
 */
export function gpuCount(request: GpuRequest, eligible: readonly SwarmNode[]): number | undefined {
  if (request !== "all") return request;
  const counts = eligible.map(gpusOf).filter((c) => c > 0);
  return counts.length === 0 ? undefined : Math.min(...counts);
}
