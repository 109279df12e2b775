/** cAdvisor and node-exporter: read-only views of the host, never privileged. */
import { wget, type MonitoringContext } from "./context";

export function cadvisorContainer<T>(ctx: MonitoringContext<T>): T {
  return ctx.svc("cadvisor", {
    key: "cadvisor",
    image: ctx.images.cadvisor,
    port: 8080,
    command: [
      "--docker_only=true",
      "--housekeeping_interval=30s",
      // Per-CPU and network-protocol series multiply cardinality and feed nothing here; disk stays on for the
      // disk alert, oom_event stays on for ContainerOomKilled.
      "--disable_metrics=percpu,sched,tcp,udp,advtcp,referenced_memory,hugetlb,resctrl,cpu_topology,memory_numa",
    ],
    volumes: [
      { type: "bind", source: "/", target: "/rootfs", readOnly: true },
      { type: "bind", source: "/var/run", target: "/var/run", readOnly: true },
      { type: "bind", source: "/sys", target: "/sys", readOnly: true },
      { type: "bind", source: "/var/lib/docker", target: "/var/lib/docker", readOnly: true },
    ],
    healthcheck: wget("http://localhost:8080/healthz"),
    memoryMb: 256,
    cpus: 0.5,
  });
}

export function nodeExporterContainer<T>(ctx: MonitoringContext<T>): T {
  return ctx.svc("node-exporter", {
    key: "node-exporter",
    image: ctx.images.nodeExporter,
    port: 9100,
    command: ["--path.rootfs=/host"],
    volumes: [{ type: "bind", source: "/", target: "/host", readOnly: true }],
    healthcheck: wget("http://localhost:9100/metrics"),
    memoryMb: 64,
    cpus: 0.25,
    capDrop: ["ALL"],
  });
}
