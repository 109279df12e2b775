import type * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { alertmanagerYaml, ALERTMANAGER_PORT } from "../infra/alerting/alertmanager";
import type { AlertingConfig } from "../infra/alerting/schema";
import { platformService, type Service } from "../infra/model";
import { prometheusYaml } from "../infra/monitoring/prometheus";
import { homelabRulesYaml } from "../infra/monitoring/ruleFile";
import { scrapePlan, type ScrapePlan } from "../infra/monitoring/targets";
import { HomelabService } from "./homelabService";
import { alertmanagerContainer } from "./monitoringContainers/alertmanager";
import { MONITORING_IMAGES, type MonitoringContext, type MonitoringImages, type ServiceExtra, type ServiceSpec } from "./monitoringContainers/context";
import { cadvisorContainer, nodeExporterContainer } from "./monitoringContainers/exporters";
import { grafanaContainer } from "./monitoringContainers/grafana";
import { jaegerContainer } from "./monitoringContainers/jaeger";
import { alloyContainer, lokiContainer } from "./monitoringContainers/logs";
import { prometheusContainer } from "./monitoringContainers/prometheus";
import { pushgatewayContainer } from "./monitoringContainers/pushgateway";

export { MONITORING_IMAGES, JAEGER_OTLP_GRPC, JAEGER_OTLP_HTTP, type MonitoringImages } from "./monitoringContainers/context";
export { UI_PORTS } from "../infra/monitoring/layout";

const ALL_INTERFACES = new Set(["0.0.0.0", "::", "*", ""]);

export interface MonitoringArgs {
  readonly stack: string;
  /** Host name the containers run on (for scoping the scrape plan). */
  readonly host: string;
  readonly provider: docker.Provider;
  /** Model name of the network every monitoring container joins (the stack's default network). */
  readonly network: string;
  /** Docker name of that network. */
  readonly networkName: pulumi.Input<string>;
  /** Every service of the stack; those with `metrics` become scrape targets, their `alerts` rules. */
  readonly services: readonly Service[];
  /**
   * Days Prometheus and Loki keep data.
   * @default 15
   */
  readonly retentionDays?: number;
  /**
   * Grafana admin password; wrapped as a secret.
   * @default a generated RandomPassword
   */
  readonly grafanaAdminPassword?: pulumi.Input<string>;
  /**
   * Run node-exporter, and take the disk alert from it.
   * @default false
   */
  readonly nodeExporter?: boolean;
  /**
   * Scrape the tunnel connector (`cloudflared`, same host and network) and alert when it loses the edge.
   * @default false
   */
  readonly tunnelConnector?: boolean;
  /**
   * Filesystem use (percent) that raises DiskUsageHigh.
   * @default 80
   */
  readonly diskAlertPercent?: number;
  /**
   * Share of 5xx responses (0..1) that raises HighErrorRate.
   * @default 0.05
   */
  readonly errorRateAlert?: number;
  /**
   * Receivers, routing and heartbeat for Alertmanager; its file goes into the container as a secret.
   * @default {} (alerts are shown, nobody is notified)
   */
  readonly alerting?: AlertingConfig;
  /**
   * Host ports publishing the UIs on `bindAddress` (dev); unset UIs are not published.
   * @default {}
   */
  readonly uiPorts?: { readonly grafana?: number; readonly jaeger?: number; readonly prometheus?: number; readonly alertmanager?: number };
  /**
   * Interface the UI ports bind to; all-interfaces addresses are refused.
   * @default "127.0.0.1"
   */
  readonly bindAddress?: string;
  /**
   * Public URL of Grafana, when it is reached through the tunnel.
   * @default Grafana's own (http://localhost:3000)
   */
  readonly grafanaRootUrl?: string;
  /**
   * Restart policy of every monitoring container.
   * @default "unless-stopped"
   */
  readonly restart?: Service["restart"];
  /**
   * Image overrides.
   * @default MONITORING_IMAGES
   */
  readonly images?: Partial<MonitoringImages>;
  /**
   * Recovery-point objective of the stack's backups: runs the Pushgateway the
   * backup runners push to, with the BackupStale/RestoreDrillFailed rules and a dashboard.
   * @default undefined (no backups)
   */
  readonly backupRpo?: string;
  readonly logMaxSize: string;
  readonly logMaxFiles: number;
}

/**
 * Traces (Jaeger), metrics (Prometheus + cAdvisor, optionally node-exporter),
 * alerts (Alertmanager), logs (Loki + Alloy) and dashboards (Grafana) for one
 * stack, configured from the service model: a service that declares `metrics`
 * becomes a scrape target, an error-rate alert and a "down" alert with no
 * second edit. Each container has its builder in components/monitoringContainers/;
 * every one is a HomelabService, so the platform's secure defaults (no new
 * privileges, memory limit, rotated logs, retained volumes) apply.
 */
