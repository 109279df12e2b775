/** Loki stores logs; Alloy ships every container's logs to it. */
import { ALLOY_CONFIG_FILE, ALLOY_PORT, alloyConfig, DOCKER_SOCKET } from "../../infra/monitoring/alloy";
import { MONITORING_VOLUMES } from "../../infra/monitoring/layout";
import { LOKI_CONFIG_FILE, LOKI_PORT, lokiYaml } from "../../infra/monitoring/loki";
import type * as pulumi from "@pulumi/pulumi";
import { wget, type MonitoringContext } from "./context";

export function lokiContainer<T>(ctx: MonitoringContext<T>): T {
  return ctx.svc(
    "loki",
    {
      key: "loki",
      image: ctx.images.loki,
      port: LOKI_PORT,
      command: [`-config.file=${LOKI_CONFIG_FILE}`],
      volumes: [{ type: "volume", source: MONITORING_VOLUMES.loki, target: "/loki", readOnly: false }],
      healthcheck: wget(`http://localhost:${LOKI_PORT}/ready`),
      memoryMb: 512,
      cpus: 0.5,
      capDrop: ["ALL"],
    },
    { uploads: [{ file: LOKI_CONFIG_FILE, content: lokiYaml(ctx.retentionDays) }] },
  );
}

/** `after`: Loki, which it ships to. */
export function alloyContainer<T>(ctx: MonitoringContext<T>, after: pulumi.Resource[]): T {
  return ctx.svc(
    "alloy",
    {
      key: "alloy",
      image: ctx.images.alloy,
      port: ALLOY_PORT,
      command: ["run", `--server.http.listen-addr=0.0.0.0:${ALLOY_PORT}`, "--storage.path=/var/lib/alloy/data", ALLOY_CONFIG_FILE],
      volumes: [
        // Read-only: Alloy only lists containers and reads their logs.
        { type: "bind", source: DOCKER_SOCKET, target: DOCKER_SOCKET, readOnly: true },
        // Read positions survive a replacement, so logs are not shipped twice.
        { type: "volume", source: MONITORING_VOLUMES.alloy, target: "/var/lib/alloy/data", readOnly: false },
      ],
      // The image is Ubuntu without curl or wget; bash's /dev/tcp asks the readiness endpoint.
      healthcheck: {
        tests: ["CMD", "bash", "-c", `exec 3<>/dev/tcp/127.0.0.1/${ALLOY_PORT} && printf 'GET /-/ready HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q ' 200 ' <&3`],
        interval: "30s",
        timeout: "5s",
        retries: 3,
        startPeriod: "30s",
      },
      memoryMb: 256,
      cpus: 0.5,
    },
    {
      uploads: [{ file: ALLOY_CONFIG_FILE, content: alloyConfig({ stack: ctx.stack, dockerHost: `unix://${DOCKER_SOCKET}`, lokiUrl: `http://loki:${LOKI_PORT}`, swarm: ctx.swarm }) }],
      after,
    },
  );
}
