/**
 * Prometheus alert rules for the runbook cases, generated from the scrape
 * plan so every scraped job gets its own "down" rule and every service with
 * metrics its own error-rate rule.
 */
import { Document } from "yaml";
import type { ScrapePlan } from "./targets";

export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

export interface RuleFile {
  readonly groups: readonly { readonly name: string; readonly rules: readonly AlertRule[] }[];
}

export interface AlertOptions {
  /** Filesystem use (percent) that raises DiskUsageHigh. */
  readonly diskAlertPercent: number;
  /** Share of 5xx responses (0..1) that raises HighErrorRate. */
  readonly errorRateAlert: number;
  /** Disk usage from node-exporter when it runs, else from cAdvisor's root container. */
  readonly nodeExporter: boolean;
  /**
   * A Swarm: host figures per `node` (every target carries it), and a restart is a new task, not the same container again.
   * @default false
   */
  readonly swarm?: boolean;
}

/** Label cAdvisor gives a Swarm task's series (its container labels, `--store_container_labels` on by default). */
export const SWARM_SERVICE_LABEL = "container_label_com_docker_swarm_service_name";

/** Restarts within 15 minutes above which a container counts as crash-looping. */
export const RESTARTS_IN_15M = 3;

/** Filesystems that are not disks (node-exporter reports them too). */
const PSEUDO_FS = 'fstype!~"tmpfs|ramfs|overlay|squashfs|nsfs|fuse.*"';

export function diskUsageExpr(percent: number, nodeExporter: boolean, swarm = false): string {
  return nodeExporter
    ? `100 * (1 - node_filesystem_avail_bytes{${PSEUDO_FS}} / node_filesystem_size_bytes{${PSEUDO_FS}}) > ${percent}`
    : // cAdvisor's root cgroup (id="/") reports each host filesystem's usage and capacity.
      `100 * max by (${swarm ? "node, " : ""}device) (container_fs_usage_bytes{id="/"} / (container_fs_limit_bytes{id="/"} > 0)) > ${percent}`;
}

/**
 * Restarts in 15 minutes. A Swarm replaces a failed task with a new container, so
 * there a restart shows as one more task container seen in the window than run now.
 * A rolling update or a scale-down replaces each task once at most: only
 * replacements beyond one per running task (plus the usual allowance) are restarts.
 */
function restartRule(swarm: boolean): AlertRule {
  if (!swarm) {
    return {
      alert: "ContainerRestarting",
      // The start time changes on every restart of the same container.
      expr: `sum by (name) (changes(container_start_time_seconds{name!=""}[15m])) > ${RESTARTS_IN_15M}`,
      for: "0m",
      labels: { severity: "warning" },
      annotations: { summary: `container {{ $labels.name }} restarted more than ${RESTARTS_IN_15M} times in 15 minutes` },
    };
  }
  const sel = `{${SWARM_SERVICE_LABEL}!=""}`;
  const by = `count by (${SWARM_SERVICE_LABEL})`;
  return {
    alert: "ContainerRestarting",
    expr: `${by} (max_over_time(container_start_time_seconds${sel}[15m])) - ${by} (container_start_time_seconds${sel}) > ${by} (container_start_time_seconds${sel}) + ${RESTARTS_IN_15M}`,
    for: "0m",
    labels: { severity: "warning" },
    annotations: { summary: `Swarm service {{ $labels.${SWARM_SERVICE_LABEL} }} replaced more than ${RESTARTS_IN_15M} tasks in 15 minutes` },
  };
}

/**
 * FastAPI instrumentator's counter; `5..` matches both exact codes ("503")
 * and the instrumentator's default grouped form ("5xx").
 */
export function errorRateExpr(job: string, threshold: number): string {
  const sel = `job="${job}"`;
  return `sum(rate(http_requests_total{${sel},status=~"5.."}[5m])) / sum(rate(http_requests_total{${sel}}[5m])) > ${threshold}`;
}

export function alertRules(plan: ScrapePlan, opts: AlertOptions): RuleFile {
  const down: AlertRule[] = plan.jobs.map((j) => ({
    alert: "ServiceDown",
    expr: `up{job="${j.job}"} == 0`,
    for: "2m",
    // `service` routes a service's alerts to its receiver (homelab:alerting.route.byService).
    labels: { severity: "critical", job: j.job, ...(j.kind === "service" ? { service: j.job } : {}) },
    annotations: { summary: `${j.job} (${j.address}) has not answered Prometheus for 2 minutes` },
  }));
  const containers: AlertRule[] = [
    restartRule(opts.swarm ?? false),
    {
      alert: "DiskUsageHigh",
      expr: diskUsageExpr(opts.diskAlertPercent, opts.nodeExporter, opts.swarm ?? false),
      for: "10m",
      labels: { severity: "warning" },
      annotations: {
        summary: opts.nodeExporter
          ? `filesystem {{ $labels.mountpoint }} is more than ${opts.diskAlertPercent}% full`
          : `filesystem {{ $labels.device }} is more than ${opts.diskAlertPercent}% full`,
      },
    },
  ];
  const errors: AlertRule[] = plan.jobs
    .filter((j) => j.kind === "service")
    .map((j) => ({
      alert: "HighErrorRate",
      expr: errorRateExpr(j.job, opts.errorRateAlert),
      for: "5m",
      labels: { severity: "warning", job: j.job, service: j.job },
      annotations: { summary: `more than ${opts.errorRateAlert * 100}% of ${j.job}'s requests fail with 5xx` },
    }));
  return {
    groups: [
      { name: "homelab-availability", rules: down },
      { name: "homelab-containers", rules: containers },
      { name: "homelab-errors", rules: errors },
    ],
  };
}

export function alertRulesYaml(plan: ScrapePlan, opts: AlertOptions): string {
  const doc = new Document(alertRules(plan, opts));
  doc.commentBefore = " Generated by homelab from the service model; edit the stack file, not this.";
  // lineWidth 0: PromQL stays on one line, as a reader greps for it.
  return doc.toString({ lineWidth: 0 });
}
