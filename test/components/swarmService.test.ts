/**
 * SwarmService built on its own under the mock runtime: what one stack-model
 * service sends to the Docker provider as a Swarm service.
 */
import * as docker from "@pulumi/docker";
import { SwarmService, type SwarmServiceArgs } from "../../components/swarmService";
import { platformService, type Service } from "../../infra/model";
import type { RecordedResource } from "../../infra/plan/evaluate";
import { CONFIG, managerProvider, named, plainSpec, recordComponents, SECRET, SERVICE, secretValue, type Obj } from "./swarmSupport";

type Built = Readonly<Record<string, SwarmService>>;
type Extra = Omit<SwarmServiceArgs, "service" | "swarm" | "stack" | "provider" | "networks" | "logMaxSize" | "logMaxFiles">;

function build(provider: docker.Provider, key: string, svc: Partial<Service>, spec: Parameters<typeof plainSpec>[0], extra: Partial<Extra> = {}): SwarmService {
  return new SwarmService(key, {
    service: platformService({ key, image: "registry.example/app:1.0", ...svc }),
    swarm: plainSpec(spec),
    stack: "lab",
    provider,
    networks: { front: "front-net-id", back: "back-net-id" },
    logMaxSize: "10m",
    logMaxFiles: 3,
    ...extra,
  });
}

function program(): Built {
  const provider = managerProvider();
  const before = new docker.Network("before-network", { name: "before" }, { provider });
  return {
    web: build(
      provider,
      "web",
      {
        containerName: "web-app",
        image: "nginx:1.27.3",
        port: 80,
        networks: ["front", "back"],
        metrics: { port: 9113, path: "/metrics" },
        ports: [
          { hostIp: "0.0.0.0", published: 8080, target: 80, protocol: "tcp" },
          { hostIp: "0.0.0.0", published: undefined, target: 53, protocol: "udp" },
        ],
        volumes: [
          { type: "volume", source: "web-data", target: "/data", readOnly: false },
          { type: "bind", source: "/srv/static", target: "/usr/share/nginx/html", readOnly: true },
        ],
        healthcheck: { tests: ["CMD", "curl", "-f", "http://localhost/"], interval: "60s", timeout: "5s", retries: 3, startPeriod: undefined },
        memoryMb: 256,
        cpus: 0.5,
        labels: { "traefik.enable": "true" },
        user: "101:101",
        readOnly: true,
        capAdd: ["NET_BIND_SERVICE"],
        capDrop: ["ALL"],
        entrypoint: ["/docker-entrypoint.sh"],
        command: ["nginx", "-g", "daemon off;"],
        environment: { LOG_LEVEL: "info", SHARED: "own" },
        secretEnvironment: { API_KEY: "hunter2" },
        restart: "on-failure",
        stopGraceSeconds: 90,
        stopSignal: "SIGQUIT",
        files: [{ name: "nginx.conf", path: "/etc/nginx/nginx.conf", content: "events {}\n", mode: "0644", owner: "101", group: "101" }],
      },
      {
        replicas: 3,
        constraints: ["node.labels.zone == a"],
        spread: ["spread=node.labels.zone"],
        maxReplicasPerNode: 2,
        update: { parallelism: 2, delay: "90s", order: "start-first", failureAction: "continue", monitor: "60s", maxFailureRatio: 0.25 },
        rollback: { parallelism: 3, delay: "0s", order: "stop-first", failureAction: "pause", monitor: "2h", maxFailureRatio: 1 },
        gpus: { kind: "NVIDIA-GPU", count: 2 },
      },
      {
        extraEnvironment: { SHARED: "platform", OTEL_SERVICE_NAME: "web" },
        extraSecretEnvironment: { TUNNEL_TOKEN: "tok-123" },
        tmpfs: [{ target: "/run", sizeBytes: 8 * 1024 * 1024, mode: 0o755 }],
        containerSpecExtra: {
          configs: [{ configId: "extra-config-id", configName: "web_extra_1", fileName: "/etc/extra.yml" }],
          secrets: [{ secretId: "extra-secret-id", secretName: "web_token_1", fileName: "token" }],
          hostname: "{{.Node.Hostname}}",
        },
        after: [before],
      },
    ),
    job: build(provider, "job", { oneShot: true, restart: "always" }, { replicas: "global" }),
    vault: build(
      provider,
      "vault",
      { port: 8200, restart: "no", memoryMb: 64, secretEnvironment: { DB_PASSWORD: "s3cret" }, networks: ["back"] },
      { secretsAs: "files", constraints: ["node.role == manager"] },
    ),
    tracer: build(provider, "tracer", { port: 4318, tracing: true, restart: "unless-stopped", cpus: 1.25, environment: { A: "1" } }, { spread: ["spread=node.labels.rack"], gpus: { kind: "GPU", count: 1 } }),
    site: build(
      provider,
      "site",
      { port: 3000, restart: "always", ingress: { hostname: "site.example.com", port: 3000, public: true, scheme: "http", aliases: [] }, healthcheck: { tests: ["NONE"], interval: undefined, timeout: "1m0s", retries: undefined, startPeriod: "2m" } },
      { maxReplicasPerNode: 1 },
    ),
    pair: build(provider, "pair", {}, { constraints: ["node.labels.ssd == true"], spread: ["spread=node.labels.zone"] }),
  };
}

