/**
 * The example Swarm stack evaluated under the mock runtime: what each Swarm
 * service, overlay network and secret sends to the Docker provider.
 */
import { evaluateStack, type Evaluation, type RecordedResource } from "../../infra/plan/evaluate";
import { SECRET_SIG, UNKNOWN } from "../../infra/plan/evaluate";
import { classifyChange, readBack, withProviderDefaults } from "../../infra/providers";
import { named, NETWORK, ofType } from "../support/stacks";
import { editSwarm, SWARM_DIR, SWARM_STACK } from "./support";

jest.setTimeout(120_000);

const SERVICE = "docker:index/service:Service";
const SECRET = "docker:index/secret:Secret";
const CONFIG = "docker:index/serviceConfig:ServiceConfig";

let ev: Evaluation;
beforeAll(async () => {
  ev = await evaluateStack({ stack: SWARM_STACK, projectDir: SWARM_DIR });
});

type Obj = Record<string, unknown>;
const service = (key: string): RecordedResource => named(ev.resources, `${key}-service`);
const taskSpec = (key: string): Obj => service(key).inputs.taskSpec as Obj;
const containerSpec = (key: string): Obj => taskSpec(key).containerSpec as Obj;

test("a stack on the Swarm engine registers Swarm services, configs and overlay networks, never a container or a volume", () => {
  const types = new Set(ev.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:")).map((r) => r.type));
  expect([...types].filter((t) => t.startsWith("docker:")).sort()).toEqual([NETWORK, SECRET, SERVICE, CONFIG].sort());
  expect(ofType(ev.resources, SERVICE).map((s) => s.inputs.name).sort()).toEqual([
    "alertmanager", "alloy", "cache", "cadvisor", "cloudflared", "commander", "grafana", "jaeger", "loki", "postgres", "prometheus", "sentinel", "socket-proxy", "worker",
  ]);
});

test("the tunnel connector is a Swarm service: two replicas on different nodes, the token a secret, on the default network", () => {
  const connector = named(ev.resources, "tunnel-connector-service");
  expect(connector.inputs.mode).toEqual({ replicated: { replicas: 2 } });
  const task = connector.inputs.taskSpec as Obj;
  expect(task.placement).toEqual({ maxReplicas: 1 });
  const spec = task.containerSpec as Obj;
  expect(spec.image).toBe("cloudflare/cloudflared:2025.11.1");
  expect(((spec.env as Obj).TUNNEL_TOKEN as Obj)[SECRET_SIG]).toBeDefined();
  expect(connector.dependencies).toEqual(expect.arrayContaining([named(ev.resources, "miravaz-net-network").urn, named(ev.resources, "tunnel-cloudflared").urn]));
  expect(ev.outputs.services.commander.publicHostname).toBe("api.miravaz.com");
});

test("a single-node Swarm runs one connector replica (a second could never be placed)", async () => {
  const text = editSwarm([
    [["homelab:hosts"], { manager: { role: "manager", labels: { gpu: "true", storage: "true" }, gpus: 1 } }],
    [["homelab:services", "commander", "placement"], undefined],
    [["homelab:services", "sentinel", "placement"], undefined],
  ]);
  const e = await evaluateStack({ stack: SWARM_STACK, stackFileText: text, projectDir: SWARM_DIR });
  const connector = named(e.resources, "tunnel-connector-service");
  expect(connector.inputs.mode).toEqual({ replicated: { replicas: 1 } });
  expect((connector.inputs.taskSpec as Obj).placement).toBeUndefined();
});

test("every resource goes through the manager's provider", () => {
  const providers = new Set(ev.resources.filter((r) => r.type.startsWith("docker:")).map((r) => r.provider?.split("::")[3]));
  expect([...providers]).toEqual(["manager-docker"]);
});

test("networks are overlays, internal and encrypted as configured", () => {
  expect(named(ev.resources, "backend-network").inputs).toMatchObject({ name: "backend", driver: "overlay", internal: true, options: { encrypted: "" } });
  const front = named(ev.resources, "miravaz-net-network").inputs;
  expect(front).toMatchObject({ driver: "overlay", internal: false });
  expect(front.options).toBeUndefined();
});

test("replicas, placement and spread reach the service", () => {
  expect(service("commander").inputs.mode).toEqual({ replicated: { replicas: 2 } });
  expect(taskSpec("commander").placement).toEqual({ maxReplicas: 1 });
  expect(taskSpec("postgres").placement).toEqual({ constraints: ["node.labels.storage == true"] });
  expect(taskSpec("cache").placement).toBeUndefined();
});

test("a global service runs one task per node", async () => {
  const e = await evaluateStack({ stack: SWARM_STACK, stackFileText: editSwarm([[["homelab:services", "cache", "replicas"], "global"]]), projectDir: SWARM_DIR });
  expect(named(e.resources, "cache-service").inputs.mode).toEqual({ global: true });
});

test("updates roll one task at a time, watched by the health check, rolled back on failure", () => {
  expect(service("commander").inputs.updateConfig).toEqual({ parallelism: 1, delay: "10s", failureAction: "rollback", monitor: "40s", maxFailureRatio: "0.0", order: "start-first" });
  expect(service("postgres").inputs.updateConfig).toMatchObject({ order: "stop-first", failureAction: "rollback" });
  expect(service("postgres").inputs.rollbackConfig).toMatchObject({ order: "stop-first", failureAction: "pause" });
  expect(containerSpec("commander").healthcheck).toEqual({ tests: ["CMD", "python", "-c", "import urllib.request; urllib.request.urlopen('http://localhost:8000/')"], interval: "10s", timeout: "5s", retries: 3 });
});

test("resources become limits, memory also a reservation", () => {
  expect(taskSpec("postgres").resources).toEqual({ limits: { memoryBytes: 1024 * 1024 * 1024, nanoCpus: 1_000_000_000 }, reservation: { memoryBytes: 1024 * 1024 * 1024 } });
  expect(taskSpec("sentinel").resources).toEqual({ limits: { memoryBytes: 256 * 1024 * 1024, nanoCpus: 500_000_000 }, reservation: { memoryBytes: 256 * 1024 * 1024 } });
});

test("gpus: a reservation of the nodes' generic resource, so the task lands where a GPU is free", () => {
  expect(taskSpec("worker").resources).toEqual({
    limits: { memoryBytes: 2048 * 1024 * 1024, nanoCpus: 2_000_000_000 },
    reservation: { memoryBytes: 2048 * 1024 * 1024, genericResources: { discreteResourcesSpecs: ["NVIDIA-GPU=1"] } },
  });
  expect(ev.outputs.services.worker.host).toBe("gpu");
});

test("a GPU service the constraints allow anywhere runs only where GPUs are declared", async () => {
  const text = editSwarm([
    [["homelab:services", "worker", "placement"], undefined],
    [["homelab:services", "worker", "gpus"], "1"],
  ]);
  const e = await evaluateStack({ stack: SWARM_STACK, stackFileText: text, projectDir: SWARM_DIR });
  expect(e.outputs.services.worker.host).toBe("gpu");
  expect((named(e.resources, "worker-service").inputs.taskSpec as Obj).placement).toBeUndefined();
});

test("secretsAs files: the value is a Swarm secret mounted under /run/secrets, never in the environment", () => {
  const env = containerSpec("postgres").env as Obj;
  expect(Object.keys(env).sort()).toEqual(["POSTGRES_DB", "POSTGRES_PASSWORD_FILE", "POSTGRES_USER"]);
  const secrets = containerSpec("postgres").secrets as Obj[];
  expect(secrets.map((s) => s.fileName)).toEqual(["POSTGRES_PASSWORD"]);
  const secret = named(ev.resources, "postgres-POSTGRES_PASSWORD-secret");
  expect(secret.type).toBe(SECRET);
  expect((secret.inputs.data as Obj)[SECRET_SIG]).toBeDefined();
  expect(service("postgres").dependencies).toContain(secret.urn);
});

test("secretsAs env (the default): the value is a secret environment variable", async () => {
  const e = await evaluateStack({ stack: SWARM_STACK, stackFileText: editSwarm([[["homelab:services", "postgres", "secretsAs"], undefined]]), projectDir: SWARM_DIR });
  const env = ((named(e.resources, "postgres-service").inputs.taskSpec as Obj).containerSpec as Obj).env as Obj;
  expect((env.POSTGRES_PASSWORD as Obj)[SECRET_SIG]).toBeDefined();
  expect(ofType(e.resources, SECRET).map((s) => s.name).filter((n) => !n.startsWith("monitoring-"))).toEqual(["commander-DATABASE_PASSWORD-secret", "worker-dotenv-secretfile"]);
});

describe("files and secret files", () => {
  const THRESHOLDS = "latency_ms: 800\nerror_rate: 0.02\n";

  test("a file is a Swarm config named after its content (sha256 prefix), mounted at its path with its mode", () => {
    const config = named(ev.resources, "sentinel-thresholds-config");
    expect(config.type).toBe(CONFIG);
    expect(config.inputs).toEqual({ name: "sentinel_thresholds_7172c2c9", dataRaw: THRESHOLDS, labels: [{ label: "homelab.service", value: "sentinel" }] });
    expect(containerSpec("sentinel").configs).toEqual([{ configId: UNKNOWN, configName: "sentinel_thresholds_7172c2c9", fileName: "/app/config/thresholds.yaml", fileMode: 0o444 }]);
    expect(service("sentinel").dependencies).toContain(config.urn);
  });

  test("new content is a new config under a new name, created before the old one goes; the service updates in place", async () => {
    const text = editSwarm([[["homelab:services", "sentinel", "files", "thresholds", "content"], "latency_ms: 500\nerror_rate: 0.02\n"]]);
    const e = await evaluateStack({ stack: SWARM_STACK, stackFileText: text, projectDir: SWARM_DIR });
    const before = named(ev.resources, "sentinel-thresholds-config");
    const after = named(e.resources, "sentinel-thresholds-config");
    expect(after.inputs.name).toBe("sentinel_thresholds_a9c6d420");
    expect(classifyChange(CONFIG, readBack(CONFIG, before.inputs), after.inputs)).toMatchObject({ action: "replace", replaceReasons: ["dataRaw", "name"] });
    // Create-before-delete: the Swarm refuses to delete a config a service still mounts.
    expect(after.options.deleteBeforeReplace).toBe(false);
    const svcBefore = withProviderDefaults(SERVICE, service("sentinel").inputs);
    const svcAfter = withProviderDefaults(SERVICE, named(e.resources, "sentinel-service").inputs);
    expect(classifyChange(SERVICE, readBack(SERVICE, svcBefore), svcAfter)).toMatchObject({ action: "update", changed: ["taskSpec"] });
  });

  test("a secret file is a Swarm secret (never a config) at its path, with its mode and numeric owner", () => {
    const secret = named(ev.resources, "worker-dotenv-secretfile");
    expect(secret.type).toBe(SECRET);
    expect((secret.inputs.data as Obj)[SECRET_SIG]).toBeDefined();
    expect(ofType(ev.resources, CONFIG).map((c) => c.name).filter((n) => !n.startsWith("monitoring-"))).toEqual(["sentinel-thresholds-config"]);
    expect(containerSpec("worker").secrets).toEqual([{ secretId: UNKNOWN, secretName: UNKNOWN, fileName: "/app/.env", fileMode: 0o400, fileUid: "1000" }]);
    expect(containerSpec("worker").env).toEqual({ CACHE_URL: "redis://cache:6379/0" });
  });

  test("a secret's name carries a random suffix renewed with its data, never anything computed from the value", () => {
    const secret = named(ev.resources, "worker-dotenv-secretfile");
    const suffix = named(ev.resources, "worker-dotenv-secretfile-suffix");
    expect(suffix.type).toBe("random:index/randomBytes:RandomBytes");
    expect(suffix.inputs.length).toBe(4);
    expect(((suffix.inputs.keepers as Obj).data as Obj)[SECRET_SIG]).toBeDefined();
    expect(secret.propertyDependencies?.name).toEqual([suffix.urn]);
  });
});

test("named volumes are mounted, and no volume resource is created on the manager", () => {
  expect(containerSpec("postgres").mounts).toEqual([{ type: "volume", source: "pgdata", target: "/var/lib/postgresql/data", readOnly: false }]);
  expect(ofType(ev.resources, "docker:index/volume:Volume")).toEqual([]);
});

test("networks are joined by id with the service key as alias", () => {
  const nets = taskSpec("commander").networksAdvanceds as Obj[];
  expect(nets.map((n) => n.aliases)).toEqual([["commander"], ["commander"]]);
  expect(nets.every((n) => n.id !== undefined && n.name === undefined)).toBe(true);
});

test("published ports go through the routing mesh", async () => {
  const e = await evaluateStack({ stack: SWARM_STACK, stackFileText: editSwarm([[["homelab:services", "sentinel", "ports"], ["8001:8000"]]]), projectDir: SWARM_DIR });
  expect(named(e.resources, "sentinel-service").inputs.endpointSpec).toEqual({ ports: [{ targetPort: 8000, publishedPort: 8001, protocol: "tcp", publishMode: "ingress" }] });
  expect(e.outputs.services.sentinel.hostBindings).toEqual(["*:8001->8000/tcp"]);
});

test("outputs name the nodes a service may run on", () => {
  expect(ev.outputs.services.postgres.host).toBe("storage");
  expect(ev.outputs.services.sentinel.host).toBe("manager,storage");
  expect(ev.outputs.services.commander.internalUrl).toBe("http://commander:8000");
});

describe("provider model", () => {
  const change = (before: Obj, after: Obj) => classifyChange(SERVICE, readBack(SERVICE, withProviderDefaults(SERVICE, before)), withProviderDefaults(SERVICE, after));

  test("a new image updates the service in place (a rolling update), replicas too", () => {
    const before = service("commander").inputs as Obj;
    const ts = before.taskSpec as Obj;
    const after = { ...before, taskSpec: { ...ts, containerSpec: { ...(ts.containerSpec as Obj), image: "ghcr.io/pedromiravaz/miravaz-commander:sha-0000000" } } };
    expect(change(before, after)).toMatchObject({ action: "update", changed: ["taskSpec"] });
  });

  test("switching between replicated and global replaces the service", () => {
    const before = service("cache").inputs as Obj;
    expect(change(before, { ...before, mode: { global: true } })).toMatchObject({ action: "replace", replaceReasons: ["mode"] });
  });

  test("the provider's rollout defaults are filled when absent, one-decimal failure ratio read back", () => {
    const filled = withProviderDefaults(SERVICE, { name: "x", taskSpec: { containerSpec: { image: "nginx:1.27.0" } }, updateConfig: {} });
    expect(filled.updateConfig).toEqual({ parallelism: 1, delay: "0s", failureAction: "pause", monitor: "5s", maxFailureRatio: "0.0", order: "stop-first" });
    expect(readBack(SERVICE, { updateConfig: { monitor: "60s", maxFailureRatio: "0.5" } }).updateConfig).toEqual({ monitor: "1m", maxFailureRatio: "0.5" });
  });
});

test("ghcr: the repository secret is written and the manager's provider carries the pull credentials", async () => {
  const text = editSwarm([
    [["homelab:features", "ghcr"], true],
    [["homelab:github"], { owner: "pedromiravaz", ghcrPat: { secure: "v1:AAAAAAAAAAAAAAAA:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB" }, pullUser: "pedromiravaz", pullToken: { secure: "v1:CCCCCCCCCCCCCCCC:DDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD" } }],
    [["homelab:services", "commander", "repo"], "pedromiravaz/miravaz-commander"],
  ]);
  const e = await evaluateStack({ stack: SWARM_STACK, stackFileText: text, projectDir: SWARM_DIR });
  expect(ofType(e.resources, "github:index/actionsSecret:ActionsSecret").map((r) => r.inputs.repository)).toEqual(["miravaz-commander"]);
  const provider = named(e.resources, "manager-docker");
  // The list holds the pull token, so the whole input travels as a secret.
  const wrapped = provider.inputs.registryAuth as Obj;
  expect(wrapped[SECRET_SIG]).toBeDefined();
  const auth = JSON.parse(wrapped.value as string) as { address: string; username: string }[];
  expect(auth.map((a) => [a.address, a.username])).toEqual([["ghcr.io", "pedromiravaz"]]);
});
