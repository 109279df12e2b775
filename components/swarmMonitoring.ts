import * as path from "path";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { alertmanagerYaml, ALERTMANAGER_PORT } from "../infra/alerting/alertmanager";
import type { AlertingConfig } from "../infra/alerting/schema";
import { platformService, type Service } from "../infra/model";
import { homelabRulesYaml } from "../infra/monitoring/ruleFile";
import { swarmPrometheusYaml } from "../infra/monitoring/swarmPrometheus";
import { scrapePlan, type ScrapePlan } from "../infra/monitoring/targets";
import type { SwarmSpec } from "../infra/swarm/model";
import { swarmMonitoringSpec } from "../infra/swarm/monitoringSpec";
import { contentSuffix, objectName } from "../infra/swarm/objects";
import { DOCKER_API_NETWORK, SOCKET_PROXY_KEY, SOCKET_PROXY_TMPFS, SOCKET_PROXY_URL, socketProxyService } from "../infra/swarm/socketProxy";
import type { FileUpload } from "./homelabService";
import { alertmanagerContainer } from "./monitoringContainers/alertmanager";
import { MONITORING_IMAGES, type MonitoringContext, type MonitoringImages, type ServiceExtra, type ServiceSpec } from "./monitoringContainers/context";
import { cadvisorContainer, nodeExporterContainer } from "./monitoringContainers/exporters";
import { grafanaContainer } from "./monitoringContainers/grafana";
import { jaegerContainer } from "./monitoringContainers/jaeger";
import { alloyContainer, lokiContainer } from "./monitoringContainers/logs";
import { prometheusContainer } from "./monitoringContainers/prometheus";
import { pushgatewayContainer } from "./monitoringContainers/pushgateway";
import { swarmConfig, swarmSecret } from "./swarmFiles";
import { SwarmNetwork } from "./swarmNetwork";
import { SECRETS_DIR, SwarmService } from "./swarmService";

export interface SwarmMonitoringArgs {
  readonly stack: string;
  readonly swarm: SwarmSpec;
  /** Host (a Swarm manager) the single-task services are pinned to. */
  readonly host: string;
  /** The provider of a Swarm manager. */
  readonly provider: docker.Provider;
  /** Model name of the overlay network every monitoring service but the Docker API proxy joins (the stack's default network). */
  readonly network: string;
  readonly networkId: pulumi.Input<string>;
  /** Every service of the stack; those with `metrics` become scrape jobs, their `alerts` rules. */
  readonly services: readonly Service[];
  /** @default 15 */
  readonly retentionDays?: number;
  /** @default a generated RandomPassword */
  readonly grafanaAdminPassword?: pulumi.Input<string>;
  /** @default false */
  readonly nodeExporter?: boolean;
  /**
   * Scrape the tunnel connector's tasks.
   * @default false
   */
  readonly tunnelConnector?: boolean;
  /** @default 80 */
  readonly diskAlertPercent?: number;
  /** @default 0.05 */
  readonly errorRateAlert?: number;
  /** @default {} */
  readonly alerting?: AlertingConfig;
  /** @default Grafana's own */
  readonly grafanaRootUrl?: string;
  /** @default MONITORING_IMAGES */
  readonly images?: Partial<MonitoringImages>;
  /** @default SOCKET_PROXY_IMAGE */
  readonly socketProxyImage?: string;
  /** @default undefined (no backups, no Pushgateway) */
  readonly backupRpo?: string;
  readonly logMaxSize: string;
  readonly logMaxFiles: number;
}

/** Hostname a global agent's task takes: its node's (Swarm's service templates), so the shipper can label logs by node. */
const NODE_HOSTNAME = "{{.Node.Hostname}}";

