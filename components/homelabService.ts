import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { Service } from "../infra/model";
import { canonicalCpus, canonicalDuration } from "../infra/providers/goFormat";

const optionalDuration = (d: string | undefined): string | undefined => (d === undefined ? undefined : canonicalDuration(d));

export interface FileUpload {
  /** Absolute path inside the container. */
  readonly file: string;
  readonly content: pulumi.Input<string>;
  /**
   * Octal file mode (the provider parses it base 8: kreuzwerker/terraform-provider-docker
   * internal/provider/file_mode.go); `permissions` takes precedence over its
   * `executable` (@pulumi/docker types/input.d.ts ContainerUpload).
   * @default the provider's (0644)
   */
  readonly permissions?: string;
  /**
   * Owner and group inside the container, names or numeric ids.
   * @default root
   */
  readonly owner?: string;
  /** @default root */
  readonly group?: string;
}

/**
 * One `KEY='value'` line per value, in the order written. Single quotes make
 * the value literal for python-dotenv, Compose's env_file and systemd alike:
 * no `$` interpolation, no `#` comment, spaces kept. Values holding a quote,
 * a backslash or a line break are refused when the config is loaded.
 */
export function renderEnvFile(values: Readonly<Record<string, pulumi.Input<string>>>): pulumi.Output<string> {
  const lines = Object.entries(values).map(([k, v]) => pulumi.interpolate`${k}='${v}'\n`);
  return pulumi.all(lines).apply((ls) => ls.join(""));
}

/** The service's plain files as uploads. */
export function configFileUploads(svc: Service): FileUpload[] {
  return svc.files.map((f) => ({ file: f.path, content: f.content, permissions: f.mode, owner: f.owner, group: f.group }));
}

/** The service's secret files as uploads: the whole file is a secret, whatever its mode. */
export function secretFileUploads(svc: Service): FileUpload[] {
  return svc.secretFiles.map((f) => ({
    file: f.path,
    content: pulumi.secret(renderEnvFile(f.values)),
    permissions: f.mode,
    owner: f.owner,
    group: f.group,
  }));
}

export interface HomelabServiceArgs {
  readonly service: Service;
  readonly stack: string;
  readonly provider: docker.Provider;
  /** Docker network name per network key the service joins. */
  readonly networks: Readonly<Record<string, pulumi.Input<string>>>;
  /**
   * Environment added by the platform (OTEL settings from monitoring); the service's own wins.
   * @default {}
   */
  readonly extraEnvironment?: Readonly<Record<string, pulumi.Input<string>>>;
  /**
   * Secret environment added by the platform (tokens), wrapped as secrets.
   * @default {}
   */
  readonly extraSecretEnvironment?: Readonly<Record<string, pulumi.Input<string>>>;
  /**
   * Named volumes another service on the same host already owns; mounted, not created.
   * @default {}
   */
  readonly sharedVolumes?: Readonly<Record<string, docker.Volume>>;
  /**
   * Files written into the container before it starts; a change replaces the container.
   * @default []
   */
  readonly uploads?: readonly FileUpload[];
  /**
   * Containers this one starts after (the service's dependsOn, resolved).
   * @default []
   */
  readonly after?: readonly pulumi.Resource[];
  /**
   * Wait for the healthcheck to pass on create, so services that depend on this one start after it is ready.
   * @default false
   */
  readonly waitHealthy?: boolean;
  /** json-file log rotation. */
  readonly logMaxSize: string;
  readonly logMaxFiles: number;
}

export const WATCHTOWER_LABEL = "com.centurylinklabs.watchtower.enable";

/**
 * One container with its image and data volumes, with the defaults a
 * careful operator would write by hand: no new privileges, ports on the
 * interface the config names (loopback unless told otherwise), rotated logs,
 * and volumes that outlive the container, the stack and any rename.
 */
export class HomelabService extends pulumi.ComponentResource {
  readonly container: docker.Container;
  readonly image: docker.RemoteImage;
  /** Named volumes this service created, by volume name. */
  readonly volumes: Readonly<Record<string, docker.Volume>>;
  readonly containerName: string;
  /** `http://<container>:<port>` (or tcp://) on the service's networks, when it declares a port. */
  readonly internalUrl: string | undefined;
  /** Published ports as `ip:hostPort->containerPort/protocol`. */
  readonly hostBindings: readonly string[];

