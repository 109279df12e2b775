import { label } from "../lib/container";
import { schema, stackRule, TYPES } from "../lib/policy";
import { bool, records, str } from "../lib/values";

/** Set by the program on its backup runner (components/backupRunner.ts). */
export const BACKUP_ROLE_LABEL = "homelab.backup.role";
/** Space-separated volumes the stack file skips on purpose (`backup: false` or `exclude`). */
export const BACKUP_EXCLUDED_LABEL = "homelab.backup.excluded";
/** The runner's own staging volume, where restores land: scratch, not data. */
export const BACKUP_STAGING_LABEL = "homelab.backup.staging";
/**
 * Platform data that is rebuilt rather than restored: metrics, logs, provisioned dashboards, the
 * Pushgateway's cache, Alertmanager's silences and notification log.
 */
export const PLATFORM_VOLUMES = ["prometheus-data", "loki-data", "grafana-data", "alloy-data", "pushgateway-data", "alertmanager-data"];

/** Stands for the default provider in volume keys; any string that is no provider URN does. */
// Stryker disable next-line StringLiteral: equivalent: provider URNs are never empty, nor "Stryker was here!"
const DEFAULT_PROVIDER = "";

export interface RequireBackupConfig {
    exemptVolumes: string[];
}

export const requireBackup = stackRule<RequireBackupConfig>({
    name: "require-backup",
    description: "Every retained data volume is backed up: a backup runner on its host mounts it read-only, or the stack file skips it on purpose.",
    remediationSteps:
        "Configure `homelab:backups` (a restic repository and its password) so the host's runner backs the volume up; to skip a volume " +
        "deliberately, set the service's `backup: false` or `backup.exclude`, or list it in `exemptVolumes` in policies/config/<stack>.json.",
    severity: "high",
    configSchema: { properties: { exemptVolumes: schema.strings(PLATFORM_VOLUMES, "Volume names that need no backup.") } },
    defaults: { exemptVolumes: PLATFORM_VOLUMES },
    check: (resources, config, report) => {
        // Keyed by provider (the host) and Docker volume name: a runner covers only its own host.
        const key = (provider: string | undefined, name: string) => `${provider ?? DEFAULT_PROVIDER}|${name}`;
        const covered = new Set<string>();
        for (const c of resources.filter((r) => r.type === TYPES.container && label(r.props, BACKUP_ROLE_LABEL) === "runner")) {
            // Volume labels cannot name their owner (they are fixed at creation), so the runner names its staging volume.
            const staging = label(c.props, BACKUP_STAGING_LABEL);
            if (staging !== undefined && staging !== "") covered.add(key(c.provider, staging));
            for (const v of records(c.props["volumes"])) {
                const name = str(v["volumeName"]);
                if (typeof name === "string" && bool(v["readOnly"]) === true) covered.add(key(c.provider, name));
            }
            for (const name of (label(c.props, BACKUP_EXCLUDED_LABEL) ?? "").split(" ").filter((n) => n !== "")) covered.add(key(c.provider, name));
        }
        for (const v of resources.filter((r) => r.type === TYPES.volume)) {
            const name = str(v.props["name"]);
            // An unknown name cannot be matched; the runner's mounts name it once known.
            if (typeof name !== "string" || config.exemptVolumes.includes(name)) continue;
            const k = key(v.provider, name);
            if (covered.has(k)) continue;
            report(`volume ${name} is retained but not backed up: no backup runner on its host mounts it, and the stack file does not skip it.`, v.urn);
        }
    },
});
