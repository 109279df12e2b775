/**
 * Grafana provisioning: datasources for the three backends and a container
 * health dashboard, all written into the container as files.
 */
import { stringify } from "yaml";

export const GRAFANA_DATASOURCES_FILE = "/etc/grafana/provisioning/datasources/homelab.yaml";
export const GRAFANA_DASHBOARD_PROVIDER_FILE = "/etc/grafana/provisioning/dashboards/homelab.yaml";
/** Outside the data volume, so a new dashboard version is never shadowed by an old copy. */
export const GRAFANA_DASHBOARD_DIR = "/etc/grafana/dashboards";
export const CONTAINER_HEALTH_DASHBOARD_FILE = `${GRAFANA_DASHBOARD_DIR}/container-health.json`;

export interface BackendUrls {
  readonly prometheus: string;
  readonly loki: string;
  readonly jaeger: string;
  /**
   * Alertmanager's URL: Grafana shows its alerts and silences.
   * @default none
   */
  readonly alertmanager?: string;
}

export interface Datasource {
  readonly name: string;
  readonly uid: string;
  readonly type: "prometheus" | "loki" | "jaeger" | "alertmanager";
  readonly access: "proxy";
  readonly url: string;
  readonly isDefault: boolean;
  readonly editable: boolean;
  /** Alertmanager only: Grafana's data source for a Prometheus Alertmanager, not Grafana's own. */
  readonly jsonData?: { readonly implementation: "prometheus"; readonly handleGrafanaManagedAlerts: false };
}

export interface DatasourceFile {
  readonly apiVersion: 1;
  readonly datasources: readonly Datasource[];
}

/** Fixed uids, so the dashboard (and anything a user builds) can refer to them. */
export const DATASOURCE_UIDS = { prometheus: "prometheus", loki: "loki", jaeger: "jaeger", alertmanager: "alertmanager" } as const;

export function grafanaDatasources(urls: BackendUrls): DatasourceFile {
  const ds = (name: string, type: Datasource["type"], url: string, isDefault: boolean): Datasource => ({
    name,
    uid: DATASOURCE_UIDS[type],
    type,
    access: "proxy",
    url,
    isDefault,
    // Provisioned from the stack: edits in the UI would be lost on the next replacement.
    editable: false,
  });
  return {
    apiVersion: 1,
    datasources: [
      ds("Prometheus", "prometheus", urls.prometheus, true),
      ds("Loki", "loki", urls.loki, false),
      ds("Jaeger", "jaeger", urls.jaeger, false),
      ...(urls.alertmanager !== undefined
        ? [{ ...ds("Alertmanager", "alertmanager", urls.alertmanager, false), jsonData: { implementation: "prometheus" as const, handleGrafanaManagedAlerts: false as const } }]
        : []),
    ],
  };
}

export function grafanaDatasourcesYaml(urls: BackendUrls): string {
  return stringify(grafanaDatasources(urls), { lineWidth: 0 });
}

export function grafanaDashboardProviderYaml(): string {
  return stringify({
    apiVersion: 1,
    providers: [
      {
        name: "homelab",
        folder: "Homelab",
        type: "file",
        disableDeletion: true,
        allowUiUpdates: false,
        options: { path: GRAFANA_DASHBOARD_DIR },
      },
    ],
  });
}

export interface DashboardPanel {
  readonly id: number;
  readonly title: string;
  readonly type: "timeseries";
  readonly datasource: { readonly type: "prometheus"; readonly uid: string };
  readonly gridPos: { readonly x: number; readonly y: number; readonly w: number; readonly h: number };
  readonly fieldConfig: { readonly defaults: { readonly unit: string }; readonly overrides: readonly never[] };
  readonly targets: readonly { readonly refId: string; readonly expr: string; readonly legendFormat: string }[];
}

export interface Dashboard {
  readonly uid: string;
  readonly title: string;
  readonly tags: readonly string[];
  readonly schemaVersion: number;
  readonly time: { readonly from: string; readonly to: string };
  readonly refresh: string;
  readonly panels: readonly DashboardPanel[];
}

/** A half-width Prometheus time series panel at grid position (x, y). */
export function timeseriesPanel(id: number, title: string, expr: string, unit: string, legend: string, x: number, y: number): DashboardPanel {
  return {
    id,
    title,
    type: "timeseries",
    datasource: { type: "prometheus", uid: DATASOURCE_UIDS.prometheus },
    gridPos: { x, y, w: 12, h: 8 },
    fieldConfig: { defaults: { unit }, overrides: [] },
    targets: [{ refId: "A", expr, legendFormat: legend }],
  };
}

/** CPU, memory and restarts per container, from cAdvisor. */
export function containerHealthDashboard(): Dashboard {
  const panel = (id: number, title: string, expr: string, unit: string, x: number, y: number): DashboardPanel =>
    timeseriesPanel(id, title, expr, unit, "{{name}}", x, y);
  return {
    uid: "homelab-container-health",
    title: "Container health",
    tags: ["homelab", "containers"],
    schemaVersion: 39,
    time: { from: "now-6h", to: "now" },
    refresh: "30s",
    panels: [
      panel(1, "CPU (cores)", 'sum by (name) (rate(container_cpu_usage_seconds_total{name!=""}[5m]))', "short", 0, 0),
      panel(2, "Memory (working set)", 'sum by (name) (container_memory_working_set_bytes{name!=""})', "bytes", 12, 0),
      panel(3, "Restarts (last hour)", 'sum by (name) (changes(container_start_time_seconds{name!=""}[1h]))', "short", 0, 8),
      panel(4, "Memory use of limit", 'sum by (name) (container_memory_working_set_bytes{name!=""}) / sum by (name) (container_spec_memory_limit_bytes{name!=""} > 0)', "percentunit", 12, 8),
    ],
  };
}
