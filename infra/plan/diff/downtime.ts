/**
 * Which containers go down, in the order the engine takes them down and
 * brings them back: replacements follow the new program's dependency order
 * (a dependency before what depends on it). With `deleteBeforeReplace` the
 * old container is removed first (its name and host ports are unique on the
 * host), so the service is down until the new one starts; with `wait` the
 * engine waits for the new one to report healthy before going on.
 * Containers that only update in place (restart policy, memory) keep running.
 */
import { CONTAINER_TYPE } from "../endpoints";
import type { ResourceChange } from "./changes";
import { dockerName, hostOf } from "./hosts";
import type { PlanSide, SideResource } from "./side";

export interface DowntimeEntry {
  /** 1-based: the order in which the engine replaces them. */
  readonly order: number;
  readonly container: string;
  readonly urn: string;
  readonly host: string | undefined;
  readonly action: "replace" | "delete";
  readonly reasons: readonly string[];
  readonly deleteBeforeReplace: boolean;
  readonly waitHealthy: boolean;
  /** Containers that declare a dependency on this one (dependsOn). */
  readonly dependents: readonly string[];
  /** Public hostnames routed to it. */
  readonly hostnames: readonly string[];
  /** Resources replaced with deleteBeforeReplace that take this container down before they go (a network). */
  readonly downBefore: readonly string[];
  readonly text: string;
}

/** The resources of `side` in an order where every dependency comes first. */
function dependencyOrder(side: PlanSide, urns: ReadonlySet<string>): SideResource[] {
  const byUrn = new Map(side.resources.map((r) => [r.urn, r]));
  const out: SideResource[] = [];
  const seen = new Set<string>();
  const visit = (r: SideResource): void => {
    if (seen.has(r.urn)) return;
    seen.add(r.urn);
    for (const d of r.dependencies) {
      const dep = byUrn.get(d);
      if (dep) visit(dep);
    }
    if (urns.has(r.urn)) out.push(r);
  };
  side.resources.forEach(visit);
  return out;
}

function describe(e: Omit<DowntimeEntry, "text" | "order">): string {
  const where = e.host ? ` on ${e.host}` : "";
  if (e.action === "delete") return `${e.container}${where} is removed and not replaced: it stays down.`;
  const why = e.reasons.length > 0 ? ` (${e.reasons.join(", ")})` : "";
  const swap = e.deleteBeforeReplace
    ? "the old container is stopped and removed first (deleteBeforeReplace), then the new one starts: down in between"
    : "the new container starts before the old one is removed";
  const first = e.downBefore.length > 0 ? `; it goes down before ${e.downBefore.join(", ")} is replaced and comes back after` : "";
  const wait = e.waitHealthy ? "; the deployment waits until it reports healthy" : "; nothing waits for it to be healthy";
  const deps = e.dependents.length > 0 ? `; ${e.dependents.join(", ")} depend${e.dependents.length === 1 ? "s" : ""} on it and lose it meanwhile` : "";
  const routes = e.hostnames.length > 0 ? `; serves ${e.hostnames.map((h) => `https://${h}`).join(", ")}` : "";
  return `${e.container}${where} is replaced${why}: ${swap}${first}${wait}${deps}${routes}.`;
}

export function downtime(base: PlanSide, head: PlanSide, changes: readonly ResourceChange[]): DowntimeEntry[] {
  const containerChanges = new Map(changes.filter((c) => c.type === CONTAINER_TYPE && (c.action === "replace" || c.action === "delete")).map((c) => [c.urn, c]));
  const replaced = dependencyOrder(head, new Set([...containerChanges.keys()]));
  const deleted = base.resources.filter((r) => containerChanges.get(r.urn)?.action === "delete");
  const headContainers = head.resources.filter((r) => r.type === CONTAINER_TYPE);
  const entries: DowntimeEntry[] = [];
  for (const [r, side] of [...replaced.map((x) => [x, head] as const), ...deleted.map((x) => [x, base] as const)]) {
    const change = containerChanges.get(r.urn)!;
    const container = dockerName(r);
    const e = {
      container,
      urn: r.urn,
      host: hostOf(side, r),
      action: change.action as "replace" | "delete",
      reasons: change.reasons,
      deleteBeforeReplace: r.options?.deleteBeforeReplace === true,
      waitHealthy: r.inputs["wait"] === true,
      dependents: headContainers.filter((c) => c.dependencies.includes(r.urn)).map(dockerName),
      hostnames: side.endpoints.flatMap((p) => (p.kind === "tunnel" && p.container === container ? [p.hostname] : [])),
      downBefore: [...new Set(change.diff.flatMap((p) => (p.from?.deleteBeforeReplace ? [p.from.name] : [])))],
    };
    entries.push({ order: entries.length + 1, ...e, text: describe(e) });
  }
  return entries;
}
