/**
 * A GPU service on a Swarm: its `gpus` must be a form a Swarm can reserve,
 * and some node it may run on must declare enough GPUs, else its tasks
 * would stay pending forever.
 */
import { formatPath, type ConfigProblem } from "../errors";
import type { HomelabModel, Service } from "../model";
import { eligibleNodes, parseConstraint, type Constraint } from "./constraints";
import { gpusOf, parseGpuRequest, withGpus, type GpuRequest } from "./gpus";
import type { SwarmNode, SwarmSpec } from "./model";

const declared = (nodes: readonly SwarmNode[]): string => {
  const withGpu = nodes.filter((n) => gpusOf(n) > 0);
  return withGpu.length === 0 ? "none declares any" : withGpu.map((n) => `${n.host}: ${gpusOf(n)}`).join(", ");
};

function requestProblem(request: GpuRequest, eligible: readonly SwarmNode[]): string | undefined {
  const fit = withGpus({ gpuRequest: request }, eligible);
  const want = request === "all" ? "GPUs" : `${request} GPU${request === 1 ? "" : "s"}`;
  if (fit.length === 0) {
    return `no node the service may run on (${eligible.map((n) => n.host).join(", ")}) declares ${want} (${declared(eligible)}): set homelab:hosts.<host>.gpus on the GPU node and advertise them in its daemon.json (README, Docker Swarm)`;
  }
  const counts = new Set(fit.map(gpusOf));
  if (request === "all" && counts.size > 1) {
    return `all means every GPU of the node, but the nodes it may run on declare different counts (${declared(fit)}): reserve a count such as "1"`;
  }
  return undefined;
}

/**
 * The Swarm places tasks by constraints, not by free GPUs: a global service
 * gets a task on every node it may run on, and replicas need room for their
 * reservations, else the extra tasks stay pending.
 */
function capacityProblem(request: GpuRequest, replicas: number | "global", eligible: readonly SwarmNode[]): string | undefined {
  const fit = withGpus({ gpuRequest: request }, eligible);
  if (replicas === "global") {
    const short = eligible.filter((n) => !fit.includes(n));
    return short.length === 0
      ? undefined
      : `a global service runs a task on every node it may run on, and ${short.map((n) => n.host).join(", ")} cannot reserve its GPUs: constrain it to the GPU nodes`;
  }
  const room = fit.reduce((n, node) => n + (request === "all" ? 1 : Math.floor(gpusOf(node) / request)), 0);
  return replicas <= room ? undefined : `${replicas} replicas need more GPUs than the nodes it may run on declare (room for ${room} task${room === 1 ? "" : "s"}: ${declared(fit)})`;
}

function constraintsOf(spec: SwarmSpec["services"][string]): Constraint[] | undefined {
  const parsed = spec.constraints.map(parseConstraint);
  // An unparsable constraint is checkPlacement's to report.
  return parsed.every((r) => r.ok) ? parsed.flatMap((r) => (r.ok ? [r.constraint] : [])) : undefined;
}

function gpuProblems(m: HomelabModel, swarm: SwarmSpec, s: Service): ConfigProblem[] {
  if (s.gpus === undefined) return [];
  const path = formatPath(["services", s.key, "gpus"]);
  const parsed = parseGpuRequest(s.gpus);
  if (!parsed.ok) return [{ file: m.file, path, message: parsed.error }];
  const constraints = constraintsOf(swarm.services[s.key]);
  if (constraints === undefined) return [];
  const eligible = eligibleNodes(swarm.nodes, constraints);
  // No node at all is checkPlacement's to report.
  const problem = eligible.length === 0 ? undefined : (requestProblem(parsed.request, eligible) ?? capacityProblem(parsed.request, swarm.services[s.key].replicas, eligible));
  return problem === undefined ? [] : [{ file: m.file, path, message: problem }];
}

export function checkGpus(m: HomelabModel, swarm: SwarmSpec): ConfigProblem[] {
  return m.services.flatMap((s) => gpuProblems(m, swarm, s));
}
