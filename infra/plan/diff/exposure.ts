/**
 * What can now be reached that could not before (and the reverse): public
 * hostnames, Access, tunnel routes, host ports and the interfaces they bind,
 * and policy findings new or fixed. Ordered so that what widens exposure the
 * most comes first: that is what a reviewer must not miss.
 */
import type { HostPortEndpoint, TunnelEndpoint } from "../endpoints";
import type { Violation } from "../policy";
import { nameOf } from "./changes";
import { hostPorts, type PlanSide } from "./side";

/** high: wider exposure (public, off loopback, a new mandatory finding); medium: a new or moved path; low: narrower. */
export type Severity = "high" | "medium" | "low";

export interface ExposureChange {
  readonly kind: "hostname" | "hostPort" | "policy";
  /** What happened, e.g. "loses-access", "added", "moved-off-loopback", "new", "fixed". */
  readonly change: string;
  /** The hostname, the binding, or `policy on resource`. */
  readonly subject: string;
  readonly severity: Severity;
  readonly text: string;
}

const SEVERITY_ORDER: Record<Severity, number> = { high: 0, medium: 1, low: 2 };

const tunnels = (side: PlanSide): Map<string, TunnelEndpoint> =>
  new Map(side.endpoints.filter((e): e is TunnelEndpoint => e.kind === "tunnel").map((e) => [e.hostname, e]));

const guard = (e: TunnelEndpoint): string => (e.access === "public" ? "public, no Access" : "behind Access");

function hostnameChanges(base: PlanSide, head: PlanSide): ExposureChange[] {
  const before = tunnels(base);
  const after = tunnels(head);
  const out: ExposureChange[] = [];
  const add = (change: string, hostname: string, severity: Severity, text: string): void => {
    out.push({ kind: "hostname", change, subject: `https://${hostname}`, severity, text: `https://${hostname} ${text}` });
  };
  for (const [h, e] of after) {
    const old = before.get(h);
    if (!old) {
      add("added", h, e.access === "public" ? "high" : "medium", `is a new tunnel route to ${e.origin} (${guard(e)})`);
      continue;
    }
    if (old.access === "access" && e.access === "public") add("loses-access", h, "high", `loses Access: it becomes public (route to ${e.origin})`);
    if (old.access === "public" && e.access === "access") add("gains-access", h, "low", "is now behind Access (it was public)");
    if (old.origin !== e.origin) add("origin", h, "medium", `now routes to ${e.origin} (was ${old.origin})`);
    if (old.dns !== e.dns) add(e.dns ? "dns-added" : "dns-removed", h, e.dns ? "medium" : "low", e.dns ? "gets its proxied DNS record" : "loses its proxied DNS record");
  }
  for (const [h, old] of before) if (!after.has(h)) add("removed", h, "low", `is no longer routed (was ${old.origin}, ${guard(old)})`);
  return out;
}

const bindingKey = (e: HostPortEndpoint): string => `${e.host ?? "?"}|${e.container}|${e.containerPort}|${e.protocol}`;
const binding = (e: HostPortEndpoint): string => `${e.interface}:${e.hostPort ?? "(random)"}/${e.protocol}`;
const target = (e: HostPortEndpoint): string => `${e.container}:${e.containerPort} on ${e.host ?? "?"}`;

function hostPortChanges(base: PlanSide, head: PlanSide): ExposureChange[] {
  const group = (side: PlanSide): Map<string, HostPortEndpoint[]> => {
    const m = new Map<string, HostPortEndpoint[]>();
    for (const e of hostPorts(side)) m.set(bindingKey(e), [...(m.get(bindingKey(e)) ?? []), e]);
    return m;
  };
  const before = group(base);
  const after = group(head);
  const out: ExposureChange[] = [];
  const push = (change: string, e: HostPortEndpoint, severity: Severity, text: string): void => {
    out.push({ kind: "hostPort", change, subject: `${binding(e)} -> ${target(e)}`, severity, text: `host port ${binding(e)} -> ${target(e)}: ${text}` });
  };
  const added = (e: HostPortEndpoint): void =>
    push("added", e, e.scope === "loopback" ? "medium" : "high", `new, ${e.scope === "loopback" ? "loopback only" : `listens on ${e.scope}`}`);
  const removed = (e: HostPortEndpoint): void => push("removed", e, "low", "removed");
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const b = before.get(key) ?? [];
    const a = after.get(key) ?? [];
    if (b.length === 1 && a.length === 1) {
      const [old, now] = [b[0], a[0]];
      if (old.interface !== now.interface) {
        if (old.scope === "loopback" && now.scope !== "loopback") push("moved-off-loopback", now, "high", `moves off loopback: was ${binding(old)}, now listens on ${now.scope}`);
        else if (now.scope === "loopback") push("moved-to-loopback", now, "low", `now loopback only (was ${binding(old)}, ${old.scope})`);
        else push("interface", now, "medium", `now listens on ${now.scope} (was ${binding(old)}, ${old.scope})`);
      } else if (old.hostPort !== now.hostPort) {
        push("port", now, now.scope === "loopback" ? "low" : "medium", `host port changes (was ${binding(old)})`);
      }
      continue;
    }
    const has = (list: HostPortEndpoint[], e: HostPortEndpoint): boolean => list.some((x) => binding(x) === binding(e));
    for (const e of a) if (!has(b, e)) added(e);
    for (const e of b) if (!has(a, e)) removed(e);
  }
  return out;
}

const finding = (v: Violation): string => `${v.level}|${v.policy}|${v.urn}`;

function policyChanges(base: PlanSide, head: PlanSide): ExposureChange[] {
  const before = new Map(base.violations.map((v) => [finding(v), v]));
  const after = new Map(head.violations.map((v) => [finding(v), v]));
  const out: ExposureChange[] = [];
  const subject = (v: Violation): string => `${v.policy} on ${nameOf(v.urn) || "the stack"}`;
  const first = (v: Violation): string => v.message.split("\n")[0];
  for (const [k, v] of after) {
    if (!before.has(k)) out.push({ kind: "policy", change: "new", subject: subject(v), severity: v.level === "mandatory" ? "high" : "medium", text: `new ${v.level} finding [${v.policy}] ${nameOf(v.urn) || "stack"}: ${first(v)}` });
  }
  for (const [k, v] of before) {
    if (!after.has(k)) out.push({ kind: "policy", change: "fixed", subject: subject(v), severity: "low", text: `fixed ${v.level} finding [${v.policy}] ${nameOf(v.urn) || "stack"}: ${first(v)}` });
  }
  return out;
}

export function exposureChanges(base: PlanSide, head: PlanSide): ExposureChange[] {
  const all = [...hostnameChanges(base, head), ...hostPortChanges(base, head), ...policyChanges(base, head)];
  // Stable: within a severity, hostnames, then host ports, then findings, each in the order found.
  return all.map((c, i) => [c, i] as const).sort(([a, i], [b, j]) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || i - j).map(([c]) => c);
}