/**
 * The monitoring stack as Swarm services, built by the same builders as the
 * Docker engine's (components/monitoringContainers/): per-node agents as
 * global services, the rest one task pinned to the monitoring host (their
 * volumes live there). Generated files become Swarm configs, secret ones
 * (Alertmanager's receivers, Grafana's admin password) Swarm secrets.
 * Prometheus finds every task through the manager's API, asked through a
 * read-only Docker API proxy (infra/swarm/socketProxy.ts) on the manager that
 * only it can reach: Prometheus runs as its image's user, with no socket.
 */
export class SwarmMonitoring extends pulumi.ComponentResource {
  /** Monitoring services by key. */
  readonly services: Readonly<Record<string, SwarmService>>;
  readonly scrapePlan: ScrapePlan;

  constructor(name: string, args: SwarmMonitoringArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("homelab:swarm:Monitoring", name, {}, opts);
    const nodeExporter = args.nodeExporter ?? false;
    const backups = args.backupRpo !== undefined;
    // No host: the overlay network spans the nodes, so only the network decides what Prometheus reaches.
    this.scrapePlan = scrapePlan(args.services, { network: args.network, nodeExporter, cloudflared: args.tunnelConnector ?? false, pushgateway: backups });
    // Internal: the proxy needs no way out. Encrypted: service specs (environment included) cross it between nodes.
    const apiNetwork = new SwarmNetwork(`${name}-docker-api`, { networkName: DOCKER_API_NETWORK, provider: args.provider, internal: true, encrypted: true }, { parent: this });
    const ctx = this.context(name, args, apiNetwork.networkId);

    const s: Record<string, SwarmService> = {};
    s.cadvisor = cadvisorContainer(ctx);
    if (nodeExporter) s["node-exporter"] = nodeExporterContainer(ctx);
    if (backups) s.pushgateway = pushgatewayContainer(ctx);
    s.jaeger = jaegerContainer(ctx, undefined);
    s.alertmanager = alertmanagerContainer(ctx, alertmanagerYaml(args.alerting ?? {}), undefined);
    s[SOCKET_PROXY_KEY] = this.socketProxy(name, args, apiNetwork.networkId);
    const alertOptions = { diskAlertPercent: args.diskAlertPercent ?? 80, errorRateAlert: args.errorRateAlert ?? 0.05, nodeExporter, swarm: true };
    s.prometheus = prometheusContainer(
      ctx,
      {
        config: swarmPrometheusYaml(this.scrapePlan, { stack: args.stack, network: args.network, alertmanager: `alertmanager:${ALERTMANAGER_PORT}`, swarmApi: SOCKET_PROXY_URL }),
        rules: homelabRulesYaml(this.scrapePlan, alertOptions, args.services, args.backupRpo),
      },
      undefined,
    );
    s.loki = lokiContainer(ctx);
    s.alloy = alloyContainer(ctx, [s.loki.service]);
    const password = args.grafanaAdminPassword ?? new random.RandomPassword(`${name}-grafana-admin-password`, { length: 32, special: false }, { parent: this }).result;
    s.grafana = grafanaContainer(ctx, {
      adminPassword: password,
      rootUrl: args.grafanaRootUrl,
      uiPort: undefined,
      after: [s.prometheus.service, s.loki.service, s.jaeger.service, s.alertmanager.service],
      backupDashboard: backups,
    });
    this.services = s;
    this.registerOutputs({ services: Object.keys(s), scrapeJobs: this.scrapePlan.jobs.map((j) => j.job) });
  }

  /** The Docker API proxy, pinned to the monitoring host (a manager): on the proxy network only, no published port. */
  private socketProxy(name: string, args: SwarmMonitoringArgs, apiNetworkId: pulumi.Input<string>): SwarmService {
    return new SwarmService(
      `${name}-${SOCKET_PROXY_KEY}`,
      {
        service: socketProxyService(args.socketProxyImage),
        swarm: swarmMonitoringSpec(args.swarm, args.host, SOCKET_PROXY_KEY),
        stack: args.stack,
        provider: args.provider,
        networks: { [DOCKER_API_NETWORK]: apiNetworkId },
        tmpfs: [SOCKET_PROXY_TMPFS],
        logMaxSize: args.logMaxSize,
        logMaxFiles: args.logMaxFiles,
      },
      { parent: this },
    );
  }

