/**
 * The typed model a stack's config becomes: Compose-style strings parsed,
 * profile defaults applied, names resolved. Components read only this.
 */
import type { PortBinding, VolumeMount } from "./parse";
import type { AccessConfig, CloudflareConfig, GithubConfig, MonitoringConfig, ReleaseConfig, WatchtowerConfig } from "./config";
import type { Features, Profile } from "../stacks/profiles";
import { defaultStopGraceSeconds } from "./lifecycle";
import type { AlertingConfig, Severity } from "./alerting/schema";
import type { BackupSection } from "./backups/model";
import type { SwarmSpec } from "./swarm/model";

export interface HostSpec {
  readonly name: string;
  /** Where a published port binds when the service names no address; the profile's default unless the host says otherwise. */
  readonly bindAddress: string;
  /** Docker endpoint; undefined uses the workstation's own (DOCKER_HOST or the local socket). */
  readonly docker: string | undefined;
  /** Docker endpoint CI uses instead of `docker` (see infra/endpoint.ts). */
  readonly ciDocker: string | undefined;
  readonly sshOpts: readonly string[];
  /** CPUs the host declares; undefined when not declared (no limit is checked). */
  readonly cpus: number | undefined;
  /** Memory the host declares, in MiB; undefined when not declared. */
  readonly memoryMb: number | undefined;
}

export interface NetworkSpec {
  readonly name: string;
  readonly internal: boolean;
  readonly subnet: string | undefined;
}

export interface Healthcheck {
  readonly tests: readonly string[];
  readonly interval: string | undefined;
  readonly timeout: string | undefined;
  readonly retries: number | undefined;
  readonly startPeriod: string | undefined;
}

export interface Ingress {
  readonly hostname: string;
  readonly port: number;
  /** Reachable without Cloudflare Access: always an explicit choice in config. */
  readonly public: boolean;
  readonly scheme: "http" | "https";
  /** More hostnames to the same port, routed and guarded like `hostname`. */
  readonly aliases: readonly string[];
}

/**
 * Route key of an ingress alias: named after the hostname, not its position,
 * so adding or removing one alias leaves the others' resources alone.
 */
export function aliasRouteKey(service: string, alias: string): string {
  return `${service}-${alias.replace(/\./g, "-")}`;
}

export interface Metrics {
  readonly port: number;
  readonly path: string;
}

/** A service's own alert, defaults applied; becomes a Prometheus rule labelled with the service. */
export interface CustomAlert {
  readonly name: string;
  readonly expr: string;
  readonly for: string;
  readonly severity: Severity;
  readonly summary: string;
}

/** A plain file written into the container before it starts. */
export interface ConfigFile {
  readonly name: string;
  readonly path: string;
  readonly content: string;
  /** Octal mode, `0644` by default. */
  readonly mode: string;
  readonly owner: string | undefined;
  readonly group: string | undefined;
}

export const DEFAULT_FILE_MODE = "0644";

/** Owner read and write only: a secrets file nobody else on the machine may read. */
export const DEFAULT_SECRET_FILE_MODE = "0600";

/** A file of `KEY=value` secret lines written into the container before it starts. */
export interface SecretFile {
  readonly name: string;
  readonly path: string;
  /** Octal mode, `0600` by default. */
  readonly mode: string;
  readonly owner: string | undefined;
  readonly group: string | undefined;
  /** Secret values as the engine decrypted them; the rendered file is wrapped with pulumi.secret. */
  readonly values: Readonly<Record<string, string>>;
}

