/**
 * examples/millyweb (seed 002): Traefik behind the tunnel routing every
 * hostname, the seed's startup dependency graph with health checks, its
 * resource classes, Ollama on a GPU, maintained replacements for archived
 * upstreams.
 */
import { parse as parseYaml } from "yaml";
import { container, containers, dependsOnContainers, list, planExample, stackOf, type ExampleRun } from "./support";

jest.setTimeout(120_000);

let run: ExampleRun;
beforeAll(async () => {
  run = await planExample("millyweb");
});
const plan = () => stackOf(run, "homelab");

test("plans clean, with every service of the seed", () => {
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  expect(plan().violations.filter((v) => v.level === "mandatory")).toEqual([]);
  expect([...containers(plan()).keys()]).toEqual(
    expect.arrayContaining(["traefik", "postgres", "minio", "ollama", "open-webui", "langgraph-app", "langfuse-web", "langfuse-worker", "portainer", "filebrowser", "n8n", "grafana", "cadvisor"]),
  );
});

test("every application hostname goes through the tunnel to Traefik, behind Access; no host port", () => {
  const endpoints = plan().endpoints;
  expect(endpoints.filter((e) => e.kind === "hostPort")).toEqual([]);
  const tunnel = endpoints.filter((e) => e.kind === "tunnel");
  const toTraefik = tunnel.filter((e) => e.kind === "tunnel" && e.container === "traefik").map((e) => (e.kind === "tunnel" ? e.hostname : ""));
  expect(toTraefik.sort()).toEqual(["api", "chat", "files", "hub", "langfuse", "n8n", "portainer"].map((h) => `${h}.millyweb.example`));
  expect(tunnel.every((e) => e.kind === "tunnel" && e.access === "access" && e.dns)).toBe(true);
});

test("Traefik routes each of those hostnames to its service, rate-limited per visitor", () => {
  const uploads = list(container(plan(), "traefik").inputs["uploads"]);
  const dynamic = parseYaml(String(uploads.find((u) => u["file"] === "/etc/traefik/dynamic.yml")?.["content"])) as {
    http: { routers: Record<string, { rule: string; service: string }>; services: Record<string, { loadBalancer: { servers: { url: string }[] } }>; middlewares: Record<string, { rateLimit?: { sourceCriterion: { requestHeaderName: string } } }> };
  };
  const routes = Object.values(dynamic.http.routers).map((r) => `${/Host\(`([^`]+)`\)/.exec(r.rule)?.[1]} -> ${dynamic.http.services[r.service].loadBalancer.servers[0].url}`);
  expect(routes.sort()).toEqual([
    "api.millyweb.example -> http://langgraph-app:8000",
    "chat.millyweb.example -> http://open-webui:8080",
    "files.millyweb.example -> http://filebrowser:80",
    "hub.millyweb.example -> http://hub:80",
    "langfuse.millyweb.example -> http://langfuse-web:3000",
    "n8n.millyweb.example -> http://n8n:5678",
    "portainer.millyweb.example -> http://portainer:9000",
  ]);
  expect(dynamic.http.middlewares["rate-limit"].rateLimit?.sourceCriterion.requestHeaderName).toBe("Cf-Connecting-Ip");
});

test("the seed's startup graph: each layer starts after the healthy one before it", () => {
  const p = plan();
  const graph: Record<string, string[]> = {
    traefik: [],
    postgres: ["traefik"],
    minio: ["traefik"],
    ollama: ["postgres", "traefik"],
    "langgraph-app": ["minio", "ollama", "postgres", "traefik"],
    "langfuse-web": ["clickhouse", "langfuse-redis", "minio", "postgres", "traefik"],
    hub: ["langgraph-app", "traefik"],
    n8n: ["langgraph-app", "traefik"],
  };
  for (const [svc, deps] of Object.entries(graph)) expect([svc, dependsOnContainers(p, svc)]).toEqual([svc, deps]);
  // What others wait for has a health check and is waited on until healthy.
  for (const dep of ["traefik", "postgres", "minio", "ollama", "langgraph-app", "clickhouse", "langfuse-redis"]) {
    const c = container(p, dep);
    expect([dep, (c.inputs["healthcheck"] as { tests?: string[] } | undefined)?.tests?.length ?? 0]).not.toEqual([dep, 0]);
    expect([dep, c.inputs["wait"]]).toEqual([dep, true]);
  }
});

test("resource classes: web 0.5 CPU / 512M, databases 2 CPU / 2G, AI 4 CPU / 8G", () => {
  const limits = (name: string): [string, unknown, unknown] => {
    const c = container(plan(), name);
    return [name, c.inputs["cpus"], c.inputs["memory"]];
  };
  for (const n of ["traefik", "open-webui", "portainer", "filebrowser", "n8n", "hub"]) expect(limits(n)).toEqual([n, "0.5", 512]);
  // Sent as the provider reads cpus back (nanoInt64ToDecimalString: 2 CPUs are "2.0").
  for (const n of ["postgres", "minio", "clickhouse", "langfuse-redis"]) expect(limits(n)).toEqual([n, "2.0", 2048]);
  for (const n of ["ollama", "langgraph-app"]) expect(limits(n)).toEqual([n, "4.0", 8192]);
});

test("Ollama gets the GPU; the data services sit on the internal network only", () => {
  expect(container(plan(), "ollama").inputs["gpus"]).toBe("all");
  for (const name of ["postgres", "minio", "clickhouse", "langfuse-redis"]) {
    expect([name, list(container(plan(), name).inputs["networksAdvanced"]).map((n) => n["name"])]).toEqual([name, ["data"]]);
  }
});

test("images: pgvector, and maintained forks where the seed's upstream is archived", () => {
  const images = plan()
    .resources.filter((r) => r.type === "docker:index/remoteImage:RemoteImage")
    .map((r) => String(r.inputs["name"]));
  expect(images).toEqual(expect.arrayContaining(["pgvector/pgvector:0.8.1-pg17", "pgsty/silo:RELEASE.2026-08-06T00-00-00Z", "ghcr.io/gtsteffaniak/filebrowser:v1.5.3-stable"]));
  expect(images.filter((i) => /^(minio\/minio|quay\.io\/minio\/minio|filebrowser\/filebrowser)[:@]/.test(i))).toEqual([]);
});