let resources: RecordedResource[];
let built: Built;
let outputs: Map<unknown, unknown>;

beforeAll(async () => {
  ({ resources, result: built, outputs } = await recordComponents(program));
});

const service = (key: string): RecordedResource => named(resources, `${key}-service`);
const inputs = (key: string): Obj => service(key).inputs;
const task = (key: string): Obj => inputs(key).taskSpec as Obj;
const container = (key: string): Obj => task(key).containerSpec as Obj;

describe("a fully specified service", () => {
  test("is a homelab:swarm:Service component whose docker Service is its child, on the manager's provider", () => {
    const component = named(resources, "web");
    expect(component.type).toBe("homelab:swarm:Service");
    expect(service("web").type).toBe(SERVICE);
    expect(service("web").parent).toBe(component.urn);
    expect(service("web").provider?.split("::")[3]).toBe("manager-docker");
    expect(inputs("web").name).toBe("web-app");
  });

  test("runs replicated tasks of the image, with its command and entrypoint", () => {
    expect(inputs("web").mode).toEqual({ replicated: { replicas: 3 } });
    expect(container("web")).toMatchObject({
      image: "nginx:1.27.3",
      commands: ["/docker-entrypoint.sh"],
      args: ["nginx", "-g", "daemon off;"],
      user: "101:101",
      readOnly: true,
      capAdds: ["NET_BIND_SERVICE"],
      capDrops: ["ALL"],
      hostname: "{{.Node.Hostname}}",
      stopGracePeriod: "1m30s",
      stopSignal: "SIGQUIT",
    });
  });

  test("environment: the service's own wins over the platform's, secrets wrapped as secrets", () => {
    const env = container("web").env as Obj;
    expect(Object.keys(env).sort()).toEqual(["API_KEY", "LOG_LEVEL", "OTEL_SERVICE_NAME", "SHARED", "TUNNEL_TOKEN"]);
    expect(env.LOG_LEVEL).toBe("info");
    expect(env.SHARED).toBe("own");
    expect(env.OTEL_SERVICE_NAME).toBe("web");
    expect(secretValue(env.API_KEY)).toBe("hunter2");
    expect(secretValue(env.TUNNEL_TOKEN)).toBe("tok-123");
  });

  test("labels on the service and the container: the user's, the stack's, the service key, Watchtower off", () => {
    const expected = [
      { label: "traefik.enable", value: "true" },
      { label: "homelab.stack", value: "lab" },
      { label: "homelab.service", value: "web" },
      { label: "com.centurylinklabs.watchtower.enable", value: "false" },
    ];
    expect(inputs("web").labels).toEqual(expected);
    expect(container("web").labels).toEqual(expected);
  });

  test("healthcheck durations in the provider's short form; an unset one stays unset", () => {
    expect(container("web").healthcheck).toEqual({ tests: ["CMD", "curl", "-f", "http://localhost/"], interval: "1m", timeout: "5s", retries: 3 });
  });

  test("mounts: named volumes, binds and tmpfs", () => {
    expect(container("web").mounts).toEqual([
      { type: "volume", source: "web-data", target: "/data", readOnly: false },
      { type: "bind", source: "/srv/static", target: "/usr/share/nginx/html", readOnly: true },
      { type: "tmpfs", target: "/run", readOnly: false, tmpfsOptions: { sizeBytes: 8388608, mode: 493 } },
    ]);
  });

  test("its file as a config and the platform's configs and secrets mounted beside it", () => {
    const config = named(resources, "web-nginx.conf-config");
    expect(config.type).toBe(CONFIG);
    expect(container("web").configs).toEqual([
      { configId: "web-nginx.conf-config-id", configName: config.inputs.name, fileName: "/etc/nginx/nginx.conf", fileMode: 420, fileUid: "101", fileGid: "101" },
      { configId: "extra-config-id", configName: "web_extra_1", fileName: "/etc/extra.yml" },
    ]);
    expect(container("web").secrets).toEqual([{ secretId: "extra-secret-id", secretName: "web_token_1", fileName: "token" }]);
  });

  test("memory capped and reserved in bytes, CPU capped in nano-CPUs, GPUs reserved as generic resources", () => {
    expect(task("web").resources).toEqual({
      limits: { memoryBytes: 268435456, nanoCpus: 500000000 },
      reservation: { memoryBytes: 268435456, genericResources: { discreteResourcesSpecs: ["NVIDIA-GPU=2"] } },
    });
  });

  test("restarts on failure after 5s; placed by constraint, spread and a per-node cap", () => {
    expect(task("web").restartPolicy).toEqual({ condition: "on-failure", delay: "5s" });
    expect(task("web").placement).toEqual({ constraints: ["node.labels.zone == a"], prefs: ["spread=node.labels.zone"], maxReplicas: 2 });
  });

  test("joins the overlay networks by id, reachable by the service key", () => {
    expect(task("web").networksAdvanceds).toEqual([
      { id: "front-net-id", aliases: ["web"] },
      { id: "back-net-id", aliases: ["web"] },
    ]);
  });

  test("logs with json-file rotation", () => {
    expect(task("web").logDriver).toEqual({ name: "json-file", options: { "max-size": "10m", "max-file": "3" } });
  });

  test("update and rollback policies in the provider's forms", () => {
    expect(inputs("web").updateConfig).toEqual({ parallelism: 2, delay: "1m30s", failureAction: "continue", monitor: "1m", maxFailureRatio: "0.3", order: "start-first" });
    expect(inputs("web").rollbackConfig).toEqual({ parallelism: 3, delay: "0s", failureAction: "pause", monitor: "2h", maxFailureRatio: "1.0", order: "stop-first" });
  });

  test("ports published through the routing mesh, a missing published port left to the Swarm", () => {
    expect(inputs("web").endpointSpec).toEqual({
      ports: [
        { targetPort: 80, publishedPort: 8080, protocol: "tcp", publishMode: "ingress" },
        { targetPort: 53, protocol: "udp", publishMode: "ingress" },
      ],
    });
    expect(built.web.hostBindings).toEqual(["*:8080->80/tcp", "*:random->53/udp"]);
  });

  test("created after the resources it was given and its own configs", () => {
    expect([...service("web").dependencies].sort()).toEqual([named(resources, "before-network").urn, named(resources, "web-nginx.conf-config").urn].sort());
  });

  test("names, URL and outputs", () => {
    expect(built.web.serviceName).toBe("web-app");
    expect(built.web.internalUrl).toBe("http://web-app:80");
    expect(outputs.get(built.web)).toEqual({ serviceName: "web-app", internalUrl: "http://web-app:80", hostBindings: ["*:8080->80/tcp", "*:random->53/udp"], image: "nginx:1.27.3" });
  });
});

