/**
 * The plan's backup section: every named volume of the stack's services and
 * whether (and how) a backup covers it.
 */
import type { CoverageStatus, VolumeCoverage } from "../backups/model";
import type { HomelabModel } from "../model";
import { nodesFor } from "../swarm/build";

export interface BackupCoverage {
  /** restic repository kind (`local`, `sftp`, `s3`, `b2`, `rest`), or null without `homelab:backups`. */
  readonly repository: string | null;
  readonly schedule: string | null;
  readonly rpo: string | null;
  /** Each volume's `host`: on a Swarm, the nodes its service's tasks may run on (a named volume lives where its task runs). */
  readonly volumes: readonly VolumeCoverage[];
  /** A Swarm stack: homelab backs up no volume there yet (homelab:backups is refused). */
  readonly swarm: boolean;
}

export function backupCoverage(model: HomelabModel): BackupCoverage {
  const b = model.backup.backups;
  const swarm = model.swarm;
  const volumes = swarm === undefined ? model.backup.coverage : model.backup.coverage.map((v) => ({ ...v, host: nodesFor(swarm, v.service).join(", ") }));
  return { repository: b?.repository.type ?? null, schedule: b?.schedule ?? null, rpo: b?.rpo ?? null, volumes, swarm: swarm !== undefined };
}

const STATUS_TEXT: Readonly<Record<CoverageStatus, string>> = {
  "backed-up": "backed up",
  excluded: "skipped (backup.exclude)",
  disabled: "skipped (backup: false)",
  "not-configured": "NOT BACKED UP (no homelab:backups)",
};

const SWARM_STATUS = "NOT BACKED UP (homelab does not back up Swarm volumes yet)";

export function coverageRows(c: BackupCoverage): [string, string, string, string][] {
  return c.volumes.map((v) => [v.volume, v.host, v.service, c.swarm ? SWARM_STATUS : STATUS_TEXT[v.status]]);
}

export function coverageHeadline(c: BackupCoverage): string {
  if (c.volumes.length === 0) return "no named volumes";
  if (c.swarm) return "none by homelab on a Swarm yet (back the nodes' volumes up outside homelab)";
  return c.repository === null ? "not configured" : `restic ${c.repository} repository, schedule "${c.schedule}", RPO ${c.rpo}`;
}
