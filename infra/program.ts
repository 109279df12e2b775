/**
 * Composes the components for one stack's model. The same function runs
 * under `pulumi up` and under the offline plan's mock runtime.
 */
import type * as docker from "@pulumi/docker";
import type * as pulumi from "@pulumi/pulumi";
import { DockerHost } from "../components/dockerHost";
import { HomelabNetwork } from "../components/homelabNetwork";
import { HomelabService } from "../components/homelabService";
import { Watchtower } from "../components/watchtower";
import { dockerEndpoint } from "./endpoint";
import { buildGhcrSecrets, buildIngress } from "./ingress";
import type { HomelabModel, Service } from "./model";
import { buildMonitoring, monitoringHost } from "./monitoring";
import { buildBackups } from "./backups/build";
import { runnerHosts } from "./backups/model";

export interface ServiceOutput {
  readonly host: string;
  readonly containerName: string;
  readonly image: string;
  readonly internalUrl: string | undefined;
  readonly hostBindings: readonly string[];
  readonly publicHostname: string | undefined;
}

export interface HomelabOutputs {
  readonly stack: string;
  readonly profile: string;
  readonly services: Readonly<Record<string, ServiceOutput>>;
  /** Docker endpoint per host. */
  readonly hosts: Readonly<Record<string, string>>;
  /** Docker network names per host. */
  readonly networks: Readonly<Record<string, readonly string[]>>;
}

/** Everything the program created, for the features built on top of the services. */
export interface Built {
  readonly hosts: ReadonlyMap<string, DockerHost>;
  /** Keyed `host/network`. */
  readonly networks: ReadonlyMap<string, HomelabNetwork>;
  readonly services: ReadonlyMap<string, HomelabService>;
}

/** The host that runs the platform's own containers (tunnel connector, monitoring). */
export function platformHost(model: HomelabModel): string {
  return model.hosts[0].name;
}

/** Services ordered so that every service comes after what it depends on. */
export function startOrder(services: readonly Service[]): Service[] {
  const byKey = new Map(services.map((s) => [s.key, s]));
  const out: Service[] = [];
  const placed = new Set<string>();
  const place = (s: Service): void => {
    if (placed.has(s.key)) return;
    placed.add(s.key);
    for (const d of s.dependsOn) {
      const dep = byKey.get(d);
      if (dep) place(dep);
    }
    out.push(s);
  };
  services.forEach(place);
  return out;
}

export function networkKey(host: string, network: string): string {
  return `${host}/${network}`;
}

