/**
 * kreuzwerker/terraform-provider-docker v4.5.0, as @pulumi/docker 5.x bridges
 * it (SDKv2, so the bridge's Check fills the schema's non-falsy defaults,
 * nested objects included: pulumi-terraform-bridge pkg/tfbridge/schema.go,
 * shouldSuppressTFSchemaDefaultValue). Property names are Pulumi's.
 */
import { canonicalCpus, canonicalDuration } from "./goFormat";
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

export const DOCKER_BEHAVIOURS: readonly ResourceBehaviour[] = [DOCKER_CONTAINER, DOCKER_REMOTE_IMAGE, DOCKER_VOLUME, DOCKER_NETWORK];
