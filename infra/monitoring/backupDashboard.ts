/**
 * A Grafana dashboard for backups and restore drills, provisioned next to the
 * container health dashboard.
 */
import { GRAFANA_DASHBOARD_DIR, timeseriesPanel as panel, type Dashboard } from "./grafana";

export const BACKUP_DASHBOARD_FILE = `${GRAFANA_DASHBOARD_DIR}/backups.json`;

export function backupDashboard(): Dashboard {
  const vol = "{{host}}/{{volume}}";
  return {
    uid: "homelab-backups",
    title: "Backups",
    tags: ["homelab", "backups"],
    schemaVersion: 39,
    time: { from: "now-7d", to: "now" },
    refresh: "5m",
    panels: [
      panel(1, "Age of the newest backup", "time() - max by (host, volume) (homelab_backup_last_success_timestamp_seconds)", "s", vol, 0, 0),
      panel(2, "Backup duration", "max by (host, volume) (homelab_backup_duration_seconds)", "s", vol, 12, 0),
      panel(3, "Backed-up size", "max by (host, volume) (homelab_backup_size_bytes)", "bytes", vol, 0, 8),
      panel(4, "Files per backup", "max by (host, volume) (homelab_backup_files)", "short", vol, 12, 8),
      panel(5, "Restore drill passed (1) or failed (0)", "max by (host) (homelab_restore_drill_success)", "short", "{{host}}", 0, 16),
      panel(6, "Age of the last passed drill", "time() - max by (host) (homelab_restore_drill_last_success_timestamp_seconds)", "s", "{{host}}", 12, 16),
    ],
  };
}
