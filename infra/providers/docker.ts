/**
 * kreuzwerker/terraform-provider-docker v4.5.0, as @pulumi/docker 5.x bridges
 * it (SDKv2, so the bridge's Check fills the schema's non-falsy defaults,
 * nested objects included: pulumi-terraform-bridge pkg/tfbridge/schema.go,
 * shouldSuppressTFSchemaDefaultValue). Property names are Pulumi's.
 */
import { canonicalCpus, canonicalDuration, canonicalShortDuration } from "./goFormat";
import type { ResourceBehaviour } from "./types";

const REPO = "kreuzwerker/terraform-provider-docker@v4.5.0";
const CONTAINER_SCHEMA = `${REPO}:internal/provider/resource_docker_container.go`;
const CONTAINER_FUNCS = `${REPO}:internal/provider/resource_docker_container_funcs.go`;

const asString = (f: (s: string) => string) => (v: unknown): unknown => (typeof v === "string" ? f(v) : v);
/** Read stores each healthcheck duration as Go's Duration.String() (resource_docker_container_funcs.go, resourceDockerContainerRead). */
const duration = asString(canonicalDuration);

export const DOCKER_CONTAINER: ResourceBehaviour = {
  type: "docker:index/container:Container",
  sources: [CONTAINER_SCHEMA, CONTAINER_FUNCS, `${REPO}:internal/provider/helpers.go`, "pulumi/pulumi-terraform-bridge:pkg/tfbridge/schema.go"],
  // resource_docker_container.go schema `Default:` values; the falsy ones (rm, read_only, wait,
  // attach, logs, memory_reservation, tty, stdin_open, healthcheck.retries, upload.executable) are dropped by the bridge.
  defaults: {
    start: true,
    waitTimeout: 60,
    mustRun: true,
    restart: "no",
    removeVolumes: true,
    networkMode: "bridge",
    // containerReadRefreshTimeoutMillisecondsDefault = 15000 (resource_docker_container_funcs.go)
    containerReadRefreshTimeoutMilliseconds: 15000,
    "ports[].ip": "0.0.0.0",
    "ports[].protocol": "tcp",
    "healthcheck.interval": "0s",
    "healthcheck.timeout": "0s",
    "healthcheck.startPeriod": "0s",
    "healthcheck.startInterval": "0s",
    "devices[].permissions": "rwm",
    "deviceRequests[].driver": "cdi",
  },
  // Every schema attribute with `ForceNew: true` (resource_docker_container.go).
  forceNew: [
    "name", "readOnly", "exitCode", "image", "hostname", "domainname", "command", "entrypoints", "user", "dns", "dnsOpts",
    "dnsSearches", "publishAllPorts", "workingDir", "capabilities", "securityOpts", "runtime", "platform", "stopSignal",
    "stopTimeout", "mounts", "volumes", "ports", "hosts", "ulimits", "envs", "privileged", "devices", "deviceRequests",
    "labels", "shmSize", "logDriver", "logOpts", "networkMode", "networksAdvanced", "pidMode", "usernsMode", "uploads",
    "sysctls", "ipcMode", "groupAdds", "tty", "stdinOpen", "storageOpts", "gpus", "cpus", "cgroupnsMode", "cgroupParent",
  ],
  updatable: [
    // resourceDockerContainerUpdate's attrs list, sent to ContainerUpdate (resource_docker_container_funcs.go)
    "restart", "maxRetryCount", "cpuShares", "memory", "memoryReservation", "cpuSet", "memorySwap",
    "deviceReadBps", "deviceReadIops", "deviceWriteBps", "deviceWriteIops",
    // Update starts a stopped container when must_run turns true.
    "mustRun",
    // Provider-side settings with no container counterpart: Update stores them and
    // Create/Delete read them (destroy_grace_seconds is the Delete's stop timeout).
    "rm", "start", "wait", "waitTimeout", "attach", "logs", "removeVolumes", "destroyGraceSeconds",
    "containerReadRefreshTimeoutMilliseconds",
  ],
  // Not listed, so a change is stored and never applied: healthcheck (neither ForceNew nor in
  // Update's list), tmpfs, init, cpuPeriod, cpuQuota.
  readBack: {
    // Read: d.Set("cpus", nanoInt64ToDecimalString(NanoCPUs)) (helpers.go): "1" comes back "1.0".
    cpus: asString(canonicalCpus),
    // ports.ip's StateFunc stores an empty address as "0.0.0.0" (resource_docker_container.go).
    "ports[].ip": asString((ip) => (ip === "" ? "0.0.0.0" : ip)),
    "healthcheck.interval": duration,
    "healthcheck.timeout": duration,
    "healthcheck.startPeriod": duration,
    "healthcheck.startInterval": duration,
  },
  recordedWhenAbsent: {
    // Read: d.Set("memory_swap", MemorySwap/1024/1024). With --memory and no --memory-swap the
    // daemon sets the swap limit to twice the memory limit (docs.docker.com/engine/containers/resource_constraints).
    memorySwap: (inputs) => (typeof inputs.memory === "number" && inputs.memory > 0 ? inputs.memory * 2 : undefined),
  },
};

