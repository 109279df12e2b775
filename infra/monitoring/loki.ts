/**
 * Loki's own config: single binary, filesystem storage in the data volume,
 * retention enforced by the compactor.
 */
import { stringify } from "yaml";

export const LOKI_CONFIG_FILE = "/etc/loki/homelab.yaml";
export const LOKI_PORT = 3100;

export function lokiConfig(retentionDays: number): Record<string, unknown> {
  return {
    auth_enabled: false,
    server: { http_listen_port: LOKI_PORT },
    common: {
      path_prefix: "/loki",
      replication_factor: 1,
      ring: { kvstore: { store: "inmemory" } },
      storage: { filesystem: { chunks_directory: "/loki/chunks", rules_directory: "/loki/rules" } },
    },
    schema_config: {
      configs: [{ from: "2024-01-01", store: "tsdb", object_store: "filesystem", schema: "v13", index: { prefix: "index_", period: "24h" } }],
    },
    // Without the compactor's retention, retention_period alone deletes nothing.
    limits_config: { retention_period: `${retentionDays * 24}h` },
    compactor: { working_directory: "/loki/compactor", retention_enabled: true, delete_request_store: "filesystem" },
    analytics: { reporting_enabled: false },
  };
}

export function lokiYaml(retentionDays: number): string {
  return stringify(lokiConfig(retentionDays), { lineWidth: 0 });
}
