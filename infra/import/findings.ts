/**
 * The policy-pack findings the imported services will meet in `npm run plan`,
 * predicted from the same facts the rules read (policies/rules/*.ts), so the
 * report can say what to expect before the plan runs.
 */
import { DOCKER_SOCKETS as SOCKETS, SENSITIVE_PATHS } from "../../policies/rules/no-sensitive-mounts";
import { parseImageReference } from "../checks/imageReference";
import { parsePortString } from "../parse";
import { DEFAULT_PACK_DIR, policyConfigFile, readPolicyConfig } from "../plan/policy";
import type { ExpectedFinding } from "./report";

/** Each rule's level in this stack's policy config (the file the plan uses); advisory when unset. */
export function policyLevels(stack: string, profile: string): (rule: string) => string {
  try {
    const config = readPolicyConfig(policyConfigFile(DEFAULT_PACK_DIR, stack, profile));
    return (rule) => config[rule]?.enforcementLevel ?? config.all?.enforcementLevel ?? "advisory";
  } catch {
    // A missing or bad policy config is the plan's to report; the import only predicts.
    return () => "advisory";
  }
}

const under = (p: string, root: string): boolean => p === root || p.startsWith(root === "/" ? "/" : `${root}/`);

function mountFindings(service: string, volumes: unknown[]): Finding[] {
  const out: Finding[] = [];
  for (const v of volumes) {
    const source = String(v).split(":")[0];
    if (!source.startsWith("/")) continue;
    if (SOCKETS.some((s) => under(s, source))) out.push({ rule: "no-sensitive-mounts", service, why: `mounts the Docker socket (${source})` });
    else {
      const hit = SENSITIVE_PATHS.find((s) => (s === "/" ? source === "/" : under(source, s)));
      if (hit) out.push({ rule: "no-sensitive-mounts", service, why: `mounts sensitive host path ${source}` });
    }
  }
  return out;
}

type Finding = Omit<ExpectedFinding, "level">;

export function expectedFindings(services: Readonly<Record<string, unknown>>, level: (rule: string) => string): ExpectedFinding[] {
  const out: Finding[] = [];
  for (const [service, raw] of Object.entries(services)) {
    const b = raw as Record<string, unknown>;
    const ref = parseImageReference(String(b.image));
    if (ref.ok && ref.value.digest === undefined && (ref.value.tag === undefined || ref.value.tag === "latest")) {
      out.push({ rule: "require-pinned-images", service, why: `${String(b.image)} is not pinned` });
    }
    out.push(...mountFindings(service, (b.volumes as unknown[] | undefined) ?? []));
    if (b.healthcheck === undefined) out.push({ rule: "require-healthcheck", service, why: "no healthcheck" });
    if (b.memory === undefined) out.push({ rule: "require-memory-limit", service, why: "no memory limit" });
    if (b.cpus === undefined) out.push({ rule: "require-cpu-limit", service, why: "no cpus limit" });
    for (const p of (b.ports as unknown[] | undefined) ?? []) {
      const published = typeof p === "string" ? (() => { const r = parsePortString(p); return r.ok ? r.value.published : undefined; })() : (p as { published?: number }).published;
      if (published !== undefined && published < 1024) out.push({ rule: "no-privileged-host-ports", service, why: `host port ${published}` });
    }
    const capAdd = (b.capAdd as string[] | undefined) ?? [];
    if (capAdd.length > 0 && !((b.capDrop as string[] | undefined) ?? []).includes("ALL")) {
      out.push({ rule: "restrict-capabilities", service, why: `adds ${capAdd.join(", ")} without dropping ALL` });
    }
  }
  return out.map((f) => ({ ...f, level: level(f.rule) }));
}
