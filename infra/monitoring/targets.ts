/**
 * What Prometheus scrapes, derived from the service model. Pure: the
 * Prometheus config, the alert rules and the tests all read this one list,
 * so a service that declares `metrics` is picked up everywhere at once.
 */
import type { Service } from "../model";

/** One scrape job: a single target reached by container name on the monitoring network. */
export interface ScrapeJob {
  /** Prometheus `job` label; the service key for config-declared services. */
  readonly job: string;
  /** `container:port`. */
  readonly address: string;
  readonly path: string;
  /** `service` for the stack's own services, `platform` for the monitoring containers. */
  readonly kind: "service" | "platform";
  /** Keep the target's own `host`/`volume` labels (the Pushgateway relays other jobs' metrics). */
  readonly honorLabels?: boolean;
}

/** A service that declares metrics but that Prometheus cannot reach, with the reason. */
export interface SkippedTarget {
  readonly service: string;
  readonly reason: string;
}

export interface ScrapePlan {
  readonly jobs: readonly ScrapeJob[];
  readonly skipped: readonly SkippedTarget[];
}

export interface ScrapeScope {
  /**
   * Host the monitoring containers run on.
   * @default undefined: the network spans every host (a Swarm overlay), so only the network decides
   */
  readonly host?: string;
  /** Network (model name) Prometheus joins. */
  readonly network: string;
  readonly nodeExporter: boolean;
  /**
   * Scrape the tunnel connector (it runs on this host and network).
   * @default false
   */
  readonly cloudflared?: boolean;
  /**
   * The Pushgateway runs (backups push their results to it).
   * @default false
   */
  readonly pushgateway?: boolean;
}

/** The monitoring containers' own metrics endpoints (container name, port, path). */
export const PLATFORM_TARGETS: readonly { readonly job: string; readonly port: number; readonly path: string; readonly nodeExporterOnly?: boolean; readonly cloudflaredOnly?: boolean }[] = [
  { job: "prometheus", port: 9090, path: "/metrics" },
  { job: "cadvisor", port: 8080, path: "/metrics" },
  // Jaeger's admin port: its image has no shell for a container healthcheck, so `up` is its health signal.
  { job: "jaeger", port: 14269, path: "/metrics" },
  { job: "loki", port: 3100, path: "/metrics" },
  { job: "grafana", port: 3000, path: "/metrics" },
  { job: "alloy", port: 12345, path: "/metrics" },
  { job: "node-exporter", port: 9100, path: "/metrics", nodeExporterOnly: true },
  { job: "alertmanager", port: 9093, path: "/metrics" },
  // cloudflared's --metrics server (components/cloudflareTunnel.ts CLOUDFLARED_METRICS_PORT).
  { job: "cloudflared", port: 2000, path: "/metrics", cloudflaredOnly: true },
];

export function scrapePlan(services: readonly Service[], scope: ScrapeScope): ScrapePlan {
  const jobs: ScrapeJob[] = [];
  const skipped: SkippedTarget[] = [];
  for (const s of services) {
    if (!s.metrics) continue;
    // Prometheus reaches targets by container name, which only resolves on a shared bridge network on one host.
    if (scope.host !== undefined && s.host !== scope.host) {
      skipped.push({ service: s.key, reason: `runs on host "${s.host}", Prometheus on "${scope.host}"` });
    } else if (!s.networks.includes(scope.network)) {
      skipped.push({ service: s.key, reason: `not on network "${scope.network}"` });
    } else {
      jobs.push({ job: s.key, address: `${s.containerName}:${s.metrics.port}`, path: s.metrics.path, kind: "service" });
    }
  }
  for (const p of PLATFORM_TARGETS) {
    if (p.nodeExporterOnly && !scope.nodeExporter) continue;
    if (p.cloudflaredOnly && scope.cloudflared !== true) continue;
    jobs.push({ job: p.job, address: `${p.job}:${p.port}`, path: p.path, kind: "platform" });
  }
  if (scope.pushgateway === true) jobs.push({ job: "pushgateway", address: "pushgateway:9091", path: "/metrics", kind: "platform", honorLabels: true });
  return { jobs, skipped };
}
