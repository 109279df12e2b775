/**
 * The backup alert rules, evaluated by Prometheus's own rule tester
 * (`promtool test rules`, Debian package prometheus) over synthetic series.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { backupAlertRulesYaml } from "../../infra/monitoring/backupAlerts";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-backup-alerts-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function promtool(rpo: string, tests: unknown[]): { status: number | null; output: string } {
  fs.writeFileSync(path.join(dir, "backups.rules.yml"), backupAlertRulesYaml(rpo));
  fs.writeFileSync(path.join(dir, "test.yml"), stringify({ rule_files: ["backups.rules.yml"], evaluation_interval: "1m", tests }));
  const r = spawnSync("promtool", ["test", "rules", "test.yml"], { cwd: dir, encoding: "utf8" });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

const stale = (volume: string, reason: string, summary: string) => ({ exp_labels: { severity: "critical", reason, host: "vps", volume }, exp_annotations: { summary } });

describe("BackupStale and RestoreDrillFailed under promtool", () => {
  test("the rules file passes promtool's checks", () => {
    fs.writeFileSync(path.join(dir, "check.rules.yml"), backupAlertRulesYaml("26h"));
    const r = spawnSync("promtool", ["check", "rules", "check.rules.yml"], { cwd: dir, encoding: "utf8" });
    expect(`${r.stdout}${r.stderr}`).toContain("SUCCESS: 3 rules found");
    expect(r.status).toBe(0);
  });

  test("fires once the newest backup is older than the RPO, not before; and for a volume that never succeeded", () => {
    const r = promtool("26h", [
      {
        // Samples every minute: Prometheus looks back only 5 minutes for a value.
        interval: "1m",
        input_series: [
          // One success at t=0, then none: 26h later it is stale.
          { series: 'homelab_backup_last_success_timestamp_seconds{host="vps",volume="pgdump"}', values: "0x1700" },
          // Succeeds every minute (the value is the time of the success).
          { series: 'homelab_backup_last_success_timestamp_seconds{host="vps",volume="fresh"}', values: "0+60x1700" },
          { series: 'homelab_backup_volume_configured{host="vps",volume="fresh"}', values: "1x1700" },
          // Announced by the runner, never backed up.
          { series: 'homelab_backup_volume_configured{host="vps",volume="never"}', values: "1x1700" },
        ],
        alert_rule_test: [
          { eval_time: "25h", alertname: "BackupStale", exp_alerts: [] },
          {
            eval_time: "27h",
            alertname: "BackupStale",
            exp_alerts: [
              stale("never", "never-succeeded", "volume never on vps has had no successful backup for 26h"),
              stale("pgdump", "too-old", "the newest backup of volume pgdump on vps is older than the recovery-point objective (26h)"),
            ],
          },
        ],
      },
    ]);
    expect(r.output).toContain("SUCCESS");
    expect(r.status).toBe(0);
  });

  test("a longer RPO delays the alert", () => {
    const r = promtool("2d", [
      {
        interval: "1m",
        input_series: [{ series: 'homelab_backup_last_success_timestamp_seconds{host="vps",volume="pgdump"}', values: "0x3000" }],
        alert_rule_test: [
          { eval_time: "27h", alertname: "BackupStale", exp_alerts: [] },
          { eval_time: "49h", alertname: "BackupStale", exp_alerts: [stale("pgdump", "too-old", "the newest backup of volume pgdump on vps is older than the recovery-point objective (2d)")] },
        ],
      },
    ]);
    expect(r.output).toContain("SUCCESS");
    expect(r.status).toBe(0);
  });

  test("RestoreDrillFailed fires when the last drill failed and clears when one passes", () => {
    const r = promtool("26h", [
      {
        interval: "1h",
        input_series: [{ series: 'homelab_restore_drill_success{host="vps"}', values: "1 1 0 0 1" }],
        alert_rule_test: [
          { eval_time: "1h", alertname: "RestoreDrillFailed", exp_alerts: [] },
          {
            eval_time: "2h",
            alertname: "RestoreDrillFailed",
            exp_alerts: [{ exp_labels: { severity: "critical", host: "vps" }, exp_annotations: { summary: "the last restore drill on vps failed: the backups may not restore (see the runner's logs)" } }],
          },
          { eval_time: "4h", alertname: "RestoreDrillFailed", exp_alerts: [] },
        ],
      },
    ]);
    expect(r.output).toContain("SUCCESS");
    expect(r.status).toBe(0);
  });
});