export class Monitoring extends pulumi.ComponentResource {
  /** Monitoring containers by role (jaeger, prometheus, grafana, loki, alloy, cadvisor, alertmanager, nodeExporter, pushgateway). */
  readonly services: Readonly<Record<string, HomelabService>>;
  /** What Prometheus scrapes and what it had to skip. */
  readonly scrapePlan: ScrapePlan;

  constructor(name: string, args: MonitoringArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("homelab:monitoring:Monitoring", name, {}, opts);
    const bind = args.bindAddress ?? "127.0.0.1";
    // Monitoring UIs carry no authentication of their own worth trusting on a LAN.
    if (ALL_INTERFACES.has(bind)) throw new Error(`monitoring UIs must not bind to all interfaces ("${bind}")`);
    const nodeExporter = args.nodeExporter ?? false;
    const ports = args.uiPorts ?? {};
    const backups = args.backupRpo !== undefined;
    this.scrapePlan = scrapePlan(args.services, { host: args.host, network: args.network, nodeExporter, cloudflared: args.tunnelConnector ?? false, pushgateway: backups });
    const ctx = this.context(name, args, bind);

    const services: Record<string, HomelabService> = {};
    services.cadvisor = cadvisorContainer(ctx);
    if (nodeExporter) services.nodeExporter = nodeExporterContainer(ctx);
    if (backups) services.pushgateway = pushgatewayContainer(ctx);
    services.jaeger = jaegerContainer(ctx, ports.jaeger);
    services.alertmanager = alertmanagerContainer(ctx, alertmanagerYaml(args.alerting ?? {}), ports.alertmanager);
    services.prometheus = prometheusContainer(
      ctx,
      {
        config: prometheusYaml(this.scrapePlan, { stack: args.stack, alertmanager: `alertmanager:${ALERTMANAGER_PORT}` }),
        rules: homelabRulesYaml(this.scrapePlan, { diskAlertPercent: args.diskAlertPercent ?? 80, errorRateAlert: args.errorRateAlert ?? 0.05, nodeExporter }, args.services, args.backupRpo),
      },
      ports.prometheus,
    );
    services.loki = lokiContainer(ctx);
    services.alloy = alloyContainer(ctx, [services.loki.container]);
    const password = args.grafanaAdminPassword ?? new random.RandomPassword(`${name}-grafana-admin-password`, { length: 32, special: false }, { parent: this }).result;
    services.grafana = grafanaContainer(ctx, {
      adminPassword: password,
      rootUrl: args.grafanaRootUrl,
      uiPort: ports.grafana,
      after: [services.prometheus.container, services.loki.container, services.jaeger.container, services.alertmanager.container],
      backupDashboard: backups,
    });

    this.services = services;
    // Nothing secret here: the password stays inside the container's env, the receivers inside Alertmanager's file.
    this.registerOutputs({
      containers: Object.fromEntries(Object.entries(services).map(([k, s]) => [k, s.containerName])),
      scrapeJobs: this.scrapePlan.jobs.map((j) => j.job),
    });
  }

  private context(name: string, args: MonitoringArgs, bind: string): MonitoringContext {
    const restart = args.restart ?? "unless-stopped";
    const net = args.network;
    // Every platform container gets a CPU cap of at most one CPU: a heavy query or a log burst must not
    // starve the services on a small VPS, and Docker refuses a cap above the host's CPU count.
    const svc = (role: string, spec: ServiceSpec, extra: ServiceExtra = {}): HomelabService =>
      // Renaming this child (the role suffix) replaces the container; its volumes are retained by name.
      new HomelabService(
        `${name}-${role}`,
        {
          service: platformService({ networks: [net], restart, host: args.host, ...spec }),
          stack: args.stack,
          provider: args.provider,
          networks: { [net]: args.networkName },
          // Files holding secrets travel as pulumi.secret uploads: encrypted in state, "[secret]" in any preview.
          uploads: [...(extra.uploads ?? []), ...(extra.secretUploads ?? []).map((u) => ({ ...u, content: pulumi.secret(u.content) }))],
          extraSecretEnvironment: extra.secrets,
          after: extra.after,
          logMaxSize: args.logMaxSize,
          logMaxFiles: args.logMaxFiles,
        },
        { parent: this },
      );
    return {
      svc,
      secretFile: (file) => file,
      swarm: false,
      publish: (published, target) => (published === undefined ? [] : [{ hostIp: bind, published, target, protocol: "tcp" }]),
      images: { ...MONITORING_IMAGES, ...(args.images ?? {}) },
      stack: args.stack,
      retentionDays: args.retentionDays ?? 15,
    };
  }
}
