import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { Service } from "../infra/model";
import { canonicalShortDuration, oneDecimal } from "../infra/providers/goFormat";
import type { Rollout, SwarmServiceSpec } from "../infra/swarm/model";
import { WATCHTOWER_LABEL } from "./homelabService";
import { swarmFiles, type SwarmFiles } from "./swarmFiles";

const MIB = 1024 * 1024;
const NANO = 1_000_000_000;
const short = (d: string | undefined): string | undefined => (d === undefined ? undefined : canonicalShortDuration(d));

export interface SwarmServiceArgs {
  readonly service: Service;
  readonly swarm: SwarmServiceSpec;
  readonly stack: string;
  /** The provider of a Swarm manager. */
  readonly provider: docker.Provider;
  /** Overlay network id per network key the service joins. */
  readonly networks: Readonly<Record<string, pulumi.Input<string>>>;
  /**
   * Environment added by the platform; the service's own wins.
   * @default {}
   */
  readonly extraEnvironment?: Readonly<Record<string, pulumi.Input<string>>>;
  /**
   * Secret environment added by the platform (the tunnel token), always as environment, wrapped as secrets.
   * @default {}
   */
  readonly extraSecretEnvironment?: Readonly<Record<string, pulumi.Input<string>>>;
  /**
   * Resources the service is created after.
   * @default []
   */
  readonly after?: readonly pulumi.Resource[];
  /**
   * Files and a hostname the platform sets on the task (the monitoring services' generated
   * configuration as Swarm configs, their secrets as Swarm secrets), mounted beside the service's own.
   * @default none
   */
  readonly containerSpecExtra?: {
    /** Mounted beside the service's own files' configs. */
    readonly configs?: readonly ConfigMount[];
    /** Mounted beside the service's own secrets. */
    readonly secrets?: readonly SecretMount[];
    readonly hostname?: string;
  };
  /**
   * In-memory directories, for an image that writes at start under a read-only root (the Docker API proxy's /run).
   * @default []
   */
  readonly tmpfs?: readonly TmpfsMount[];
  /** json-file log rotation. */
  readonly logMaxSize: string;
  readonly logMaxFiles: number;
}

export interface TmpfsMount {
  readonly target: string;
  readonly sizeBytes: number;
  /** Permission bits only: Read keeps `Mode.Perm()` (resource_docker_service_structures.go). */
  readonly mode: number;
}

/** Directory Swarm mounts secrets in; a secret's file is named after its variable. */
export const SECRETS_DIR = "/run/secrets";

type Placement = docker.types.input.ServiceTaskSpecPlacement;
type ConfigMount = docker.types.input.ServiceTaskSpecContainerSpecConfig;
type SecretMount = docker.types.input.ServiceTaskSpecContainerSpecSecret;
type Resources = docker.types.input.ServiceTaskSpecResources;

/** Swarm's restart conditions for the Compose restart policies. */
function restartCondition(s: Service): "none" | "on-failure" | "any" {
  if (s.oneShot || s.restart === "no") return "none";
  return s.restart === "on-failure" ? "on-failure" : "any";
}

function rolloutConfig(r: Rollout) {
  return {
    parallelism: r.parallelism,
    delay: canonicalShortDuration(r.delay),
    failureAction: r.failureAction,
    monitor: canonicalShortDuration(r.monitor),
    maxFailureRatio: oneDecimal(r.maxFailureRatio),
    order: r.order,
  };
}

/**
 * One Swarm service: the same stack-model service as HomelabService, run as
 * replicated (or global) tasks the Swarm places by its constraints, restarts
 * elsewhere when a node dies, updates task by task gated by the health check
 * and rolls back on failure. Secrets go in as environment or, with
 * `secretsAs: files`, as Swarm secrets under /run/secrets; files and secret
 * files as Swarm configs and secrets at their paths (components/swarmFiles.ts).
 */
export class SwarmService extends pulumi.ComponentResource {
  readonly service: docker.Service;
  /** Configs and secrets this service mounts. */
  readonly files: SwarmFiles;
  readonly serviceName: string;
  /** `http://<service>:<port>` on its overlay networks (the Swarm's VIP balances over the tasks). */
  readonly internalUrl: string | undefined;
  /** Published ports as `*:published->target/protocol`: every node, every interface. */
  readonly hostBindings: readonly string[];

