/**
 * What happens to stored data: volumes deleted, replaced or created, a
 * renamed resource that finds the same Docker volume again (the program
 * names volumes after the config, not the resource), and a service that
 * stops mounting a volume. `retainOnDelete` is what keeps a deleted volume's
 * data on the host: the engine forgets the volume instead of removing it.
 */
import { CONTAINER_TYPE } from "../endpoints";
import type { DisplayValue } from "../values";
import type { ResourceChange } from "./changes";
import { dockerName, hostOf } from "./hosts";
import type { PlanSide, SideResource } from "./side";

export const VOLUME_TYPE = "docker:index/volume:Volume";

export interface DataEntry {
  readonly kind: "volume-deleted" | "volume-replaced" | "volume-renamed" | "volume-created" | "unmounted" | "mounted";
  /** The Docker volume name, or a bind mount's host path. */
  readonly volume: string;
  readonly host: string | undefined;
  readonly urn: string;
  /** Whether the data stays on the host; undefined when the base plan does not record retainOnDelete. */
  readonly dataKept: boolean | undefined;
  readonly text: string;
}

const where = (host: string | undefined): string => (host ? ` on ${host}` : "");

function retained(r: SideResource): boolean | undefined {
  return r.options?.retainOnDelete;
}

function volumeEntries(base: PlanSide, head: PlanSide, changes: readonly ResourceChange[]): DataEntry[] {
  const byUrn = (side: PlanSide) => new Map(side.resources.map((r) => [r.urn, r]));
  const before = byUrn(base);
  const after = byUrn(head);
  const volumeChanges = changes.filter((c) => c.type === VOLUME_TYPE);
  const created = volumeChanges.filter((c) => c.action === "create").map((c) => after.get(c.urn)!);
  const adopted = new Set<string>();
  const out: DataEntry[] = [];
  for (const c of volumeChanges.filter((x) => x.action === "delete")) {
    const r = before.get(c.urn)!;
    const name = dockerName(r);
    const host = hostOf(base, r);
    const kept = retained(r);
    const twin = created.find((n) => dockerName(n) === name && hostOf(head, n) === host);
    if (twin) {
      adopted.add(twin.urn);
      const text =
        kept === false
          ? `renamed: ${r.name} -> ${twin.name} names the same Docker volume ${name}${where(host)}, but the old resource has no retainOnDelete: deleting it removes the volume the new one uses. DATA LOSS.`
          : `renamed: ${r.name} -> ${twin.name} names the same Docker volume ${name}${where(host)}, so the new resource finds the same data (retainOnDelete keeps it through the old one's delete).`;
      out.push({ kind: "volume-renamed", volume: name, host, urn: twin.urn, dataKept: kept === false ? false : true, text });
      continue;
    }
    const text =
      kept === true
        ? `volume ${name}${where(host)} leaves the program: the engine forgets it and the data stays in the Docker volume ${name} (retainOnDelete); \`docker volume rm ${name}\` removes it for good.`
        : kept === false
          ? `volume ${name}${where(host)} is deleted with its data.`
          : `volume ${name}${where(host)} is deleted; the base plan does not record retainOnDelete, so whether its data stays is unknown.`;
    out.push({ kind: "volume-deleted", volume: name, host, urn: r.urn, dataKept: kept, text });
  }
  for (const c of volumeChanges.filter((x) => x.action === "replace")) {
    const old = before.get(c.urn)!;
    const now = after.get(c.urn)!;
    const [oldName, newName] = [dockerName(old), dockerName(now)];
    const host = hostOf(head, now);
    const kept = retained(old);
    const same = oldName === newName;
    const fate = kept === true ? `the old volume ${oldName} stays${where(host)} with its data (retainOnDelete)` : kept === false ? `the old volume ${oldName} is deleted with its data` : `whether the old volume ${oldName} keeps its data is unknown (the base plan does not record retainOnDelete)`;
    const start = same ? `the new one has the same Docker name, so it finds that data again` : `the new one, ${newName}, starts empty`;
    out.push({ kind: "volume-replaced", volume: newName, host, urn: now.urn, dataKept: kept, text: `volume ${oldName}${where(host)} is replaced (${c.reasons.join(", ")}): ${fate}; ${start}.` });
  }
  for (const n of created) {
    if (adopted.has(n.urn)) continue;
    const name = dockerName(n);
    out.push({ kind: "volume-created", volume: name, host: hostOf(head, n), urn: n.urn, dataKept: true, text: `new volume ${name}${where(hostOf(head, n))} (empty unless a Docker volume of that name already exists there).` });
  }
  return out;
}

type Mount = { readonly source: string; readonly bind: boolean; readonly path: string };

function mounts(r: SideResource): Mount[] {
  const list: DisplayValue = r.inputs["volumes"] ?? [];
  if (!Array.isArray(list)) return [];
  return list.flatMap((v): Mount[] => {
    if (typeof v !== "object" || v === null || Array.isArray(v)) return [];
    const path = typeof v["containerPath"] === "string" ? v["containerPath"] : "?";
    if (typeof v["volumeName"] === "string") return [{ source: v["volumeName"], bind: false, path }];
    if (typeof v["hostPath"] === "string") return [{ source: v["hostPath"], bind: true, path }];
    return [];
  });
}

/** Mounts dropped or added, per container matched by its Docker name and host, so a renamed service still matches. */
function mountEntries(base: PlanSide, head: PlanSide): DataEntry[] {
  const containers = (side: PlanSide) =>
    new Map(side.resources.filter((r) => r.type === CONTAINER_TYPE).map((r) => [`${hostOf(side, r) ?? ""}|${dockerName(r)}`, r]));
  const before = containers(base);
  const after = containers(head);
  const out: DataEntry[] = [];
  const same = (a: Mount, b: Mount): boolean => a.source === b.source && a.bind === b.bind && a.path === b.path;
  for (const [key, old] of before) {
    const now = after.get(key);
    const host = hostOf(base, old);
    const name = dockerName(old);
    const oldMounts = mounts(old);
    const newMounts = now ? mounts(now) : [];
    for (const m of oldMounts.filter((m) => !newMounts.some((n) => same(m, n)))) {
      const what = m.bind ? `bind mount ${m.source}` : `volume ${m.source}`;
      const text = now
        ? `${name}${where(host)} stops mounting ${what} (was at ${m.path}); the data stays where it is, but the service no longer sees it.`
        : `${name}${where(host)} is removed; its ${what} (at ${m.path}) is no longer mounted by it.`;
      out.push({ kind: "unmounted", volume: m.source, host, urn: (now ?? old).urn, dataKept: true, text });
    }
    if (!now) continue;
    for (const m of newMounts.filter((m) => !oldMounts.some((o) => same(m, o)))) {
      const what = m.bind ? `bind mount ${m.source}` : `volume ${m.source}`;
      out.push({ kind: "mounted", volume: m.source, host, urn: now.urn, dataKept: true, text: `${name}${where(host)} now mounts ${what} at ${m.path}.` });
    }
  }
  return out;
}

export function dataChanges(base: PlanSide, head: PlanSide, changes: readonly ResourceChange[]): DataEntry[] {
  return [...volumeEntries(base, head, changes), ...mountEntries(base, head)];
}