export const DOCKER_REMOTE_IMAGE: ResourceBehaviour = {
  type: "docker:index/remoteImage:RemoteImage",
  sources: [`${REPO}:internal/provider/resource_docker_image.go`, `${REPO}:internal/provider/resource_docker_image_funcs.go`],
  // platform's default is "" (falsy, dropped); build.* defaults only apply to builds, which the program never asks for.
  defaults: {},
  forceNew: ["name", "pullTriggers", "build", "triggers", "platform"],
  // keep_locally and force_remove only steer Delete; Update stores them.
  updatable: ["keepLocally", "forceRemove"],
  readBack: {},
};

export const DOCKER_VOLUME: ResourceBehaviour = {
  type: "docker:index/volume:Volume",
  sources: [`${REPO}:internal/provider/resource_docker_volume.go`],
  // cluster.* defaults apply only to swarm cluster volumes, which the program never asks for.
  defaults: {},
  // Every attribute but cluster.availability is ForceNew; Read sets labels from the daemon's
  // volume, so a volume created under an existing name comes back with that volume's labels.
  forceNew: ["name", "labels", "driver", "driverOpts", "cluster"],
  updatable: [],
  readBack: {},
};

export const DOCKER_NETWORK: ResourceBehaviour = {
  type: "docker:index/network:Network",
  sources: [`${REPO}:internal/provider/resource_docker_network.go`, `${REPO}:internal/provider/resource_docker_network_funcs.go`],
  defaults: { ipamDriver: "default" },
  forceNew: ["name", "labels", "driver", "options", "internal", "attachable", "ingress", "ipv6", "ipamDriver", "ipamOptions", "ipamConfigs"],
  updatable: [],
  readBack: {},
};

const SERVICE_SCHEMA = `${REPO}:internal/provider/resource_docker_service.go`;
const SERVICE_STRUCTURES = `${REPO}:internal/provider/resource_docker_service_structures.go`;
/** Read stores a service's durations with shortDur (resource_docker_service_structures.go): `60s` comes back `1m`. */
const shortDuration = asString(canonicalShortDuration);
const ROLLOUT_DEFAULTS = (at: string): Record<string, unknown> => ({
  [`${at}.parallelism`]: 1,
  [`${at}.delay`]: "0s",
  [`${at}.failureAction`]: "pause",
  [`${at}.monitor`]: "5s",
  [`${at}.maxFailureRatio`]: "0.0",
  [`${at}.order`]: "stop-first",
});