  constructor(name: string, args: HomelabServiceArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("homelab:docker:Service", name, {}, opts);
    const svc = args.service;
    const childOpts = { parent: this, provider: args.provider };
    this.containerName = svc.containerName;
    // Only services known to speak HTTP get an http:// URL; a database gets tcp://.
    const http = svc.ingress !== undefined || svc.metrics !== undefined || svc.tracing;
    this.internalUrl = svc.port === undefined ? undefined : `${http ? "http" : "tcp"}://${svc.containerName}:${svc.port}`;
    this.hostBindings = svc.ports.map((p) => `${p.hostIp}:${p.published ?? "random"}->${p.target}/${p.protocol}`);

    // keepLocally: another stack on the same host may run the same image.
    this.image = new docker.RemoteImage(`${name}-image`, { name: svc.image, keepLocally: true }, childOpts);

    const shared = args.sharedVolumes ?? {};
    const volumes: Record<string, docker.Volume> = {};
    for (const v of svc.volumes) {
      if (v.type !== "volume" || shared[v.source] || volumes[v.source]) continue;
      // The Docker name is the config's own, so a renamed resource finds the same data;
      // retainOnDelete keeps it through `pulumi destroy` and through that rename's delete step.
      // Creating a volume under an existing name returns that volume with its old labels, and
      // labels force a replacement (kreuzwerker/terraform-provider-docker v4.5.0 resource_docker_volume.go):
      // so no label names the service, and the labels a volume was first created with stay.
      volumes[v.source] = new docker.Volume(
        `${name}-${v.source}-volume`,
        { name: v.source, labels: [{ label: "homelab.stack", value: args.stack }] },
        { ...childOpts, retainOnDelete: true, ignoreChanges: ["labels"] },
      );
    }
    this.volumes = volumes;

    const envs: pulumi.Input<string>[] = [];
    const plain = { ...(args.extraEnvironment ?? {}), ...svc.environment };
    for (const [k, v] of Object.entries(plain)) envs.push(pulumi.interpolate`${k}=${v}`);
    const secrets = { ...(args.extraSecretEnvironment ?? {}), ...svc.secretEnvironment };
    for (const [k, v] of Object.entries(secrets)) envs.push(pulumi.secret(pulumi.interpolate`${k}=${v}`));

    const labels: Record<string, string> = {
      ...svc.labels,
      "homelab.stack": args.stack,
      "homelab.service": svc.key,
      [WATCHTOWER_LABEL]: String(svc.watchtower),
      // Tells the policy pack's restart rule that "no restart" is intended for this job.
      ...(svc.oneShot ? { "homelab.oneshot": "true" } : {}),
    };

    const uploads = [...(args.uploads ?? []), ...configFileUploads(svc), ...secretFileUploads(svc)].map((u) => ({
      file: u.file,
      content: u.content,
      permissions: u.permissions,
      owner: u.owner,
      group: u.group,
    }));
    const mountedVolumes = svc.volumes.map((v) => ({ ...v, resource: volumes[v.source] ?? shared[v.source] }));
    this.container = new docker.Container(
      `${name}-container`,
      {
        name: svc.containerName,
        image: this.image.imageId,
        command: svc.command ? [...svc.command] : undefined,
        entrypoints: svc.entrypoint ? [...svc.entrypoint] : undefined,
        envs,
        restart: svc.restart,
        mustRun: !svc.oneShot,
        memory: svc.memoryMb,
        // Left unset, Docker allows as much swap again as the memory limit and the provider records it: a diff after every refresh.
        memorySwap: svc.memoryMb,
        // What the provider reads back ("1" comes back "1.0"), since cpus forces a new container.
        cpus: svc.cpus === undefined ? undefined : canonicalCpus(String(svc.cpus)),
        gpus: svc.gpus,
        user: svc.user,
        readOnly: svc.readOnly,
        privileged: false,
        securityOpts: ["no-new-privileges:true"],
        capabilities: svc.capAdd.length + svc.capDrop.length > 0 ? { adds: [...svc.capAdd], drops: [...svc.capDrop] } : undefined,
        // Durations as the provider reads them back (Go's Duration.String(): 60s is 1m0s).
        healthcheck: svc.healthcheck && {
          tests: [...svc.healthcheck.tests],
          interval: optionalDuration(svc.healthcheck.interval),
          timeout: optionalDuration(svc.healthcheck.timeout),
          retries: svc.healthcheck.retries,
          startPeriod: optionalDuration(svc.healthcheck.startPeriod),
        },
        // Delete stops with this timeout (else 0: SIGKILL); the daemon uses stopTimeout for its own stops.
        destroyGraceSeconds: svc.stopGraceSeconds,
        stopTimeout: svc.stopGraceSeconds,
        stopSignal: svc.stopSignal,
        wait: args.waitHealthy === true && svc.healthcheck !== undefined ? true : undefined,
        ports: svc.ports.map((p) => ({ internal: p.target, external: p.published, ip: p.hostIp, protocol: p.protocol })),
        networksAdvanced: svc.networks.map((n) => ({ name: args.networks[n], aliases: [svc.key] })),
        volumes: mountedVolumes.map((v) =>
          v.type === "bind"
            ? { hostPath: v.source, containerPath: v.target, readOnly: v.readOnly }
            : { volumeName: v.resource ? v.resource.name : v.source, containerPath: v.target, readOnly: v.readOnly },
        ),
        uploads: uploads.length === 0 ? undefined : uploads,
        labels: Object.entries(labels).map(([label, value]) => ({ label, value })),
        logDriver: "json-file",
        logOpts: { "max-size": args.logMaxSize, "max-file": String(args.logMaxFiles) },
      },
      {
        ...childOpts,
        // The container name (and any fixed host port) is unique on the host, so the old
        // container must go before its replacement can be created.
        deleteBeforeReplace: true,
        // The provider neither updates nor replaces for a healthcheck change: it would sit in state, never applied.
        replaceOnChanges: ["healthcheck"],
        // The volumes are spelled out for the reader: the engine already orders them through volumeName.
        dependsOn: [...(args.after ?? []), ...mountedVolumes.flatMap((v) => (v.resource ? [v.resource] : []))],
      },
    );

    this.registerOutputs({
      containerName: this.containerName,
      internalUrl: this.internalUrl,
      hostBindings: this.hostBindings,
      image: svc.image,
    });
  }
}
