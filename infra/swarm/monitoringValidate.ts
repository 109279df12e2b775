/**
 * Monitoring on a Swarm: what the Docker engine's checkMonitoring checks per
 * host, read the Swarm's way (names and published ports are cluster-wide, the
 * overlay network spans the nodes), plus what Swarm service discovery needs.
 */
import { checkAlerting, checkCustomAlerts } from "../alerting/validate";
import { declaredNames, formatPath, type ConfigProblem } from "../errors";
import type { HomelabModel, Service } from "../model";
import { MONITORING_VOLUMES } from "../monitoring/layout";
import type { SwarmSpec } from "./model";
import { swarmMonitoringHost, swarmMonitoringKeys } from "./monitoringSpec";
import { DOCKER_API_NETWORK } from "./socketProxy";

const at = (...rest: PropertyKey[]): string => formatPath(["monitoring", ...rest]);
const svcPath = (s: Service, ...rest: PropertyKey[]): string => formatPath(["services", s.key, ...rest]);

/** Volumes of the monitoring services; on a Swarm the per-node agents create theirs on every node. */
const MONITORING_VOLUME_NAMES: readonly string[] = [...Object.values(MONITORING_VOLUMES), "pushgateway-data"];

const UI_PORT_KEYS = ["grafanaPort", "jaegerPort", "prometheusPort", "alertmanagerPort"] as const;

function hostProblems(m: HomelabModel, swarm: SwarmSpec): ConfigProblem[] {
  const host = swarmMonitoringHost(m, swarm);
  // The manager the program talks to is checked as such (declared, not a worker) by swarmSpecFrom.
  if (host === swarm.manager) return [];
  const node = swarm.nodes.find((n) => n.host === host);
  if (node === undefined) return [{ file: m.file, path: at("host"), message: `unknown host "${host}" ${declaredNames(swarm.nodes.map((n) => n.host))}` }];
  if (node.role !== "manager") {
    return [{
      file: m.file,
      path: at("host"),
      message: `Prometheus discovers tasks through the API of a Swarm manager, but "${host}" is a worker: set homelab:monitoring.host to a manager node`,
    }];
  }
  return [];
}

/** The routing mesh would publish a UI on every interface of every node: reach the UIs through the tunnel instead. */
function portProblems(m: HomelabModel): ConfigProblem[] {
  return UI_PORT_KEYS.flatMap((k) =>
    m.monitoring[k] === undefined
      ? []
      : [{ file: m.file, path: at(k), message: `a Swarm publishes it on every interface of every node (routing mesh); remove it and route the UI through the tunnel (homelab:monitoring.${k.replace("Port", "Hostname")}, behind Access)` }],
  );
}

function serviceProblems(m: HomelabModel): ConfigProblem[] {
  const reserved = new Set(swarmMonitoringKeys(m));
  return m.services.flatMap((s) => {
    const out: ConfigProblem[] = [];
    if (reserved.has(s.containerName)) {
      out.push({ file: m.file, path: svcPath(s, "containerName"), message: `Swarm service name "${s.containerName}" is taken by the monitoring stack; rename the service or set containerName` });
    }
    if (s.tracing && !s.networks.includes(m.defaultNetwork)) {
      out.push({ file: m.file, path: svcPath(s, "tracing"), message: `traces go to http://jaeger:4317, which only resolves on network "${m.defaultNetwork}"; add the network or turn tracing off` });
    }
    s.volumes.forEach((v, i) => {
      if (v.type === "volume" && MONITORING_VOLUME_NAMES.includes(v.source)) {
        out.push({ file: m.file, path: svcPath(s, "volumes", i), message: `volume "${v.source}" belongs to the monitoring stack; choose another name` });
      }
    });
    return out;
  });
}

/** The Docker API proxy's network is the monitoring stack's own: a stack network of that name would be the same overlay. */
function networkProblems(m: HomelabModel): ConfigProblem[] {
  return m.networks.some((n) => n.name === DOCKER_API_NETWORK)
    ? [{ file: m.file, path: formatPath(["networks", DOCKER_API_NETWORK]), message: `network "${DOCKER_API_NETWORK}" belongs to the monitoring stack (Prometheus's Docker API proxy); choose another name` }]
    : [];
}

/** Every problem of monitoring on a Swarm; alerting is checked even with monitoring off, as on the Docker engine. */
export function checkSwarmMonitoring(m: HomelabModel, swarm: SwarmSpec): ConfigProblem[] {
  const alerting = [...checkCustomAlerts(m), ...checkAlerting(m)];
  if (!m.features.monitoring) return alerting;
  return [...hostProblems(m, swarm), ...portProblems(m), ...networkProblems(m), ...serviceProblems(m), ...alerting];
}
