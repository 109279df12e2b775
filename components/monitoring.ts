import type * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { platformService, type Healthcheck, type Service } from "../infra/model";
import { alertRulesYaml } from "../infra/monitoring/alerts";
import { ALLOY_CONFIG_FILE, ALLOY_PORT, alloyConfig, DOCKER_SOCKET } from "../infra/monitoring/alloy";
import {
  CONTAINER_HEALTH_DASHBOARD_FILE,
  containerHealthDashboard,
  GRAFANA_DASHBOARD_PROVIDER_FILE,
  GRAFANA_DATASOURCES_FILE,
  grafanaDashboardProviderYaml,
  grafanaDatasourcesYaml,
} from "../infra/monitoring/grafana";
import { LOKI_CONFIG_FILE, LOKI_PORT, lokiYaml } from "../infra/monitoring/loki";
import { PROMETHEUS_CONFIG_FILE, PROMETHEUS_RULES_FILE, prometheusYaml } from "../infra/monitoring/prometheus";
import { MONITORING_VOLUMES, UI_PORTS } from "../infra/monitoring/layout";
import { scrapePlan, type ScrapePlan } from "../infra/monitoring/targets";
import { BACKUP_RULES_FILE, backupAlertRulesYaml } from "../infra/monitoring/backupAlerts";
import { BACKUP_DASHBOARD_FILE, backupDashboard } from "../infra/monitoring/backupDashboard";
import { HomelabService, type FileUpload } from "./homelabService";

/** Pinned images: a monitoring upgrade is a reviewed change to this table, never a surprise pull. */
export const MONITORING_IMAGES = {
  jaeger: "jaegertracing/all-in-one:1.62.0",
  prometheus: "prom/prometheus:v3.1.0",
  grafana: "grafana/grafana:11.4.0",
  // 3.3.x still ships busybox wget for the healthcheck (3.6 moved to a distroless base).
  loki: "grafana/loki:3.3.2",
  alloy: "grafana/alloy:v1.5.1",
  cadvisor: "gcr.io/cadvisor/cadvisor:v0.49.1",
  nodeExporter: "prom/node-exporter:v1.8.2",
  pushgateway: "prom/pushgateway:v1.10.0",
} as const;

export type MonitoringImages = { readonly [K in keyof typeof MONITORING_IMAGES]: string };

export { UI_PORTS } from "../infra/monitoring/layout";
export const JAEGER_OTLP_GRPC = 4317;
export const JAEGER_OTLP_HTTP = 4318;

const ALL_INTERFACES = new Set(["0.0.0.0", "::", "*", ""]);
/** The Pushgateway's persistence file: last backup times survive its restart. */
export const PUSHGATEWAY_VOLUME = "pushgateway-data";

export interface MonitoringArgs {
  readonly stack: string;
  /** Host name the containers run on (for scoping the scrape plan). */
  readonly host: string;
  readonly provider: docker.Provider;
  /** Model name of the network every monitoring container joins (the stack's default network). */
  readonly network: string;
  /** Docker name of that network. */
  readonly networkName: pulumi.Input<string>;
  /** Every service of the stack; those with `metrics` become scrape targets. */
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
   * Host ports publishing the UIs on `bindAddress` (dev); unset UIs are not published.
   * @default {}
   */
  readonly uiPorts?: { readonly grafana?: number; readonly jaeger?: number; readonly prometheus?: number };
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

const wget = (url: string, interval = "30s"): Healthcheck => ({
  tests: ["CMD-SHELL", `wget -q -O /dev/null ${url} || exit 1`],
  interval,
  timeout: "5s",
  retries: 3,
  startPeriod: "30s",
});

/**
 * Traces (Jaeger), metrics (Prometheus + cAdvisor, optionally node-exporter),
 * logs (Loki + Alloy) and dashboards (Grafana) for one stack, configured
 * from the service model: a service that declares `metrics` becomes a scrape
 * target, an error-rate alert and a "down" alert with no second edit.
 * Every container is a HomelabService, so the platform's secure defaults
 * (no new privileges, memory limit, rotated logs, retained volumes) apply.
 */
export class Monitoring extends pulumi.ComponentResource {
  /** Monitoring containers by role (jaeger, prometheus, grafana, loki, alloy, cadvisor, nodeExporter). */
  readonly services: Readonly<Record<string, HomelabService>>;
  /** What Prometheus scrapes and what it had to skip. */
  readonly scrapePlan: ScrapePlan;

