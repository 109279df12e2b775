/** The Pushgateway the backup runners push their results to (runs only when the stack has backups). */
import { wget, type MonitoringContext } from "./context";

/** The Pushgateway's persistence volume: last backup times survive its restart. */
export const PUSHGATEWAY_VOLUME = "pushgateway-data";

export function pushgatewayContainer<T>(ctx: MonitoringContext<T>): T {
  return ctx.svc("pushgateway", {
    key: "pushgateway",
    image: ctx.images.pushgateway,
    port: 9091,
    // Persisted, so a restart does not forget the last backup times (and raise BackupStale for nothing).
    command: ["--persistence.file=/pushgateway/metrics", "--persistence.interval=1m"],
    volumes: [{ type: "volume", source: PUSHGATEWAY_VOLUME, target: "/pushgateway", readOnly: false }],
    healthcheck: wget("http://localhost:9091/-/healthy"),
    memoryMb: 64,
    cpus: 0.25,
    capDrop: ["ALL"],
  });
}