  constructor(name: string, args: SwarmServiceArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("homelab:swarm:Service", name, {}, opts);
    const svc = args.service;
    const spec = args.swarm;
    const childOpts = { parent: this, provider: args.provider };
    this.serviceName = svc.containerName;
    const http = svc.ingress !== undefined || svc.metrics !== undefined || svc.tracing;
    this.internalUrl = svc.port === undefined ? undefined : `${http ? "http" : "tcp"}://${svc.containerName}:${svc.port}`;
    this.hostBindings = svc.ports.map((p) => `*:${p.published ?? "random"}->${p.target}/${p.protocol}`);

    const asFiles = spec.secretsAs === "files";
    this.files = swarmFiles({ name, svc, opts: childOpts, secretsAsFiles: asFiles });
    const env: Record<string, pulumi.Input<string>> = { ...(args.extraEnvironment ?? {}), ...svc.environment };
    if (!asFiles) for (const [k, v] of Object.entries(svc.secretEnvironment)) env[k] = pulumi.secret(v);
    for (const [k, v] of Object.entries(args.extraSecretEnvironment ?? {})) env[k] = pulumi.secret(v);

    const labels: Record<string, string> = { ...svc.labels, "homelab.stack": args.stack, "homelab.service": svc.key, [WATCHTOWER_LABEL]: "false", ...(svc.oneShot ? { "homelab.oneshot": "true" } : {}) };
    const labelList = Object.entries(labels).map(([label, value]) => ({ label, value }));

    this.service = new docker.Service(
      `${name}-service`,
      {
        name: svc.containerName,
        labels: labelList,
        mode: spec.replicas === "global" ? { global: true } : { replicated: { replicas: spec.replicas } },
        taskSpec: {
          containerSpec: {
            // Each node pulls the image itself: no RemoteImage on the manager.
            image: svc.image,
            commands: svc.entrypoint ? [...svc.entrypoint] : undefined,
            args: svc.command ? [...svc.command] : undefined,
            // Read sets env only when the task has some (flattenContainerSpec, kreuzwerker/terraform-provider-docker
            // v4.5.0 resource_docker_service_structures.go): an empty map sent would differ from what comes back.
            env: Object.keys(env).length > 0 ? env : undefined,
            user: svc.user,
            readOnly: svc.readOnly,
            capAdds: svc.capAdd.length > 0 ? [...svc.capAdd] : undefined,
            capDrops: svc.capDrop.length > 0 ? [...svc.capDrop] : undefined,
            labels: labelList,
            healthcheck: svc.healthcheck && {
              tests: [...svc.healthcheck.tests],
              interval: short(svc.healthcheck.interval),
              timeout: short(svc.healthcheck.timeout),
              retries: svc.healthcheck.retries,
              startPeriod: short(svc.healthcheck.startPeriod),
            },
            // A named volume is created by the node's daemon on first use and outlives the service:
            // Swarm never removes volumes, so data survives a destroy or a replacement.
            mounts: nonEmpty([
              ...svc.volumes.map((v) => ({ type: v.type, source: v.source, target: v.target, readOnly: v.readOnly })),
              ...(args.tmpfs ?? []).map((t) => ({ type: "tmpfs", target: t.target, readOnly: false, tmpfsOptions: { sizeBytes: t.sizeBytes, mode: t.mode } })),
            ]),
            configs: nonEmpty([...this.files.configMounts, ...(args.containerSpecExtra?.configs ?? [])]),
            secrets: nonEmpty([...this.files.secretMounts, ...(args.containerSpecExtra?.secrets ?? [])]),
            hostname: args.containerSpecExtra?.hostname,
            stopGracePeriod: canonicalShortDuration(`${svc.stopGraceSeconds}s`),
            stopSignal: svc.stopSignal,
          },
          resources: taskResources(svc, spec),
          restartPolicy: { condition: restartCondition(svc), delay: "5s" },
          placement: taskPlacement(spec),
          // Network ids, not names: names make the provider plan a replacement on every run (resource_docker_service.go).
          networksAdvanceds: svc.networks.map((n) => ({ id: args.networks[n], aliases: [svc.key] })),
          logDriver: { name: "json-file", options: { "max-size": args.logMaxSize, "max-file": String(args.logMaxFiles) } },
        },
        updateConfig: rolloutConfig(spec.update),
        rollbackConfig: rolloutConfig(spec.rollback),
        endpointSpec:
          svc.ports.length > 0
            ? { ports: svc.ports.map((p) => ({ targetPort: p.target, publishedPort: p.published, protocol: p.protocol, publishMode: "ingress" })) }
            : undefined,
      },
      // The files are spelled out for the reader: the engine already orders them through configId/secretId.
      { ...childOpts, dependsOn: [...(args.after ?? []), ...this.files.resources] },
    );

    this.registerOutputs({ serviceName: this.serviceName, internalUrl: this.internalUrl, hostBindings: this.hostBindings, image: svc.image });
  }
}

/** A list, or nothing: Read leaves an empty set unset, so an empty list sent would never read back. */
function nonEmpty<T>(xs: readonly T[]): T[] | undefined {
  return xs.length > 0 ? [...xs] : undefined;
}

/**
 * Memory is reserved as well as capped, so the scheduler never packs a node past its memory;
 * CPU is only capped: it is shared, and a reservation would strand idle cores.
 */
function taskResources(svc: Service, spec: SwarmServiceSpec): Resources {
  const memory = svc.memoryMb === undefined ? undefined : svc.memoryMb * MIB;
  // GPUs as a count of the nodes' generic resource (`NVIDIA-GPU=1`): the scheduler picks a node with that many free.
  const gpus = spec.gpus === undefined ? undefined : { discreteResourcesSpecs: [`${spec.gpus.kind}=${spec.gpus.count}`] };
  return {
    limits: { memoryBytes: memory, nanoCpus: svc.cpus === undefined ? undefined : Math.round(svc.cpus * NANO) },
    reservation: memory === undefined && gpus === undefined ? undefined : { memoryBytes: memory, genericResources: gpus },
  };
}

function taskPlacement(spec: SwarmServiceSpec): Placement | undefined {
  if (spec.constraints.length + spec.spread.length === 0 && spec.maxReplicasPerNode === undefined) return undefined;
  return {
    constraints: spec.constraints.length > 0 ? [...spec.constraints] : undefined,
    prefs: spec.spread.length > 0 ? [...spec.spread] : undefined,
    maxReplicas: spec.maxReplicasPerNode,
  };
}