export const DOCKER_SERVICE: ResourceBehaviour = {
  type: "docker:index/service:Service",
  sources: [SERVICE_SCHEMA, SERVICE_STRUCTURES, "pulumi/pulumi-terraform-bridge:pkg/tfbridge/schema.go"],
  // resource_docker_service.go schema `Default:` values (falsy ones dropped by the bridge:
  // healthcheck.retries 0, mode.global false). MaxItems:1 lists are objects in Pulumi.
  defaults: {
    "taskSpec.containerSpec.healthcheck.interval": "0s",
    "taskSpec.containerSpec.healthcheck.timeout": "0s",
    "taskSpec.containerSpec.healthcheck.startPeriod": "0s",
    "taskSpec.containerSpec.mounts[].bindOptions.propagation": "rprivate",
    "taskSpec.containerSpec.secrets[].fileUid": "0",
    "taskSpec.containerSpec.secrets[].fileGid": "0",
    "taskSpec.containerSpec.secrets[].fileMode": 0o444,
    "taskSpec.containerSpec.configs[].fileUid": "0",
    "taskSpec.containerSpec.configs[].fileGid": "0",
    "taskSpec.containerSpec.configs[].fileMode": 0o444,
    "taskSpec.containerSpec.isolation": "default",
    "mode.replicated.replicas": 1,
    ...ROLLOUT_DEFAULTS("updateConfig"),
    ...ROLLOUT_DEFAULTS("rollbackConfig"),
    "endpointSpec.ports[].protocol": "tcp",
    "endpointSpec.ports[].publishMode": "ingress",
    "convergeConfig.delay": "7s",
    "convergeConfig.timeout": "3m",
  },
  // Top-level `ForceNew: true`: auth, name, mode. Inside task_spec, container_spec.hosts,
  // container_spec.sysctl and every networks_advanced attribute are ForceNew too, so a change
  // of networks replaces the service although taskSpec as a whole updates in place.
  forceNew: ["auth", "name", "mode"],
  updatable: ["labels", "taskSpec", "updateConfig", "rollbackConfig", "endpointSpec", "convergeConfig"],
  readBack: {
    "taskSpec.containerSpec.healthcheck.interval": shortDuration,
    "taskSpec.containerSpec.healthcheck.timeout": shortDuration,
    "taskSpec.containerSpec.healthcheck.startPeriod": shortDuration,
    "taskSpec.containerSpec.stopGracePeriod": shortDuration,
    "taskSpec.restartPolicy.delay": shortDuration,
    // flattenServiceMounts keeps tmpfs_options.mode as Mode.Perm(): permission bits only.
    "taskSpec.containerSpec.mounts[].tmpfsOptions.mode": (v: unknown): unknown => (typeof v === "number" ? v & 0o777 : v),
    "taskSpec.restartPolicy.window": shortDuration,
    "updateConfig.delay": shortDuration,
    "updateConfig.monitor": shortDuration,
    "rollbackConfig.delay": shortDuration,
    "rollbackConfig.monitor": shortDuration,
    // strconv.FormatFloat(MaxFailureRatio, 'f', 1, 64): one decimal.
    "updateConfig.maxFailureRatio": asString((r) => Number(r).toFixed(1)),
    "rollbackConfig.maxFailureRatio": asString((r) => Number(r).toFixed(1)),
  },
};

export const DOCKER_SECRET: ResourceBehaviour = {
  type: "docker:index/secret:Secret",
  sources: [`${REPO}:internal/provider/resource_docker_secret.go`],
  defaults: {},
  // name, data (base64) and labels are all ForceNew; there is no Update. Read never
  // sets data (the daemon does not return a secret's bytes): state keeps what was sent.
  forceNew: ["name", "data", "labels"],
  updatable: [],
  readBack: {},
};

/**
 * A Swarm config (`docker config create`). Configs are immutable: every
 * input is ForceNew and there is no Update, so new content is a new config.
 * Read stores `data_raw` back as the daemon's bytes when the program sent
 * `data_raw` (else `data` as standard base64), and the labels as the
 * daemon has them: what was sent reads back unchanged.
 */
export const DOCKER_SERVICE_CONFIG: ResourceBehaviour = {
  type: "docker:index/serviceConfig:ServiceConfig",
  sources: [`${REPO}:internal/provider/resource_docker_config.go`],
  defaults: {},
  forceNew: ["name", "data", "dataRaw", "labels"],
  updatable: [],
  readBack: {},
};

export const DOCKER_BEHAVIOURS: readonly ResourceBehaviour[] = [DOCKER_CONTAINER, DOCKER_REMOTE_IMAGE, DOCKER_VOLUME, DOCKER_NETWORK, DOCKER_SERVICE, DOCKER_SECRET, DOCKER_SERVICE_CONFIG];
