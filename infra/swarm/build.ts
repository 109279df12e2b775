/**
 * Composes a `homelab:engine: swarm` stack: one provider on the manager,
 * one overlay network per network the services use, one Swarm service per
 * config service, the tunnel connector and the monitoring stack as Swarm
 * services too (Watchtower is refused: the Swarm would undo its updates).
 */
import { DockerHost } from "../../components/dockerHost";
import { SwarmNetwork } from "../../components/swarmNetwork";
import { SwarmService } from "../../components/swarmService";
import { buildGhcrSecrets, buildTunnel, cloudflareProvider, ingressRoutes, type IngressOutputs } from "../ingress";
import type { HomelabModel } from "../model";
import { serviceOutputs, tracingEnvironment, type HomelabOutputs } from "../program";
import { eligibleNodes, validConstraints } from "./constraints";
import { withGpus } from "./gpus";
import { defaultRollout, type SwarmServiceSpec, type SwarmSpec } from "./model";
import { buildSwarmMonitoring, swarmMonitoringRoutes } from "./monitoring";

export interface SwarmBuilt {
  readonly manager: DockerHost;
  readonly networks: ReadonlyMap<string, SwarmNetwork>;
  readonly services: ReadonlyMap<string, SwarmService>;
}

/** Hosts a service's tasks may run on, from its constraints and GPUs (validation has checked them). */
export function nodesFor(swarm: SwarmSpec, key: string): string[] {
  return withGpus(swarm.services[key], eligibleNodes(swarm.nodes, validConstraints(swarm.services[key].constraints))).map((n) => n.host);
}

export function buildSwarm(model: HomelabModel): { outputs: HomelabOutputs; built: SwarmBuilt } {
  const swarm = model.swarm!;
  const managerSpec = model.hosts.find((h) => h.name === swarm.manager)!;
  const pull = model.features.ghcr && model.github?.pullToken !== undefined && model.github.pullUser !== undefined;
  // Pull credentials on the manager's provider reach every node: without a service `auth`, create and update
  // send the provider's registry auth for the image with the service (kreuzwerker/terraform-provider-docker
  // v4.5.0 resource_docker_service_funcs.go, retrieveAndMarshalAuth), and the Swarm hands it to the nodes.
  const manager = new DockerHost(managerSpec.name, {
    docker: managerSpec.docker,
    sshOpts: managerSpec.sshOpts,
    registries: pull ? [{ address: "ghcr.io", username: model.github!.pullUser!, password: model.github!.pullToken! }] : [],
  });

  const used = new Set(model.services.flatMap((s) => s.networks));
  // The tunnel connector and the monitoring services join the default network.
  if (model.features.tunnel || model.features.monitoring) used.add(model.defaultNetwork);
  const networks = new Map<string, SwarmNetwork>();
  for (const n of model.networks.filter((x) => used.has(x.name))) {
    networks.set(
      n.name,
      new SwarmNetwork(n.name, { networkName: n.name, provider: manager.provider, internal: n.internal, encrypted: swarm.encryptedNetworks.includes(n.name), subnet: n.subnet }),
    );
  }

  const services = new Map<string, SwarmService>();
  for (const s of model.services) {
    services.set(
      s.key,
      new SwarmService(s.key, {
        service: s,
        swarm: swarm.services[s.key],
        stack: model.stack,
        provider: manager.provider,
        networks: Object.fromEntries(s.networks.map((n) => [n, networks.get(n)!.networkId])),
        extraEnvironment: tracingEnvironment(model, s),
        logMaxSize: model.profile.logMaxSize,
        logMaxFiles: model.profile.logMaxFiles,
      }),
    );
  }

  const connector = model.features.tunnel && model.cloudflare !== undefined && ingressRoutes(model, swarmMonitoringRoutes(model)).length > 0;
  if (model.features.monitoring) buildSwarmMonitoring(model, manager, networks.get(model.defaultNetwork)!, connector);
  const ingress = model.features.tunnel ? buildSwarmIngress(model, manager, networks.get(model.defaultNetwork)) : undefined;
  // The GHCR token in each service repository does not depend on the engine.
  if (model.features.ghcr) buildGhcrSecrets(model);

  const outputs: HomelabOutputs = {
    stack: model.stack,
    profile: model.profile.name,
    services: serviceOutputs(model.services, ingress !== undefined, (s) => {
      const svc = services.get(s.key)!;
      // host: where the Swarm may place its tasks; it picks among these.
      return { host: nodesFor(swarm, s.key).join(","), containerName: svc.serviceName, internalUrl: svc.internalUrl, hostBindings: svc.hostBindings };
    }),
    hosts: { [managerSpec.name]: manager.endpoint },
    networks: { swarm: [...networks.keys()] },
  };
  return { outputs, built: { manager, networks, services } };
}

/**
 * The connector's scheduling: two replicas on different nodes, so the tunnel
 * stays up when one node goes down (one on a single-node Swarm, where a
 * second could never be placed).
 */
export function connectorSpec(swarm: SwarmSpec): SwarmServiceSpec {
  const spread = swarm.nodes.length >= 2;
  return {
    replicas: spread ? 2 : 1,
    constraints: [],
    spread: [],
    maxReplicasPerNode: spread ? 1 : undefined,
    update: defaultRollout("update", false),
    rollback: defaultRollout("rollback", false),
    secretsAs: "env",
    pinnedHost: undefined,
  };
}

/** The tunnel with its connector as a Swarm service on the default overlay network. */
function buildSwarmIngress(model: HomelabModel, manager: DockerHost, network: SwarmNetwork | undefined): IngressOutputs | undefined {
  const routes = ingressRoutes(model, swarmMonitoringRoutes(model));
  // checkIngress requires homelab:cloudflare as soon as one hostname is routed.
  if (routes.length === 0 || model.cloudflare === undefined || network === undefined) return undefined;
  return buildTunnel(model, routes, cloudflareProvider(model), {
    dockerProvider: manager.provider,
    network: network.networkId,
    after: [network],
    swarm: connectorSpec(model.swarm!),
  });
}