export interface Service {
  /** Key under `homelab:services`; also the Pulumi resource name. */
  readonly key: string;
  readonly containerName: string;
  readonly image: string;
  readonly host: string;
  readonly networks: readonly string[];
  readonly port: number | undefined;
  /** Every port the service listens on inside the container. */
  readonly listens: readonly number[];
  readonly command: readonly string[] | undefined;
  readonly entrypoint: readonly string[] | undefined;
  readonly environment: Readonly<Record<string, string>>;
  /** Secret values as the engine decrypted them; wrapped with pulumi.secret before use. */
  readonly secretEnvironment: Readonly<Record<string, string>>;
  readonly ports: readonly (PortBinding & { readonly hostIp: string })[];
  readonly volumes: readonly VolumeMount[];
  readonly healthcheck: Healthcheck | undefined;
  readonly restart: "no" | "always" | "on-failure" | "unless-stopped";
  readonly memoryMb: number | undefined;
  readonly cpus: number | undefined;
  readonly labels: Readonly<Record<string, string>>;
  readonly dependsOn: readonly string[];
  readonly ingress: Ingress | undefined;
  readonly metrics: Metrics | undefined;
  readonly tracing: boolean;
  readonly repo: string | undefined;
  readonly watchtower: boolean;
  readonly user: string | undefined;
  readonly readOnly: boolean;
  readonly capAdd: readonly string[];
  readonly capDrop: readonly string[];
  readonly oneShot: boolean;
  readonly gpus: string | undefined;
  /** Seconds a stop waits for the container to exit before SIGKILL (stopGracePeriod, else a default by kind). */
  readonly stopGraceSeconds: number;
  /** Signal that stops the container; undefined keeps the image's own. */
  readonly stopSignal: string | undefined;
  readonly alerts: readonly CustomAlert[];
  /** The resource class whose limits filled `cpus`/`memoryMb` where the service set none. */
  readonly resourceClass: string | undefined;
  readonly files: readonly ConfigFile[];
  readonly secretFiles: readonly SecretFile[];
}

export interface HomelabModel {
  readonly stack: string;
  /** The stack file the config came from, for messages. */
  readonly file: string;
  readonly profile: Profile;
  readonly features: Features;
  readonly hosts: readonly HostSpec[];
  readonly networks: readonly NetworkSpec[];
  /** Network a service joins when it names none. */
  readonly defaultNetwork: string;
  readonly services: readonly Service[];
  readonly cloudflare: CloudflareConfig | undefined;
  readonly access: AccessConfig | undefined;
  readonly github: GithubConfig | undefined;
  readonly monitoring: MonitoringConfig;
  readonly release: ReleaseConfig;
  readonly watchtower: WatchtowerConfig;
  readonly alerting: AlertingConfig;
  /** Backups (undefined when `homelab:backups` is absent) and every volume's coverage. */
  readonly backup: BackupSection;
  /** Present when `homelab:engine` is `swarm`: the hosts are one Swarm. */
  readonly swarm?: SwarmSpec;
}

/** Container names the platform itself adds when a feature is on; services may not take them. */
export function platformContainerNames(features: Features, nodeExporter: boolean): string[] {
  const names: string[] = [];
  if (features.tunnel) names.push("cloudflared");
  if (features.watchtower) names.push("watchtower");
  if (features.monitoring) {
    names.push("jaeger", "prometheus", "grafana", "loki", "alloy", "cadvisor", "alertmanager");
    if (nodeExporter) names.push("node-exporter");
  }
  return names;
}

/**
 * A Service for the platform's own containers (Watchtower, cloudflared,
 * monitoring), with the same defaults a config-declared service gets.
 */
export function platformService(spec: Pick<Service, "key" | "image"> & Partial<Service>): Service {
  return {
    containerName: spec.key,
    host: "",
    networks: [],
    port: undefined,
    listens: spec.port === undefined ? [] : [spec.port],
    command: undefined,
    entrypoint: undefined,
    environment: {},
    secretEnvironment: {},
    ports: [],
    volumes: [],
    healthcheck: undefined,
    restart: "unless-stopped",
    memoryMb: undefined,
    cpus: undefined,
    labels: {},
    dependsOn: [],
    ingress: undefined,
    metrics: undefined,
    tracing: false,
    repo: undefined,
    watchtower: false,
    user: undefined,
    readOnly: false,
    capAdd: [],
    capDrop: [],
    oneShot: false,
    gpus: undefined,
    stopGraceSeconds: defaultStopGraceSeconds(spec.image),
    stopSignal: undefined,
    alerts: [],
    resourceClass: undefined,
    files: [],
    secretFiles: [],
    ...spec,
  };
}