  constructor(name: string, args: MonitoringArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("homelab:monitoring:Monitoring", name, {}, opts);
    const bind = args.bindAddress ?? "127.0.0.1";
    // Monitoring UIs carry no authentication of their own worth trusting on a LAN.
    if (ALL_INTERFACES.has(bind)) throw new Error(`monitoring UIs must not bind to all interfaces ("${bind}")`);
    const images: MonitoringImages = { ...MONITORING_IMAGES, ...(args.images ?? {}) };
    const retentionDays = args.retentionDays ?? 15;
    const nodeExporter = args.nodeExporter ?? false;
    const restart = args.restart ?? "unless-stopped";
    const net = args.network;
    const ports = args.uiPorts ?? {};
    const publish = (published: number | undefined, target: number): Service["ports"] =>
      published === undefined ? [] : [{ hostIp: bind, published, target, protocol: "tcp" }];

    const backups = args.backupRpo !== undefined;
    this.scrapePlan = scrapePlan(args.services, { host: args.host, network: net, nodeExporter, pushgateway: backups });

    // Every platform container gets a CPU cap of at most one CPU: a heavy query or a log burst must not
    // starve the services on a small VPS, and Docker refuses a cap above the host's CPU count.
    const svc = (role: string, spec: Parameters<typeof platformService>[0], extra: { uploads?: FileUpload[]; secrets?: Record<string, pulumi.Input<string>>; after?: pulumi.Resource[] } = {}): HomelabService =>
      // Renaming this child (the role suffix) replaces the container; its volumes are retained by name.
      new HomelabService(
        `${name}-${role}`,
        {
          service: platformService({ networks: [net], restart, host: args.host, ...spec }),
          stack: args.stack,
          provider: args.provider,
          networks: { [net]: args.networkName },
          uploads: extra.uploads,
          extraSecretEnvironment: extra.secrets,
          after: extra.after,
          logMaxSize: args.logMaxSize,
          logMaxFiles: args.logMaxFiles,
        },
        { parent: this },
      );

    const services: Record<string, HomelabService> = {};

    services.cadvisor = svc("cadvisor", {
      key: "cadvisor",
      image: images.cadvisor,
      port: 8080,
      command: [
        "--docker_only=true",
        "--housekeeping_interval=30s",
        // Per-CPU and network-protocol series multiply cardinality and feed nothing here; disk stays on for the disk alert.
        "--disable_metrics=percpu,sched,tcp,udp,advtcp,referenced_memory,hugetlb,resctrl,cpu_topology,memory_numa",
      ],
      // Read-only views of the host; never privileged.
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

    if (nodeExporter) {
      services.nodeExporter = svc("node-exporter", {
        key: "node-exporter",
        image: images.nodeExporter,
        port: 9100,
        command: ["--path.rootfs=/host"],
        volumes: [{ type: "bind", source: "/", target: "/host", readOnly: true }],
        healthcheck: wget("http://localhost:9100/metrics"),
        memoryMb: 64,
        cpus: 0.25,
        capDrop: ["ALL"],
      });
    }

    if (backups) {
      services.pushgateway = svc("pushgateway", {
        key: "pushgateway",
        image: images.pushgateway,
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

    // Jaeger's image has no shell or HTTP client, so it gets no container healthcheck;
    // Prometheus scrapes its admin port and ServiceDown{job="jaeger"} covers it.
    services.jaeger = svc("jaeger", {
      key: "jaeger",
      image: images.jaeger,
      port: UI_PORTS.jaeger,
      listens: [JAEGER_OTLP_GRPC, JAEGER_OTLP_HTTP, UI_PORTS.jaeger, 14269],
      environment: { COLLECTOR_OTLP_ENABLED: "true", MEMORY_MAX_TRACES: "50000" },
      ports: publish(ports.jaeger, UI_PORTS.jaeger),
      memoryMb: 512,
      cpus: 0.5,
      capDrop: ["ALL"],
    });

    services.prometheus = svc(
      "prometheus",
      {
        key: "prometheus",
        image: images.prometheus,
        port: UI_PORTS.prometheus,
        command: [
          `--config.file=${PROMETHEUS_CONFIG_FILE}`,
          "--storage.tsdb.path=/prometheus",
          `--storage.tsdb.retention.time=${retentionDays}d`,
        ],
        volumes: [{ type: "volume", source: MONITORING_VOLUMES.prometheus, target: "/prometheus", readOnly: false }],
        ports: publish(ports.prometheus, UI_PORTS.prometheus),
        healthcheck: wget(`http://localhost:${UI_PORTS.prometheus}/-/healthy`),
        memoryMb: 1024,
        cpus: 1,
        capDrop: ["ALL"],
      },
      {
        // A new scrape plan or rule set replaces the container: Prometheus restarts on the new config.
        uploads: [
          { file: PROMETHEUS_CONFIG_FILE, content: prometheusYaml(this.scrapePlan, { stack: args.stack }) },
          {
            file: PROMETHEUS_RULES_FILE,
            content: alertRulesYaml(this.scrapePlan, {
              diskAlertPercent: args.diskAlertPercent ?? 80,
              errorRateAlert: args.errorRateAlert ?? 0.05,
              nodeExporter,
            }),
          },
          ...(args.backupRpo === undefined ? [] : [{ file: BACKUP_RULES_FILE, content: backupAlertRulesYaml(args.backupRpo) }]),
        ],
      },
    );

    services.loki = svc(
      "loki",
      {
        key: "loki",
        image: images.loki,
        port: LOKI_PORT,
        command: [`-config.file=${LOKI_CONFIG_FILE}`],
        volumes: [{ type: "volume", source: MONITORING_VOLUMES.loki, target: "/loki", readOnly: false }],
        healthcheck: wget(`http://localhost:${LOKI_PORT}/ready`),
        memoryMb: 512,
        cpus: 0.5,
        capDrop: ["ALL"],
      },
      { uploads: [{ file: LOKI_CONFIG_FILE, content: lokiYaml(retentionDays) }] },
    );

    services.alloy = svc(
      "alloy",
      {
        key: "alloy",
        image: images.alloy,
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
        uploads: [{ file: ALLOY_CONFIG_FILE, content: alloyConfig({ stack: args.stack, dockerHost: `unix://${DOCKER_SOCKET}`, lokiUrl: `http://loki:${LOKI_PORT}` }) }],
        after: [services.loki.container],
      },
    );

    const password = args.grafanaAdminPassword ?? new random.RandomPassword(`${name}-grafana-admin-password`, { length: 32, special: false }, { parent: this }).result;
    services.grafana = svc(
      "grafana",
      {
        key: "grafana",
        image: images.grafana,
        port: UI_PORTS.grafana,
        environment: {
          GF_SECURITY_ADMIN_USER: "admin",
          GF_USERS_ALLOW_SIGN_UP: "false",
          GF_ANALYTICS_REPORTING_ENABLED: "false",
          GF_ANALYTICS_CHECK_FOR_UPDATES: "false",
          ...(args.grafanaRootUrl ? { GF_SERVER_ROOT_URL: args.grafanaRootUrl } : {}),
        },
        volumes: [{ type: "volume", source: MONITORING_VOLUMES.grafana, target: "/var/lib/grafana", readOnly: false }],
        ports: publish(ports.grafana, UI_PORTS.grafana),
        healthcheck: wget(`http://localhost:${UI_PORTS.grafana}/api/health`),
        memoryMb: 512,
        cpus: 0.5,
        capDrop: ["ALL"],
      },
      {
        uploads: [
          { file: GRAFANA_DATASOURCES_FILE, content: grafanaDatasourcesYaml({ prometheus: `http://prometheus:${UI_PORTS.prometheus}`, loki: `http://loki:${LOKI_PORT}`, jaeger: `http://jaeger:${UI_PORTS.jaeger}` }) },
          { file: GRAFANA_DASHBOARD_PROVIDER_FILE, content: grafanaDashboardProviderYaml() },
          { file: CONTAINER_HEALTH_DASHBOARD_FILE, content: JSON.stringify(containerHealthDashboard(), null, 2) },
          ...(backups ? [{ file: BACKUP_DASHBOARD_FILE, content: JSON.stringify(backupDashboard(), null, 2) }] : []),
        ],
        // Only read at Grafana's first start (when it creates its database); see README.
        secrets: { GF_SECURITY_ADMIN_PASSWORD: password },
        after: [services.prometheus.container, services.loki.container, services.jaeger.container],
      },
    );

    this.services = services;
    // Nothing secret here: the password stays inside the container's env.
    this.registerOutputs({
      containers: Object.fromEntries(Object.entries(services).map(([k, s]) => [k, s.containerName])),
      scrapeJobs: this.scrapePlan.jobs.map((j) => j.job),
    });
  }
}
