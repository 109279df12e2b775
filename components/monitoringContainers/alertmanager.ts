/**
 * Alertmanager: receives Prometheus's alerts, groups, inhibits, routes and
 * notifies. Its config holds the receivers' secrets, so it travels only as a
 * pulumi.secret upload (encrypted in state, "[secret]" in any preview); no
 * secret is in its command line, environment or labels.
 */
import { ALERTMANAGER_CONFIG_FILE, ALERTMANAGER_PORT } from "../../infra/alerting/alertmanager";
import { MONITORING_VOLUMES } from "../../infra/monitoring/layout";
import { wget, type MonitoringContext } from "./context";

/** `uiPort` publishes the UI (silences) on the monitoring bind address only, like the other UIs. */
export function alertmanagerContainer<T>(ctx: MonitoringContext<T>, configYaml: string, uiPort: number | undefined): T {
  const configFile = ctx.secretFile(ALERTMANAGER_CONFIG_FILE);
  return ctx.svc(
    "alertmanager",
    {
      key: "alertmanager",
      image: ctx.images.alertmanager,
      port: ALERTMANAGER_PORT,
      command: [
        `--config.file=${configFile}`,
        "--storage.path=/alertmanager",
        // One instance: no gossip cluster, so no cluster port listens and no peer is searched for.
        "--cluster.listen-address=",
      ],
      // Silences and the notification log survive a replacement.
      volumes: [{ type: "volume", source: MONITORING_VOLUMES.alertmanager, target: "/alertmanager", readOnly: false }],
      ports: ctx.publish(uiPort, ALERTMANAGER_PORT),
      healthcheck: wget(`http://localhost:${ALERTMANAGER_PORT}/-/healthy`),
      memoryMb: 128,
      cpus: 0.25,
      capDrop: ["ALL"],
    },
    { secretUploads: [{ file: configFile, content: configYaml }] },
  );
}
