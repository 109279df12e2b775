/**
 * The plan's backup section: every named volume of the stack's services and
 * whether (and how) a backup covers it.
 */
import type { CoverageStatus, VolumeCoverage } from "../backups/model";
import type { HomelabModel } from "../model";

export interface BackupCoverage {
  /** restic repository kind (`local`, `sftp`, `s3`, `b2`, `rest`), or null without `homelab:backups`. */
  readonly repository: string | null;
  readonly schedule: string | null;
  readonly rpo: string | null;
  readonly volumes: readonly VolumeCoverage[];
}

export function backupCoverage(model: HomelabModel): BackupCoverage {
  const b = model.backup.backups;
  return { repository: b?.repository.type ?? null, schedule: b?.schedule ?? null, rpo: b?.rpo ?? null, volumes: model.backup.coverage };
}

const STATUS_TEXT: Readonly<Record<CoverageStatus, string>> = {
  "backed-up": "backed up",
  excluded: "skipped (backup.exclude)",
  disabled: "skipped (backup: false)",
  "not-configured": "NOT BACKED UP (no homelab:backups)",
};

export function coverageRows(c: BackupCoverage): [string, string, string, string][] {
  return c.volumes.map((v) => [v.volume, v.host, v.service, STATUS_TEXT[v.status]]);
}

export function coverageHeadline(c: BackupCoverage): string {
  if (c.volumes.length === 0) return "no named volumes";
  return c.repository === null ? "not configured" : `restic ${c.repository} repository, schedule "${c.schedule}", RPO ${c.rpo}`;
}
