import type * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { BACKUP_CONTAINERS, BACKUP_IMAGES, stagingVolumeName } from "../infra/backups/model";
import type { RepositoryEnvironment } from "../infra/backups/repository";
import { BACKUP_DATA_DIR, BACKUP_SCRIPT_FILE } from "../infra/backups/scripts";
import { platformService, type Healthcheck, type Service } from "../infra/model";
import type { VolumeMount } from "../infra/parse";
import { HomelabService } from "./homelabService";

/** Labels the policy pack reads (require-backup). */
export const BACKUP_LABELS = {
  role: "homelab.backup.role",
  /** Space-separated volumes skipped on purpose (`backup: false` or `exclude`). */
  excluded: "homelab.backup.excluded",
  /** The runner's own staging volume: scratch space, never data to back up. */
  staging: "homelab.backup.staging",
} as const;

export const BACKUP_STATE_DIR = "/tmp/homelab-backup";
export const BACKUP_STAGING_DIR = "/staging";
const DOCKER_SOCKET = "/var/run/docker.sock";

export interface BackupRunnerArgs {
  readonly stack: string;
  readonly host: string;
  readonly provider: docker.Provider;
  /** Model name of the network the containers join, and its Docker name. */
  readonly network: string;
  readonly networkName: pulumi.Input<string>;
  /** Named volumes to back up; mounted read-only under /data. */
  readonly volumes: readonly string[];
  /** The services' volume resources on this host, mounted rather than created. */
  readonly sharedVolumes: Readonly<Record<string, docker.Volume>>;
  /** Volumes skipped on purpose, recorded in a label for the policy pack. */
  readonly excluded: readonly string[];
  /** The generated script (infra/backups/scripts.ts). */
  readonly script: string;
  readonly repository: RepositoryEnvironment;
  /** Run the hooks container (Docker socket) that stops or execs into services around their backup. */
  readonly hooks: boolean;
  /**
   * Where the script pushes its metrics.
   * @default none (metrics stay in the runner's state folder)
   */
  readonly pushgatewayUrl?: string;
  /**
   * Image overrides.
   * @default BACKUP_IMAGES
   */
  readonly images?: { readonly [K in keyof typeof BACKUP_IMAGES]?: string };
  readonly restart: Service["restart"];
  readonly logMaxSize: string;
  readonly logMaxFiles: number;
}

const heartbeat: Healthcheck = {
  // The scheduler rewrites the file every 30 seconds, even while a backup runs.
  tests: ["CMD-SHELL", `test -n "$(find ${BACKUP_STATE_DIR}/heartbeat -mmin -2 2>/dev/null)"`],
  interval: "60s",
  timeout: "10s",
  retries: 3,
  startPeriod: "30s",
};

/**
 * One host's backups: the runner (restic, the volumes read-only, the
 * repository secrets, no Docker socket) and, only when a service there is
 * stopped or exec'd into for a consistent copy, a hooks container (the socket,
 * no secrets, no data) that drives the runner through `docker exec`.
 */
export class BackupRunner extends pulumi.ComponentResource {
  readonly runner: HomelabService;
  readonly hooks: HomelabService | undefined;

  constructor(name: string, args: BackupRunnerArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("homelab:backups:BackupRunner", name, {}, opts);
    const images = { ...BACKUP_IMAGES, ...(args.images ?? {}) };
    const upload = [{ file: BACKUP_SCRIPT_FILE, content: args.script }];
    const svc = (role: string, spec: Parameters<typeof platformService>[0], secrets: Record<string, pulumi.Input<string>> = {}, after: pulumi.Resource[] = []): HomelabService =>
      new HomelabService(
        `${name}-${role}`,
        {
          service: platformService({ networks: [args.network], host: args.host, restart: args.restart, ...spec }),
          stack: args.stack,
          provider: args.provider,
          networks: { [args.network]: args.networkName },
          sharedVolumes: args.sharedVolumes,
          uploads: upload,
          extraSecretEnvironment: secrets,
          after,
          logMaxSize: args.logMaxSize,
          logMaxFiles: args.logMaxFiles,
        },
        { parent: this },
      );

    const dataMounts: VolumeMount[] = args.volumes.map((v) => ({ type: "volume", source: v, target: `${BACKUP_DATA_DIR}/${v}`, readOnly: true }));
    this.runner = svc(
      "runner",
      {
        key: BACKUP_CONTAINERS.runner,
        image: images.restic,
        entrypoint: ["/bin/sh"],
        command: [BACKUP_SCRIPT_FILE, "schedule", "runner"],
        environment: {
          ...args.repository.plain,
          HOMELAB_BACKUP_STATE: BACKUP_STATE_DIR,
          HOMELAB_BACKUP_STAGING: BACKUP_STAGING_DIR,
          // Drills restore whole volumes: onto the staging volume, not the container's writable layer.
          HOMELAB_BACKUP_SCRATCH: `${BACKUP_STAGING_DIR}/drill`,
          ...(args.pushgatewayUrl === undefined ? {} : { PUSHGATEWAY_URL: args.pushgatewayUrl }),
        },
        volumes: [
          ...dataMounts,
          ...args.repository.binds,
          { type: "volume", source: stagingVolumeName(args.stack), target: BACKUP_STAGING_DIR, readOnly: false },
        ],
        labels: { [BACKUP_LABELS.role]: "runner", [BACKUP_LABELS.excluded]: args.excluded.join(" "), [BACKUP_LABELS.staging]: stagingVolumeName(args.stack) },
        healthcheck: heartbeat,
        // restic's index and a restore's buffers; Docker refuses more CPUs than the host has.
        memoryMb: 1024,
        cpus: 1,
        // Reads files of every owner (read-only mounts stop writes) and restores owners and modes into staging.
        capDrop: ["ALL"],
        capAdd: ["DAC_OVERRIDE", "CHOWN", "FOWNER", "FSETID"],
      },
      args.repository.secret,
    );

    this.hooks = args.hooks
      ? svc(
          "hooks",
          {
            key: BACKUP_CONTAINERS.hooks,
            image: images.dockerCli,
            entrypoint: ["/bin/sh"],
            command: [BACKUP_SCRIPT_FILE, "schedule", "hooks"],
            environment: { HOMELAB_BACKUP_STATE: BACKUP_STATE_DIR },
            // Read-only does not limit the Docker API; the policy pack's allow-list names this image explicitly.
            volumes: [{ type: "bind", source: DOCKER_SOCKET, target: DOCKER_SOCKET, readOnly: true }],
            labels: { [BACKUP_LABELS.role]: "hooks" },
            healthcheck: heartbeat,
            memoryMb: 64,
            cpus: 0.25,
            capDrop: ["ALL"],
          },
          {},
          [this.runner.container],
        )
      : undefined;

    this.registerOutputs({ runner: this.runner.containerName, hooks: this.hooks?.containerName, volumes: [...args.volumes] });
  }
}