describe("a bare one-shot global service", () => {
  test("one task per node, never restarted, labelled one-shot", () => {
    expect(inputs("job").mode).toEqual({ global: true });
    expect(task("job").restartPolicy).toEqual({ condition: "none", delay: "5s" });
    expect(inputs("job").labels).toEqual([
      { label: "homelab.stack", value: "lab" },
      { label: "homelab.service", value: "job" },
      { label: "com.centurylinklabs.watchtower.enable", value: "false" },
      { label: "homelab.oneshot", value: "true" },
    ]);
  });

  test("sends no empty list or map the provider would never read back", () => {
    const c = container("job");
    for (const k of ["commands", "args", "env", "capAdds", "capDrops", "healthcheck", "mounts", "configs", "secrets", "hostname", "user", "stopSignal"]) expect(c).not.toHaveProperty(k);
    expect(c.readOnly).toBe(false);
    expect(task("job")).not.toHaveProperty("placement");
    expect(task("job").networksAdvanceds).toEqual([]);
    expect(task("job").resources).toEqual({ limits: {} });
    expect(inputs("job")).not.toHaveProperty("endpointSpec");
    expect(service("job").dependencies).toEqual([]);
  });

  test("has no URL and no bindings; its stop grace is the default", () => {
    expect(built.job.internalUrl).toBeUndefined();
    expect(built.job.hostBindings).toEqual([]);
    expect(container("job").stopGracePeriod).toBe("10s");
  });
});

