/**
 * prometheus.yml for a Swarm stack, from the same scrape plan as the Docker
 * engine's. A name on an overlay network resolves to the service's virtual
 * IP, which balances over its tasks: scraping it would sample a different
 * task each time, and a global agent (cAdvisor, node-exporter, Alloy) one
 * node at random. So every job discovers its service's tasks through a
 * manager's API (`dockerswarm_sd_configs`, role tasks, through the
 * read-only API proxy) and scrapes each task at its own address on the
 * monitoring overlay network.
 *
 * Target shapes from prometheus/prometheus discovery/moby/tasks.go: a task
 * gets one target per network address, on the SD `port` only when its
 * service publishes no port (else on each published port), hence the
 * address is rewritten to the metrics port and other networks are dropped.
 */
import { Document } from "yaml";
import { PROMETHEUS_RULES_REF } from "./prometheus";
import type { ScrapeJob, ScrapePlan } from "./targets";

export interface SwarmPrometheusOptions {
  readonly stack: string;
  /** Overlay network Prometheus shares with its targets. */
  readonly network: string;
  /** `host:port` of the Alertmanager (its service name: one task, so its virtual IP is that task). */
  readonly alertmanager: string;
  /** A manager's Docker API, as `dockerswarm_sd_configs.host` takes it (the read-only proxy's `tcp://` address). */
  readonly swarmApi: string;
  /** @default "15s" */
  readonly scrapeInterval?: string;
}

export interface RelabelConfig {
  readonly source_labels?: readonly string[];
  readonly separator?: string;
  readonly regex?: string;
  readonly replacement?: string;
  readonly target_label?: string;
  readonly action?: "keep" | "replace";
}

export interface SwarmScrapeConfig {
  readonly job_name: string;
  readonly metrics_path: string;
  readonly honor_labels?: boolean;
  readonly dockerswarm_sd_configs: readonly {
    readonly host: string;
    readonly role: "tasks";
    readonly port: number;
    readonly filters: readonly { readonly name: string; readonly values: readonly string[] }[];
  }[];
  readonly relabel_configs: readonly RelabelConfig[];
}

export interface SwarmPrometheusConfig {
  readonly global: { readonly scrape_interval: string; readonly evaluation_interval: string; readonly external_labels: Readonly<Record<string, string>> };
  readonly rule_files: readonly string[];
  readonly alerting: { readonly alertmanagers: readonly { readonly static_configs: readonly { readonly targets: readonly string[] }[] }[] };
  readonly scrape_configs: readonly SwarmScrapeConfig[];
}

/** `name:port` of a scrape job: the Swarm service name and the metrics port. */
function serviceAndPort(job: ScrapeJob): { service: string; port: number } {
  const at = job.address.lastIndexOf(":");
  return { service: job.address.slice(0, at), port: Number(job.address.slice(at + 1)) };
}

function scrapeConfig(job: ScrapeJob, opts: SwarmPrometheusOptions): SwarmScrapeConfig {
  const { service, port } = serviceAndPort(job);
  return {
    job_name: job.job,
    metrics_path: job.path,
    ...(job.honorLabels === true ? { honor_labels: true } : {}),
    dockerswarm_sd_configs: [{ host: opts.swarmApi, role: "tasks", port, filters: [{ name: "service", values: [service] }] }],
    relabel_configs: [
      // Tasks being shut down or already gone are listed too; only the ones meant to run are targets.
      { source_labels: ["__meta_dockerswarm_task_desired_state"], regex: "running", action: "keep" },
      // Only this stack's services (another stack on the same Swarm keeps its own).
      { source_labels: ["__meta_dockerswarm_service_label_homelab_stack"], regex: escapeRegex(opts.stack), action: "keep" },
      // The task's address on the monitoring overlay: not the ingress network, nor a network Prometheus is not on.
      { source_labels: ["__meta_dockerswarm_network_name"], regex: escapeRegex(opts.network), action: "keep" },
      { source_labels: ["__address__"], regex: "(.+):\\d+", replacement: `$1:${port}`, target_label: "__address__" },
      { source_labels: ["__meta_dockerswarm_node_hostname"], target_label: "node" },
      // A stable instance: the task's slot (0 for a global service) and its node, not an address that changes with every task.
      {
        source_labels: ["__meta_dockerswarm_service_name", "__meta_dockerswarm_task_slot", "__meta_dockerswarm_node_hostname"],
        separator: ";",
        regex: "(.+);(.+);(.+)",
        replacement: "$1.$2@$3",
        target_label: "instance",
      },
      { target_label: "kind", replacement: job.kind },
    ],
  };
}

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export function swarmPrometheusConfig(plan: ScrapePlan, opts: SwarmPrometheusOptions): SwarmPrometheusConfig {
  const interval = opts.scrapeInterval ?? "15s";
  return {
    global: { scrape_interval: interval, evaluation_interval: interval, external_labels: { stack: opts.stack } },
    rule_files: [PROMETHEUS_RULES_REF],
    alerting: { alertmanagers: [{ static_configs: [{ targets: [opts.alertmanager] }] }] },
    scrape_configs: plan.jobs.map((j) => scrapeConfig(j, opts)),
  };
}

/** The file text; services Prometheus cannot reach are listed in a header comment. */
export function swarmPrometheusYaml(plan: ScrapePlan, opts: SwarmPrometheusOptions): string {
  const doc = new Document(swarmPrometheusConfig(plan, opts));
  const lines = [" Generated by homelab from the service model (Swarm: tasks discovered through the manager); edit the stack file, not this."];
  if (plan.skipped.length > 0) {
    lines.push(" Not scraped (metrics declared but unreachable from Prometheus):");
    for (const s of plan.skipped) lines.push(`   ${s.service}: ${s.reason}`);
  }
  doc.commentBefore = lines.join("\n");
  return doc.toString({ lineWidth: 0 });
}
