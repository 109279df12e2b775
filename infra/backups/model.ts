/**
 * The backup part of the model: what each host's runner backs up, how it gets
 * a consistent copy, and the coverage of every named volume. Pure, so the
 * loader, the plan and the tests share it.
 */
import type { ConfigProblem } from "../errors";
import { formatPath } from "../errors";
import type { Service } from "../model";
import type { BackupsConfig, RepositoryConfig, ServiceBackupConfig } from "./schema";

/** Defaults the README documents. */
export const BACKUP_DEFAULTS = {
  schedule: "30 3 * * *",
  drillSchedule: "0 5 * * 0",
  retention: { keepDaily: 7, keepWeekly: 4, keepMonthly: 6, keepYearly: 1 },
  rpo: "26h",
  drillReadData: "5%",
} as const;

/**
 * restic's own image (Alpine with restic, busybox sh and wget), not a
 * wrapper: the script is ours and tested against restic itself, so a wrapper
 * would only add a second scheduler and a second config format. The hooks
 * container is Docker's official CLI image; it alone sees the Docker socket.
 */
export const BACKUP_IMAGES = {
  restic: "restic/restic:0.17.3",
  dockerCli: "docker:27.4.1-cli",
} as const;

/** The runner's staging volume: where a restore lands before it is copied into its volume. */
export function stagingVolumeName(stack: string): string {
  return `homelab-backup-staging-${stack}`;
}

/** Container names the backup feature takes on every host it runs on. */
export const BACKUP_CONTAINERS = { runner: "homelab-backup", hooks: "homelab-backup-hooks", pushgateway: "pushgateway" } as const;

export type Consistency = { readonly kind: "none" } | { readonly kind: "stop" } | { readonly kind: "exec"; readonly command: readonly string[] };

export interface Retention {
  readonly keepDaily: number;
  readonly keepWeekly: number;
  readonly keepMonthly: number;
  readonly keepYearly: number;
}

/** One service's share of a host's backup: its volumes and how to quiesce it. */
export interface BackupTarget {
  readonly service: string;
  readonly containerName: string;
  readonly host: string;
  readonly volumes: readonly string[];
  readonly consistency: Consistency;
}

export type CoverageStatus = "backed-up" | "excluded" | "disabled" | "not-configured";

/** One named volume and whether a backup covers it (what the plan shows). */
export interface VolumeCoverage {
  readonly host: string;
  readonly volume: string;
  readonly service: string;
  readonly status: CoverageStatus;
}

export interface BackupsModel {
  readonly repository: RepositoryConfig;
  /** As the engine decrypted it; wrapped with pulumi.secret before use. */
  readonly password: string;
  readonly schedule: string;
  readonly drillSchedule: string;
  readonly retention: Retention;
  readonly rpo: string;
  readonly drillReadData: string;
  readonly targets: readonly BackupTarget[];
  /** Volumes skipped on purpose, per host: recorded on the runner for the policy pack. */
  readonly excluded: Readonly<Record<string, readonly string[]>>;
}

export interface BackupSection {
  /** Undefined when `homelab:backups` is absent. */
  readonly backups: BackupsModel | undefined;
  readonly coverage: readonly VolumeCoverage[];
}

function consistencyOf(cfg: ServiceBackupConfig | undefined): Consistency {
  const c = cfg === false || cfg === undefined ? undefined : cfg.consistency;
  if (c === undefined || c === "none") return { kind: "none" };
  if (c === "stop") return { kind: "stop" };
  return { kind: "exec", command: typeof c.preCommand === "string" ? ["sh", "-c", c.preCommand] : c.preCommand };
}

/** Hosts whose runner needs the Docker API (a service there is stopped or exec'd into). */
export function hooksHosts(model: BackupsModel): Set<string> {
  return new Set(model.targets.filter((t) => t.consistency.kind !== "none").map((t) => t.host));
}

/** Hosts that run a backup runner: those with at least one volume to back up. */
export function runnerHosts(model: BackupsModel): string[] {
  return [...new Set(model.targets.map((t) => t.host))];
}

