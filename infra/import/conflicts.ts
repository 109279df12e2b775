/**
 * What an existing stack already holds that an import must not collide
 * with: services of the same name (reported unless --replace), host ports
 * already bound, and the secure values a replaced service keeps.
 */
import { parsePortString } from "../parse";
import type { MappedService } from "./map";

/** The parts of an existing stack file the import reads. */
export type Existing = { config: Record<string, unknown>; salt: string | undefined; text: string } | undefined;

export function obj(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** A service the stack already has is refused, or with --replace marked as replacing it. */
export function conflictReports(mapped: MappedService[], existing: Existing, replace: boolean): MappedService[] {
  const have = obj(existing?.config["homelab:services"]);
  return mapped.map((m) => {
    if (!m.imported || !(m.name in have)) return m;
    if (replace) return { ...m, keys: [{ key: "(service)", status: "changed", note: "replaces the stack's existing service of this name (--replace)" }, ...m.keys] };
    return { ...m, imported: false, keys: [{ key: "(service)", status: "refused", note: "the stack already has a service of this name: pass --replace to overwrite it" }, ...m.keys] };
  });
}

/** `ip:port/protocol` of each published port in a service body (stack syntax), loopback when no IP is given. */
function publishedPorts(body: Record<string, unknown>): { key: string; index: number }[] {
  const out: { key: string; index: number }[] = [];
  ((body.ports as unknown[] | undefined) ?? []).forEach((p, index) => {
    if (typeof p === "string") {
      const r = parsePortString(p);
      if (r.ok && r.value.published !== undefined) out.push({ key: `${r.value.hostIp ?? "127.0.0.1"}:${r.value.published}/${r.value.protocol}`, index });
    } else {
      const m = obj(p);
      if (m.published !== undefined) out.push({ key: `${String(m.host_ip ?? "127.0.0.1")}:${String(m.published)}/${String(m.protocol ?? "tcp")}`, index });
    }
  });
  return out;
}

const ANY_IP = /^(0\.0\.0\.0|::|\*):/;
const portClash = (a: string, b: string): boolean => a === b || ((ANY_IP.test(a) || ANY_IP.test(b)) && a.replace(/^.*:/, "") === b.replace(/^.*:/, ""));

/**
 * Host ports already bound by the stack's other services (or by an earlier
 * imported one) are left out and reported, instead of failing the import:
 * Compose files often publish the same port in two projects.
 */
export function dropClashingPorts(mapped: MappedService[], existing: Existing, replace: boolean): MappedService[] {
  const have = obj(existing?.config["homelab:services"]);
  const replaced = new Set(replace ? mapped.filter((m) => m.imported).map((m) => m.name) : []);
  const taken = Object.entries(have)
    .filter(([name]) => !replaced.has(name))
    .flatMap(([name, body]) => publishedPorts(obj(body)).map((p) => ({ key: p.key, owner: name })));
  return mapped.map((m) => {
    if (!m.imported) return m;
    const drop = new Map<number, string>();
    for (const p of publishedPorts(m.body)) {
      const clash = taken.find((t) => portClash(t.key, p.key));
      if (clash) drop.set(p.index, clash.owner);
      else taken.push({ key: p.key, owner: m.name });
    }
    if (drop.size === 0) return m;
    const ports = ((m.body.ports as unknown[]) ?? []).filter((_, i) => !drop.has(i));
    const body: Record<string, unknown> = { ...m.body, ports };
    if (ports.length === 0) delete body.ports;
    // The j-th port written is the j-th `ports[i]` line the mapping did not refuse.
    let written = -1;
    const keys = m.keys.map((k) => {
      if (!/^ports\[\d+\]$/.test(k.key) || k.status === "refused") return k;
      const owner = drop.get(++written);
      return owner === undefined ? k : { key: k.key, status: "refused" as const, note: `host port already bound by service "${owner}" in this stack: pick another port` };
    });
    return { ...m, body, keys };
  });
}

export function keptSecrets(existing: Existing, service: string): Record<string, unknown> {
  const env = obj(obj(obj(existing?.config["homelab:services"])[service]).secretEnvironment);
  return Object.fromEntries(Object.entries(env).filter(([, v]) => typeof obj(v).secure === "string"));
}

