/**
 * Monitoring of a `homelab:engine: swarm` stack: the same settings as the
 * Docker engine's buildMonitoring, rendered as Swarm services on the
 * default overlay network through the manager.
 */
import type { DockerHost } from "../../components/dockerHost";
import { SwarmMonitoring } from "../../components/swarmMonitoring";
import type { SwarmNetwork } from "../../components/swarmNetwork";
import type { RouteTarget } from "../ingress";
import type { HomelabModel } from "../model";
import { monitoringRoutes } from "../monitoring";
import { swarmMonitoringHost } from "./monitoringSpec";

/** `tunnelConnector`: the tunnel's connector runs (some hostname is routed), so Prometheus scrapes it. */
export function buildSwarmMonitoring(model: HomelabModel, manager: DockerHost, network: SwarmNetwork, tunnelConnector: boolean): SwarmMonitoring {
  const swarm = model.swarm!;
  const m = model.monitoring;
  return new SwarmMonitoring("monitoring", {
    stack: model.stack,
    swarm,
    host: swarmMonitoringHost(model, swarm),
    provider: manager.provider,
    network: model.defaultNetwork,
    networkId: network.networkId,
    services: model.services,
    retentionDays: m.retentionDays,
    grafanaAdminPassword: m.grafanaAdminPassword,
    nodeExporter: m.nodeExporter,
    tunnelConnector,
    alerting: model.alerting,
    diskAlertPercent: m.diskAlertPercent,
    errorRateAlert: m.errorRateAlert,
    backupRpo: model.backup.backups?.rpo,
    // Grafana builds links and redirects from its root URL: the tunnel hostname when it has one.
    grafanaRootUrl: m.grafanaHostname !== undefined && model.features.tunnel ? `https://${m.grafanaHostname}/` : undefined,
    logMaxSize: model.profile.logMaxSize,
    logMaxFiles: model.profile.logMaxFiles,
  });
}

/** Monitoring UIs the tunnel routes (always behind Access); none without monitoring. */
export function swarmMonitoringRoutes(model: HomelabModel): RouteTarget[] {
  return model.features.monitoring && model.features.tunnel ? monitoringRoutes(model) : [];
}
