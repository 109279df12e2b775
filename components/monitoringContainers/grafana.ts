/** Grafana with provisioned datasources (Prometheus, Loki, Jaeger, Alertmanager) and the container dashboard. */
import type * as pulumi from "@pulumi/pulumi";
import { ALERTMANAGER_PORT } from "../../infra/alerting/alertmanager";
import {
  CONTAINER_HEALTH_DASHBOARD_FILE,
  containerHealthDashboard,
  GRAFANA_DASHBOARD_PROVIDER_FILE,
  GRAFANA_DATASOURCES_FILE,
  grafanaDashboardProviderYaml,
  grafanaDatasourcesYaml,
} from "../../infra/monitoring/grafana";
import { MONITORING_VOLUMES, UI_PORTS } from "../../infra/monitoring/layout";
import { BACKUP_DASHBOARD_FILE, backupDashboard } from "../../infra/monitoring/backupDashboard";
import { LOKI_PORT } from "../../infra/monitoring/loki";
import { wget, type MonitoringContext } from "./context";

export interface GrafanaSettings {
  readonly adminPassword: pulumi.Input<string>;
  readonly rootUrl: string | undefined;
  readonly uiPort: number | undefined;
  /** Containers Grafana's datasources point at; it starts after them. */
  readonly after: pulumi.Resource[];
  /** Provision the Backups dashboard (the stack has backups). */
  readonly backupDashboard: boolean;
}

export function grafanaContainer<T>(ctx: MonitoringContext<T>, s: GrafanaSettings): T {
  const datasources = grafanaDatasourcesYaml({
    prometheus: `http://prometheus:${UI_PORTS.prometheus}`,
    loki: `http://loki:${LOKI_PORT}`,
    jaeger: `http://jaeger:${UI_PORTS.jaeger}`,
    alertmanager: `http://alertmanager:${ALERTMANAGER_PORT}`,
  });
  return ctx.svc(
    "grafana",
    {
      key: "grafana",
      image: ctx.images.grafana,
      port: UI_PORTS.grafana,
      environment: {
        GF_SECURITY_ADMIN_USER: "admin",
        GF_USERS_ALLOW_SIGN_UP: "false",
        GF_ANALYTICS_REPORTING_ENABLED: "false",
        GF_ANALYTICS_CHECK_FOR_UPDATES: "false",
        ...(s.rootUrl ? { GF_SERVER_ROOT_URL: s.rootUrl } : {}),
      },
      volumes: [{ type: "volume", source: MONITORING_VOLUMES.grafana, target: "/var/lib/grafana", readOnly: false }],
      ports: ctx.publish(s.uiPort, UI_PORTS.grafana),
      healthcheck: wget(`http://localhost:${UI_PORTS.grafana}/api/health`),
      memoryMb: 512,
      cpus: 0.5,
      capDrop: ["ALL"],
    },
    {
      uploads: [
        { file: GRAFANA_DATASOURCES_FILE, content: datasources },
        { file: GRAFANA_DASHBOARD_PROVIDER_FILE, content: grafanaDashboardProviderYaml() },
        { file: CONTAINER_HEALTH_DASHBOARD_FILE, content: JSON.stringify(containerHealthDashboard(), null, 2) },
        ...(s.backupDashboard ? [{ file: BACKUP_DASHBOARD_FILE, content: JSON.stringify(backupDashboard(), null, 2) }] : []),
      ],
      // Only read at Grafana's first start (when it creates its database); see README.
      secrets: { GF_SECURITY_ADMIN_PASSWORD: s.adminPassword },
      after: s.after,
    },
  );
}