  private context(name: string, args: SwarmMonitoringArgs, apiNetworkId: pulumi.Input<string>): MonitoringContext<SwarmService> {
    const svc = (role: string, spec: ServiceSpec, extra: ServiceExtra = {}): SwarmService => {
      const key = spec.key;
      const opts = { parent: this, provider: args.provider };
      const configs = (extra.uploads ?? []).map((u) => ({ config: generatedConfig(`${name}-${role}`, key, u, opts), file: u.file }));
      const secretFiles = [
        ...(extra.secretUploads ?? []).map((u) => ({ file: path.posix.basename(u.file), content: u.content })),
        ...Object.entries(extra.secrets ?? {}).map(([k, v]) => ({ file: k, content: v })),
      ];
      // Today's monitoring file names are all plain characters; the replacement guards a future one.
      const secrets = secretFiles.map((f) => ({ secret: swarmSecret(`${name}-${role}-${f.file}-secret`, { key, containerName: key }, f.file.replace(/[^A-Za-z0-9_.-]/g, "_"), f.content, opts), file: f.file }));
      // A program reads a secret variable from its file through `<NAME>__FILE` (Grafana's convention).
      const fileEnv = Object.fromEntries(Object.keys(extra.secrets ?? {}).map((k) => [`${k}__FILE`, `${SECRETS_DIR}/${k}`]));
      // Prometheus alone joins the proxy's network as well.
      const networks = key === "prometheus" ? [args.network, DOCKER_API_NETWORK] : [args.network];
      const service = platformService({ ...spec, networks, environment: { ...(spec.environment ?? {}), ...fileEnv } });
      return new SwarmService(
        `${name}-${role}`,
        {
          service,
          swarm: swarmMonitoringSpec(args.swarm, args.host, key),
          stack: args.stack,
          provider: args.provider,
          networks: { [args.network]: args.networkId, [DOCKER_API_NETWORK]: apiNetworkId },
          containerSpecExtra: {
            configs: configs.map((c) => ({ configId: c.config.id, configName: c.config.name, fileName: c.file })),
            secrets: secrets.map((x) => ({ secretId: x.secret.id, secretName: x.secret.name, fileName: x.file })),
            hostname: key === "alloy" ? NODE_HOSTNAME : undefined,
          },
          // The configs and secrets are listed for the reader: the engine already orders them through configId/secretId.
          after: [...(extra.after ?? []), ...configs.map((c) => c.config), ...secrets.map((x) => x.secret)],
          logMaxSize: args.logMaxSize,
          logMaxFiles: args.logMaxFiles,
        },
        { parent: this },
      );
    };
    return {
      svc,
      secretFile: (file) => `${SECRETS_DIR}/${path.posix.basename(file)}`,
      swarm: true,
      // The routing mesh would publish on every interface of every node: the UIs go through the tunnel (checkSwarmMonitoring).
      publish: () => [],
      images: { ...MONITORING_IMAGES, ...(args.images ?? {}) },
      stack: args.stack,
      retentionDays: args.retentionDays ?? 15,
    };
  }

}

/**
 * One Swarm config per generated file, named after its service, file and
 * content (components/swarmFiles.ts): new content, new config.
 */
function generatedConfig(prefix: string, key: string, u: FileUpload, opts: pulumi.CustomResourceOptions): docker.ServiceConfig {
  // Directory and file name: Grafana's datasources and dashboard provider are both homelab.yaml.
  const item = `${path.posix.basename(path.posix.dirname(u.file))}-${path.posix.basename(u.file)}`;
  const name = pulumi.output(u.content).apply((c) => objectName(key, item, contentSuffix(`${u.file}\0${c}`)));
  return swarmConfig(`${prefix}-${item}-config`, key, name, u.content, opts);
}
