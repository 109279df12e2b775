/**
 * The monitoring stack for one environment, derived from the service model.
 */
import type * as pulumi from "@pulumi/pulumi";
import { HomelabNetwork } from "../components/homelabNetwork";
import { Monitoring, UI_PORTS } from "../components/monitoring";
import { connectorHost, type RouteTarget } from "./ingress";
import type { HomelabModel } from "./model";
import { networkKey, platformHost, type Built } from "./program";

export interface MonitoringResult {
  /** Monitoring UIs to publish through the tunnel (behind Access). */
  readonly routes: readonly RouteTarget[];
}

const ALL_INTERFACES = new Set(["0.0.0.0", "::", "*", ""]);

/** The host that runs the monitoring containers. */
export function monitoringHost(model: HomelabModel): string {
  return model.monitoring.host ?? platformHost(model);
}

/** Interface the UI ports bind to: the profile's default, but never all interfaces. */
export function monitoringBindAddress(model: HomelabModel): string {
  const bind = model.profile.defaultBindAddress;
  return ALL_INTERFACES.has(bind) ? "127.0.0.1" : bind;
}

/** Tunnel routes for the UIs that have a hostname; always behind Access. */
export function monitoringRoutes(model: HomelabModel): RouteTarget[] {
  const m = model.monitoring;
  const ui = [
    { key: "grafana", hostname: m.grafanaHostname, port: UI_PORTS.grafana },
    { key: "jaeger", hostname: m.jaegerHostname, port: UI_PORTS.jaeger },
    { key: "prometheus", hostname: m.prometheusHostname, port: UI_PORTS.prometheus },
  ];
  return ui.flatMap((u) => (u.hostname ? [{ key: u.key, hostname: u.hostname, service: `http://${u.key}:${u.port}`, public: false }] : []));
}

export function buildMonitoring(model: HomelabModel, built: Built): MonitoringResult {
  const host = monitoringHost(model);
  const dockerHost = built.hosts.get(host);
  // checkMonitoring rejects an unknown monitoring.host before anything is registered.
  if (!dockerHost) throw new Error(`monitoring host "${host}" is not declared`);
  // The program creates the default network on the platform host; a separate monitoring host may lack it.
  const network =
    built.networks.get(networkKey(host, model.defaultNetwork)) ??
    new HomelabNetwork(`${host}-${model.defaultNetwork}`, {
      networkName: model.defaultNetwork,
      provider: dockerHost.provider,
      internal: model.networks.find((n) => n.name === model.defaultNetwork)?.internal,
      subnet: model.networks.find((n) => n.name === model.defaultNetwork)?.subnet,
    });
  const m = model.monitoring;
  new Monitoring("monitoring", {
    stack: model.stack,
    host,
    provider: dockerHost.provider,
    network: model.defaultNetwork,
    networkName: network.networkName as pulumi.Input<string>,
    services: model.services,
    retentionDays: m.retentionDays,
    grafanaAdminPassword: m.grafanaAdminPassword,
    nodeExporter: m.nodeExporter,
    // cloudflared is reached by container name only from its own host (it joins the default network there).
    tunnelConnector: model.features.tunnel && connectorHost(model) === host,
    alerting: model.alerting,
    diskAlertPercent: m.diskAlertPercent,
    errorRateAlert: m.errorRateAlert,
    backupRpo: model.backup.backups?.rpo,
    uiPorts: { grafana: m.grafanaPort, jaeger: m.jaegerPort, prometheus: m.prometheusPort, alertmanager: m.alertmanagerPort },
    bindAddress: monitoringBindAddress(model),
    // Grafana builds links and redirects from its root URL: the tunnel hostname, else the loopback port.
    grafanaRootUrl:
      m.grafanaHostname && model.features.tunnel
        ? `https://${m.grafanaHostname}/`
        : m.grafanaPort !== undefined
          ? `http://${monitoringBindAddress(model)}:${m.grafanaPort}/`
          : undefined,
    restart: model.profile.restart,
    logMaxSize: model.profile.logMaxSize,
    logMaxFiles: model.profile.logMaxFiles,
  });
  return { routes: model.features.tunnel ? monitoringRoutes(model) : [] };
}
