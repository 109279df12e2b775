/**
 * A mermaid flowchart of one stack for a pull-request comment:
 * Internet -> Cloudflare -> hostname -> tunnel -> containers -> networks ->
 * hosts, host-port bindings from their interface, and what monitoring scrapes.
 * Node ids are generated (letters, digits, `_`), every label is quoted.
 */
import type { StackPlan } from "./plan";

const TUNNEL_COMPONENT = "homelab:cloudflare:Tunnel";

/** Mermaid's default limits, which GitHub keeps: a larger diagram shows an error instead. */
export const MERMAID_MAX_EDGES = 500;
export const MERMAID_MAX_TEXT = 50_000;

export function mermaidEdgeCount(diagram: string): number {
  return diagram.split("\n").filter((l) => / -\.?->[ |]/.test(l)).length;
}

/** Whether GitHub would draw the diagram rather than an error about its size. */
export function mermaidFits(diagram: string): boolean {
  return diagram.length <= MERMAID_MAX_TEXT && mermaidEdgeCount(diagram) <= MERMAID_MAX_EDGES;
}

/** Mermaid label text: quoted, with the characters that would end or break the label escaped. */
export function mermaidLabel(text: string): string {
  return `"${text.replace(/"/g, "#quot;").replace(/[<>]/g, (c) => (c === "<" ? "#lt;" : "#gt;"))}"`;
}

class Ids {
  private readonly ids = new Map<string, string>();
  private n = 0;
  id(prefix: string, key: string): string {
    const k = `${prefix}\0${key}`;
    let id = this.ids.get(k);
    if (!id) {
      id = `${prefix}${++this.n}`;
      this.ids.set(k, id);
    }
    return id;
  }
}

export function mermaidDiagram(plan: StackPlan): string {
  const topo = plan.topology;
  const ids = new Ids();
  const lines: string[] = ["flowchart LR"];
  const edges: string[] = [];
  const edge = (from: string, to: string, label?: string, dotted = false): void => {
    const arrow = dotted ? "-.->" : "-->";
    edges.push(label ? `  ${from} ${arrow}|${mermaidLabel(label)}| ${to}` : `  ${from} ${arrow} ${to}`);
  };

  const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
  const tunnels = topo.endpoints.filter((e) => e.kind === "tunnel");
  const hostPorts = topo.endpoints.filter((e) => e.kind === "hostPort");
  const tunnelName = tunnels[0]?.tunnel ?? "tunnel";
  // The connector container is the tunnel's end on the Docker host: one node, so its networks show the path on.
  const connector = topo.containers.find((c) => c.component !== undefined && byUrn.get(c.component)?.type === TUNNEL_COMPONENT)?.name;
  const containerId = (name: string): string => (name === connector ? "tunnel" : ids.id("c", name));
  const containerNode = (name: string): string =>
    name === connector ? `tunnel[[${mermaidLabel(`${name}: tunnel ${tunnelName}`)}]]` : `${containerId(name)}[${mermaidLabel(name)}]`;

  if (tunnels.length > 0) {
    lines.push(`  internet((${mermaidLabel("Internet")}))`, `  cloudflare[${mermaidLabel("Cloudflare edge")}]`);
    edge("internet", "cloudflare");
    if (connector === undefined) lines.push(`  tunnel[[${mermaidLabel(`tunnel ${tunnelName}`)}]]`);
    for (const t of tunnels) {
      const h = ids.id("h", t.hostname);
      lines.push(`  ${h}[${mermaidLabel(`${t.hostname} (${t.access === "public" ? "public" : "Access"})`)}]`);
      edge("cloudflare", h);
      edge(h, "tunnel");
      if (t.container) edge("tunnel", containerId(t.container), t.port === undefined ? undefined : `:${t.port}`);
    }
  }

  // Containers grouped by the component that declared them (a service, monitoring, the tunnel...).
  const groups = new Map<string, string[]>();
  for (const c of topo.containers) {
    const group = c.component ? (byUrn.get(c.component)?.name ?? "other") : "other";
    groups.set(group, [...(groups.get(group) ?? []), c.name]);
  }
  const services = new Set(plan.model.services.map((s) => s.containerName));
  const svcLines: string[] = [];
  const otherLines: string[] = [];
  for (const [group, names] of groups) {
    if (names.every((n) => services.has(n))) svcLines.push(...names.map((n) => `    ${containerNode(n)}`));
    else otherLines.push(`  subgraph ${ids.id("g", group)} [${mermaidLabel(group)}]`, ...names.map((n) => `    ${containerNode(n)}`), "  end");
  }
  if (svcLines.length > 0) lines.push(`  subgraph services [${mermaidLabel("services")}]`, ...svcLines, "  end");
  lines.push(...otherLines);
  // A route to a name no container of the stack has still gets a node, labelled as such.
  const declared = new Set(topo.containers.map((c) => c.name));
  for (const t of tunnels) {
    if (t.container && !declared.has(t.container)) lines.push(`  ${containerId(t.container)}[${mermaidLabel(`${t.container} (no such container)`)}]`);
    if (t.container) declared.add(t.container);
  }

  for (const h of topo.hosts) lines.push(`  ${ids.id("host", h)}[(${mermaidLabel(`host: ${h}`)})]`);
  for (const n of topo.networks) {
    const id = ids.id("net", `${n.host}/${n.name}`);
    lines.push(`  ${id}{{${mermaidLabel(`${n.name}${n.internal ? " (internal)" : ""}`)}}}`);
    if (n.host) edge(id, ids.id("host", n.host));
  }
  for (const c of topo.containers) {
    for (const n of c.networks) edge(containerId(c.name), ids.id("net", `${c.host}/${n}`));
  }

  const interfaces = new Set<string>();
  for (const p of hostPorts) {
    const iface = ids.id("if", `${p.host}/${p.interface}`);
    // One node per interface, however many ports it publishes.
    if (!interfaces.has(iface)) lines.push(`  ${iface}((${mermaidLabel(`${p.interface} on ${p.host ?? "host"} (${p.scope})`)}))`);
    interfaces.add(iface);
    edge(iface, containerId(p.container), `${p.hostPort ?? "random"}:${p.containerPort}/${p.protocol}`);
  }

  // Monitoring: Prometheus scrapes every service that declares metrics.
  const prometheus = topo.containers.find((c) => c.name === "prometheus");
  if (prometheus) {
    for (const s of plan.model.services) {
      if (s.metrics) edge(containerId("prometheus"), containerId(s.containerName), `scrapes :${s.metrics.port}${s.metrics.path}`, true);
    }
  }
  return [...lines, ...new Set(edges)].join("\n");
}