describe("secrets as files", () => {
  test("a secret variable becomes a Swarm secret under /run/secrets, not environment", () => {
    expect(container("vault")).not.toHaveProperty("env");
    const secret = named(resources, "vault-DB_PASSWORD-secret");
    expect(secret.type).toBe(SECRET);
    expect(container("vault").secrets).toEqual([{ secretId: "vault-DB_PASSWORD-secret-id", secretName: "vault_DB_PASSWORD_0badf00d", fileName: "DB_PASSWORD" }]);
    expect(service("vault").dependencies).toEqual([secret.urn]);
  });

  test("restart no is never restarted; memory alone is reserved alone; constraints alone", () => {
    expect(task("vault").restartPolicy).toEqual({ condition: "none", delay: "5s" });
    expect(task("vault").resources).toEqual({ limits: { memoryBytes: 67108864 }, reservation: { memoryBytes: 67108864 } });
    expect(task("vault").placement).toEqual({ constraints: ["node.role == manager"] });
    expect(task("vault").networksAdvanceds).toEqual([{ id: "back-net-id", aliases: ["vault"] }]);
  });

  test("a port with no HTTP use is a tcp URL", () => {
    expect(built.vault.internalUrl).toBe("tcp://vault:8200");
  });
});

describe("other restart policies, placements and resources", () => {
  test("unless-stopped and always restart on any exit", () => {
    expect(task("tracer").restartPolicy).toEqual({ condition: "any", delay: "5s" });
    expect(task("site").restartPolicy).toEqual({ condition: "any", delay: "5s" });
  });

  test("spread alone and a per-node cap alone each make a placement", () => {
    expect(task("tracer").placement).toEqual({ prefs: ["spread=node.labels.rack"] });
    expect(task("site").placement).toEqual({ maxReplicas: 1 });
  });

  test("a constraint and a spread with no per-node cap", () => {
    expect(task("pair").placement).toEqual({ constraints: ["node.labels.ssd == true"], prefs: ["spread=node.labels.zone"] });
  });

  test("CPU without memory: a limit, and GPUs alone reserved", () => {
    expect(task("tracer").resources).toEqual({ limits: { nanoCpus: 1250000000 }, reservation: { genericResources: { discreteResourcesSpecs: ["GPU=1"] } } });
    expect(container("tracer").env).toEqual({ A: "1" });
  });

  test("tracing or ingress make the URL http", () => {
    expect(built.tracer.internalUrl).toBe("http://tracer:4318");
    expect(built.site.internalUrl).toBe("http://site:3000");
  });

  test("healthcheck durations canonical in short form, retries left unset", () => {
    expect(container("site").healthcheck).toEqual({ tests: ["NONE"], timeout: "1m", startPeriod: "2m" });
  });
});