/** `env` picks the Docker endpoint each host is reached at (infra/endpoint.ts). */
export function buildHomelab(model: HomelabModel, env: Readonly<Record<string, string | undefined>> = process.env): { outputs: HomelabOutputs; built: Built } {
  const platform = platformHost(model);
  const platformRuns = model.features.tunnel || model.features.monitoring || model.features.watchtower;

  const hosts = new Map<string, DockerHost>();
  for (const h of model.hosts) {
    const pull = model.features.ghcr && model.github?.pullToken !== undefined && model.github.pullUser !== undefined;
    hosts.set(
      h.name,
      new DockerHost(h.name, {
        docker: dockerEndpoint(h, env),
        sshOpts: h.sshOpts,
        registries: pull ? [{ address: "ghcr.io", username: model.github!.pullUser!, password: model.github!.pullToken! }] : [],
      }),
    );
  }

  const networks = new Map<string, HomelabNetwork>();
  const backupHosts = new Set(model.backup.backups ? runnerHosts(model.backup.backups) : []);
  for (const h of model.hosts) {
    const used = new Set(model.services.filter((s) => s.host === h.name).flatMap((s) => s.networks));
    if (h.name === platform && platformRuns) used.add(model.defaultNetwork);
    // The backup runner joins the default network (the Pushgateway, the Internet for a remote repository).
    if (backupHosts.has(h.name)) used.add(model.defaultNetwork);
    for (const n of model.networks.filter((n) => used.has(n.name))) {
      // Resource names carry the host so one network name can exist on several machines.
      networks.set(
        networkKey(h.name, n.name),
        new HomelabNetwork(`${h.name}-${n.name}`, {
          networkName: n.name,
          provider: hosts.get(h.name)!.provider,
          internal: n.internal,
          subnet: n.subnet,
        }),
      );
    }
  }

  const dependedOn = new Set(model.services.flatMap((s) => s.dependsOn));
  const services = new Map<string, HomelabService>();
  // Named volumes per host: the first service to mount one creates it, later ones mount it.
  const volumesByHost = new Map<string, Record<string, docker.Volume>>();
  for (const s of startOrder(model.services)) {
    const onHost = volumesByHost.get(s.host) ?? {};
    volumesByHost.set(s.host, onHost);
    const svc = new HomelabService(s.key, {
      service: s,
      stack: model.stack,
      provider: hosts.get(s.host)!.provider,
      networks: Object.fromEntries(s.networks.map((n) => [n, networks.get(networkKey(s.host, n))!.networkName as pulumi.Input<string>])),
      extraEnvironment: tracingEnvironment(model, s),
      sharedVolumes: onHost,
      after: s.dependsOn.map((d) => services.get(d)!.container),
      waitHealthy: dependedOn.has(s.key),
      logMaxSize: model.profile.logMaxSize,
      logMaxFiles: model.profile.logMaxFiles,
    });
    Object.assign(onHost, svc.volumes);
    services.set(s.key, svc);
  }

  if (model.features.watchtower) {
    for (const h of model.hosts) {
      if (!model.services.some((s) => s.host === h.name && s.watchtower)) continue;
      new Watchtower(`${h.name}-watchtower`, {
        stack: model.stack,
        provider: hosts.get(h.name)!.provider,
        network: networks.get(networkKey(h.name, model.defaultNetwork))?.networkName ?? model.defaultNetwork,
        image: model.watchtower.image,
        intervalSeconds: model.watchtower.intervalSeconds,
        cleanup: model.watchtower.cleanup,
        logMaxSize: model.profile.logMaxSize,
        logMaxFiles: model.profile.logMaxFiles,
      });
    }
  }

  const built: Built = { hosts, networks, services };
  const monitoring = model.features.monitoring ? buildMonitoring(model, built) : undefined;
  if (model.backup.backups) {
    buildBackups(model, model.backup.backups, built, {
      monitoringHost: monitoringHost(model),
      network: (host) => networks.get(networkKey(host, model.defaultNetwork))!,
    });
  }
  if (model.features.tunnel) buildIngress(model, built, monitoring?.routes ?? []);
  if (model.features.ghcr) buildGhcrSecrets(model);

  const outputs: HomelabOutputs = {
    stack: model.stack,
    profile: model.profile.name,
    services: serviceOutputs(model.services, model.features.tunnel, (s) => {
      const svc = services.get(s.key)!;
      return { host: s.host, containerName: svc.containerName, internalUrl: svc.internalUrl, hostBindings: svc.hostBindings };
    }),
    hosts: Object.fromEntries([...hosts].map(([k, h]) => [k, h.endpoint])),
    networks: Object.fromEntries(model.hosts.map((h) => [h.name, model.networks.filter((n) => networks.has(networkKey(h.name, n.name))).map((n) => n.name)])),
  };
  return { outputs, built };
}

/** What an engine placed for one service; the rest of its output comes from the model. */
export type PlacedService = Pick<ServiceOutput, "host" | "containerName" | "internalUrl" | "hostBindings">;

/** The `services` stack output of either engine; `routed` says whether the tunnel publishes hostnames. */
export function serviceOutputs(services: readonly Service[], routed: boolean, placed: (s: Service) => PlacedService): Record<string, ServiceOutput> {
  return Object.fromEntries(
    services.map((s) => [s.key, { ...placed(s), image: s.image, publicHostname: routed ? s.ingress?.hostname : undefined }]),
  );
}

/** OTEL settings for a traced service, pointing at the monitoring stack's Jaeger. */
export function tracingEnvironment(model: HomelabModel, s: Service): Record<string, string> {
  if (!s.tracing || !model.features.monitoring) return {};
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: "http://jaeger:4317",
    OTEL_EXPORTER_OTLP_PROTOCOL: "grpc",
    OTEL_SERVICE_NAME: s.key,
  };
}
