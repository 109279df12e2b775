/**
 * Built-in alerts beyond the runbook's first set: the dead man's switch,
 * host and container resource pressure, the tunnel connector, and the
 * alerting pipeline itself. Kept apart from alerts.ts so each group can
 * change without touching the other.
 *
 * Metric names come from the exporters' sources:
 * - cAdvisor lib/metrics/prometheus.go: container_oom_events_total (kind oom_event, not in our --disable_metrics),
 *   container_memory_working_set_bytes, container_spec_memory_limit_bytes, machine_memory_bytes;
 * - cloudflared supervisor/metrics.go: cloudflared_tunnel_ha_connections (gauge of edge connections);
 * - Alertmanager notify/metrics.go: alertmanager_notifications_failed_total{integration,reason};
 * - node-exporter: node_memory_MemAvailable_bytes, node_memory_MemTotal_bytes, node_filesystem_avail_bytes.
 */
import type { AlertRule } from "./alerts";
import type { ScrapePlan } from "./targets";

export interface RuleGroup {
  readonly name: string;
  readonly rules: readonly AlertRule[];
}

export interface PlatformAlertOptions {
  /** Host memory and disk trends from node-exporter when it runs, else from cAdvisor's root container. */
  readonly nodeExporter: boolean;
  /**
   * A Swarm: host memory per `node` (every target carries the label).
   * @default false
   */
  readonly swarm?: boolean;
}

/** Working set share of a container's memory limit that raises ContainerMemoryNearLimit. */
export const MEMORY_NEAR_LIMIT = 0.9;
/** Available share of host memory below which HostMemoryPressure fires. */
export const HOST_MEMORY_AVAILABLE_MIN = 0.1;
/** Share of scrapes in 15 minutes that may fail before ScrapeFailing fires. */
export const SCRAPE_SUCCESS_MIN = 0.9;

const PSEUDO_FS = 'fstype!~"tmpfs|ramfs|overlay|squashfs|nsfs|fuse.*"';

const rule = (alert: string, expr: string, forDuration: string, severity: string, summary: string): AlertRule => ({
  alert,
  expr,
  for: forDuration,
  labels: { severity },
  annotations: { summary },
});

/** Always firing: Alertmanager forwards it to the heartbeat URL; silence from it means the pipeline is dead. */
export function watchdogRule(): AlertRule {
  return rule("Watchdog", "vector(1)", "0m", "none", "always firing while Prometheus, its rules and Alertmanager work (dead man's switch)");
}

/** One sum per host: the whole engine, or each Swarm node. */
const sumOf = (opts: PlatformAlertOptions): string => (opts.swarm === true ? "sum by (node) " : "sum");

export function hostRules(opts: PlatformAlertOptions): AlertRule[] {
  const rules = [
    // Most targets down together points at the host or its Docker engine, not at each service; Alertmanager
    // lets this one alert stand for the rest (inhibition).
    rule("HostDown", "count(up == 0) > count(up) / 2", "2m", "critical", "more than half of the scrape targets are down at once: the host or its Docker engine is in trouble"),
    opts.nodeExporter
      ? rule("HostMemoryPressure", `node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes < ${HOST_MEMORY_AVAILABLE_MIN}`, "10m", "warning", `less than ${HOST_MEMORY_AVAILABLE_MIN * 100}% of the host's memory is available`)
      : rule(
          "HostMemoryPressure",
          `1 - ${sumOf(opts)}(container_memory_working_set_bytes{id="/"}) / ${sumOf(opts)}(machine_memory_bytes) < ${HOST_MEMORY_AVAILABLE_MIN}`,
          "10m",
          "warning",
          `less than ${HOST_MEMORY_AVAILABLE_MIN * 100}% of the host's memory is available`,
        ),
  ];
  if (opts.nodeExporter) {
    rules.push(
      rule("HostDiskFillingUp", `predict_linear(node_filesystem_avail_bytes{${PSEUDO_FS}}[6h], 24 * 3600) < 0`, "1h", "warning", "filesystem {{ $labels.mountpoint }} will be full within 24 hours at the current rate"),
    );
  }
  return rules;
}

export function containerResourceRules(): AlertRule[] {
  return [
    rule("ContainerOomKilled", 'sum by (name) (increase(container_oom_events_total{name!=""}[10m])) > 0', "0m", "warning", "container {{ $labels.name }} was killed for running out of memory"),
    rule(
      "ContainerMemoryNearLimit",
      `sum by (name) (container_memory_working_set_bytes{name!=""}) / sum by (name) (container_spec_memory_limit_bytes{name!=""} > 0) > ${MEMORY_NEAR_LIMIT}`,
      "5m",
      "warning",
      `container {{ $labels.name }} uses more than ${MEMORY_NEAR_LIMIT * 100}% of its memory limit`,
    ),
  ];
}

/** Scrapes, notifications and the tunnel connector (when Prometheus scrapes it). */
export function pipelineRules(plan: ScrapePlan): AlertRule[] {
  const rules = [
    rule("ScrapeFailing", `avg_over_time(up[15m]) < ${SCRAPE_SUCCESS_MIN}`, "5m", "warning", "{{ $labels.job }} failed more than 10% of its scrapes in 15 minutes"),
    rule("AlertmanagerNotificationsFailing", "sum by (integration) (increase(alertmanager_notifications_failed_total[15m])) > 0", "0m", "warning", "Alertmanager failed to deliver notifications through {{ $labels.integration }}"),
  ];
  if (plan.jobs.some((j) => j.job === "cloudflared")) {
    rules.push(rule("TunnelConnectorDown", 'cloudflared_tunnel_ha_connections{job="cloudflared"} < 1', "2m", "critical", "cloudflared holds no connection to Cloudflare's edge: every public hostname is unreachable"));
  }
  return rules;
}

export function platformAlertGroups(plan: ScrapePlan, opts: PlatformAlertOptions): RuleGroup[] {
  return [
    { name: "homelab-watchdog", rules: [watchdogRule()] },
    { name: "homelab-host", rules: hostRules(opts) },
    { name: "homelab-container-resources", rules: containerResourceRules() },
    { name: "homelab-pipeline", rules: pipelineRules(plan) },
  ];
}
