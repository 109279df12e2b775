/** Prometheus with its generated config and rule file. */
import { MONITORING_VOLUMES, UI_PORTS } from "../../infra/monitoring/layout";
import { PROMETHEUS_CONFIG_FILE, PROMETHEUS_RULES_FILE } from "../../infra/monitoring/prometheus";
import { wget, type MonitoringContext } from "./context";

export interface PrometheusFiles {
  readonly config: string;
  readonly rules: string;
}

export function prometheusContainer<T>(ctx: MonitoringContext<T>, files: PrometheusFiles, uiPort: number | undefined): T {
  return ctx.svc(
    "prometheus",
    {
      key: "prometheus",
      image: ctx.images.prometheus,
      port: UI_PORTS.prometheus,
      command: [`--config.file=${PROMETHEUS_CONFIG_FILE}`, "--storage.tsdb.path=/prometheus", `--storage.tsdb.retention.time=${ctx.retentionDays}d`],
      volumes: [{ type: "volume", source: MONITORING_VOLUMES.prometheus, target: "/prometheus", readOnly: false }],
      ports: ctx.publish(uiPort, UI_PORTS.prometheus),
      healthcheck: wget(`http://localhost:${UI_PORTS.prometheus}/-/healthy`),
      memoryMb: 1024,
      cpus: 1,
      capDrop: ["ALL"],
    },
    // A new scrape plan or rule set replaces the container: Prometheus restarts on the new config.
    { uploads: [{ file: PROMETHEUS_CONFIG_FILE, content: files.config }, { file: PROMETHEUS_RULES_FILE, content: files.rules }] },
  );
}
