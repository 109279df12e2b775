/**
 * examples/openmates (seed 001): dev publishes api, cms and grafana on
 * loopback; prod publishes only the api, through the tunnel; the seed's
 * internal services and one-shot setup jobs exist in both.
 */
import { container, containers, decryptedSecrets, dependsOnContainers, list, planExample, projectFile, stackOf, type ExampleRun } from "./support";

jest.setTimeout(120_000);

let run: ExampleRun;
beforeAll(async () => {
  run = await planExample("openmates");
});

const SEED_SERVICES = ["api", "cms", "cms-database", "cache", "vault", "task-worker", "task-scheduler", "vault-setup", "cms-setup"];
const MONITORING = ["prometheus", "grafana", "loki", "alloy", "cadvisor"];

test("plans clean: exit 0, both stacks, no mandatory violation", () => {
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  expect(run.stacks.map((s) => s.stack)).toEqual(["dev", "prod"]);
  for (const s of run.stacks) expect(s.violations.filter((v) => v.level === "mandatory")).toEqual([]);
});

test.each(["dev", "prod"])("%s runs every service of the seed and the monitoring stack", (stack) => {
  const names = [...containers(stackOf(run, stack)).keys()];
  expect(names).toEqual(expect.arrayContaining([...SEED_SERVICES, ...MONITORING]));
});

test("dev publishes exactly api, cms and grafana, each on loopback", () => {
  const ports = stackOf(run, "dev").endpoints.filter((e) => e.kind === "hostPort");
  expect(ports.map((e) => (e.kind === "hostPort" ? `${e.interface}:${e.hostPort}->${e.container}:${e.containerPort}` : "")).sort()).toEqual([
    "127.0.0.1:3001->grafana:3000",
    "127.0.0.1:8000->api:8000",
    "127.0.0.1:8055->cms:8055",
  ]);
  expect(stackOf(run, "dev").endpoints.filter((e) => e.kind === "tunnel")).toEqual([]);
});

test("prod publishes only the api, through the tunnel, and no host port at all", () => {
  const prod = stackOf(run, "prod");
  expect(prod.endpoints.filter((e) => e.kind === "hostPort")).toEqual([]);
  const tunnel = prod.endpoints.filter((e) => e.kind === "tunnel");
  expect(tunnel).toHaveLength(1);
  expect(tunnel[0]).toMatchObject({ hostname: "api.openmates.example", access: "public", container: "api", port: 8000 });
});

test("prod keeps the database, cache and vault on the internal network only", () => {
  const prod = stackOf(run, "prod");
  for (const name of ["cms-database", "cache", "vault"]) {
    expect(list(container(prod, name).inputs["networksAdvanced"]).map((n) => n["name"])).toEqual(["backend"]);
  }
  const backend = prod.resources.find((r) => r.type === "docker:index/network:Network" && r.inputs["name"] === "backend");
  expect(backend?.inputs["internal"]).toBe(true);
});

test("the setup jobs run once, after what they set up", () => {
  const dev = stackOf(run, "dev");
  for (const job of ["vault-setup", "cms-setup"]) {
    const c = container(dev, job);
    expect(c.inputs["restart"]).toBe("no");
    expect(c.inputs["mustRun"]).toBe(false);
  }
  expect(dependsOnContainers(dev, "vault-setup")).toEqual(["vault"]);
  expect(dependsOnContainers(dev, "cms-setup")).toEqual(["cms"]);
  expect(dependsOnContainers(dev, "api")).toEqual(["cache", "cms", "vault"]);
});

test("Pulumi.yaml points at the shared program and keeps its own state", () => {
  const p = projectFile("openmates");
  expect(p["name"]).toBe("homelab");
  expect(p["main"]).toBe("../../infra/");
  expect((p["backend"] as { url: string }).url).not.toBe("file://~/.pulumi-homelab");
});

test("its example secrets open with the documented passphrase and never reach the plan", () => {
  const plaintexts = [...decryptedSecrets("openmates", "dev"), ...decryptedSecrets("openmates", "prod")];
  expect(plaintexts).toContain("dev-directus-db-password");
  const text = JSON.stringify(run.stacks);
  for (const p of plaintexts) expect(text).not.toContain(p);
});