/**
 * Coverage of every named volume (first service to mount a volume on a host
 * owns it, as in the program) and the targets the runners back up.
 */
export function backupSection(
  file: string,
  cfg: BackupsConfig | undefined,
  perService: Readonly<Record<string, ServiceBackupConfig | undefined>>,
  services: readonly Service[],
  problems: ConfigProblem[],
): BackupSection {
  const coverage: VolumeCoverage[] = [];
  const targets: BackupTarget[] = [];
  const excluded: Record<string, string[]> = {};
  const owned = new Set<string>();
  for (const s of services) {
    const sb = perService[s.key];
    const named = s.volumes.filter((v) => v.type === "volume").map((v) => v.source);
    const skip = new Set(sb === false || sb === undefined ? [] : (sb.exclude ?? []));
    for (const name of skip) {
      if (!named.includes(name)) problems.push({ file, path: formatPath(["services", s.key, "backup", "exclude"]), message: `"${name}" is not a named volume of this service` });
    }
    if (sb !== undefined && cfg === undefined) {
      problems.push({ file, path: formatPath(["services", s.key, "backup"]), message: "backup settings need homelab:backups (a repository and its password)" });
    }
    const mine: string[] = [];
    for (const volume of named) {
      const key = `${s.host}/${volume}`;
      if (owned.has(key)) continue;
      owned.add(key);
      const status: CoverageStatus = cfg === undefined ? "not-configured" : sb === false ? "disabled" : skip.has(volume) ? "excluded" : "backed-up";
      coverage.push({ host: s.host, volume, service: s.key, status });
      if (status === "backed-up") mine.push(volume);
      else if (status !== "not-configured") (excluded[s.host] ??= []).push(volume);
    }
    const consistency = consistencyOf(sb);
    if (consistency.kind !== "none" && s.oneShot) {
      problems.push({ file, path: formatPath(["services", s.key, "backup", "consistency"]), message: "a one-shot service is not running to stop or exec into; use none" });
    }
    if (mine.length > 0) targets.push({ service: s.key, containerName: s.containerName, host: s.host, volumes: mine, consistency });
  }
  for (const s of services) {
    if (Object.values(BACKUP_CONTAINERS).includes(s.containerName as never) && cfg !== undefined) {
      problems.push({ file, path: formatPath(["services", s.key]), message: `container name "${s.containerName}" is taken by the backup runner` });
    }
  }
  if (cfg === undefined) return { backups: undefined, coverage };
  const r = cfg.retention ?? {};
  const retention: Retention = {
    keepDaily: r.keepDaily ?? BACKUP_DEFAULTS.retention.keepDaily,
    keepWeekly: r.keepWeekly ?? BACKUP_DEFAULTS.retention.keepWeekly,
    keepMonthly: r.keepMonthly ?? BACKUP_DEFAULTS.retention.keepMonthly,
    keepYearly: r.keepYearly ?? BACKUP_DEFAULTS.retention.keepYearly,
  };
  if (Object.values(retention).every((n) => n === 0)) {
    problems.push({ file, path: formatPath(["backups", "retention"]), message: "keeps nothing: set at least one keep* above 0 (omitted keys take their defaults)" });
  }
  return {
    coverage,
    backups: {
      repository: cfg.repository,
      password: cfg.password,
      schedule: cfg.schedule ?? BACKUP_DEFAULTS.schedule,
      drillSchedule: cfg.drillSchedule ?? BACKUP_DEFAULTS.drillSchedule,
      retention,
      rpo: cfg.rpo ?? BACKUP_DEFAULTS.rpo,
      drillReadData: cfg.drillReadData ?? BACKUP_DEFAULTS.drillReadData,
      targets,
      excluded,
    },
  };
}

/** `26h` -> seconds, for the alert expression and the plan. */
export function durationSeconds(d: string): number {
  const m = /^(\d+)(m|h|d)$/.exec(d);
  if (!m) throw new Error(`not a duration: ${d}`);
  return Number(m[1]) * { m: 60, h: 3600, d: 86400 }[m[2] as "m" | "h" | "d"];
}
