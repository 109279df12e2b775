/**
 * The import end to end: compose fixtures for the seeds' systems and
 * real-world-shaped files in, a stack file that the plan's loader accepts
 * and a per-key report out.
 */
import * as fs from "fs";
import * as path from "path";
import * as crypto from "crypto";
import { parse as parseYaml } from "yaml";
import { importCompose } from "../../infra/import";
import { loadStack } from "../../infra/plan/evaluate";
import { CASES, ENV, fixtureFiles, FIXTURES, removeScratch, scratchProject } from "./support";

afterAll(removeScratch);

type Stack = { encryptionsalt?: string; config: Record<string, Record<string, Record<string, unknown>>> };
const readStack = (dir: string, stack: string): Stack => parseYaml(fs.readFileSync(path.join(dir, `Pulumi.${stack}.yaml`), "utf8")) as Stack;
const services = (s: Stack): Record<string, Record<string, unknown>> => s.config["homelab:services"] as Record<string, Record<string, unknown>>;

describe.each(CASES.map((c) => [`${c.name} -> ${c.stack}${c.profiles.length ? ` --profile ${c.profiles.join(",")}` : ""}`, c] as const))("%s", (_label, c) => {
  const dir = scratchProject();
  const result = importCompose({ files: fixtureFiles(c), stack: c.stack, projectDir: dir, env: ENV, profiles: c.profiles });

  it("writes a stack file that the plan's loader accepts with no config error", () => {
    expect(fs.existsSync(result.file)).toBe(true);
    const loaded = loadStack({ stack: c.stack, projectDir: dir });
    const imported = result.report.services.filter((s) => s.status !== "refused").map((s) => s.name);
    expect(imported.length).toBeGreaterThan(1);
    expect(loaded.model.services.map((s) => s.key).sort()).toEqual(imported.sort());
  });

  it("accounts for every key of every service, and writes no secret value", () => {
    const text = fs.readFileSync(result.file, "utf8") + JSON.stringify(result.report);
    for (const secret of ["example-db-password", "example-api-token", "example-tunnel-token", "example-secret-key", "example-cms-db-password", "example-directus-secret", "example-admin-password"]) {
      expect(text).not.toContain(secret);
    }
    for (const s of result.report.services) {
      expect(s.keys.length).toBeGreaterThan(0);
      for (const k of s.keys) expect(["mapped", "changed", "refused"]).toContain(k.status);
    }
  });
});

describe("seed 000: miravaz-net", () => {
  const dir = scratchProject();
  const { report } = importCompose({ files: [path.join(FIXTURES, "seed000", "docker-compose.yml")], stack: "homelab", projectDir: dir, env: ENV });
  const stack = readStack(dir, "homelab");

  it("imports commander and sentinel, and points cloudflared, watchtower and jaeger at the features", () => {
    expect(Object.keys(services(stack))).toEqual(["commander", "sentinel"]);
    const status = Object.fromEntries(report.services.map((s) => [s.name, s.status]));
    expect(status).toEqual({ commander: "changed", sentinel: "changed", jaeger: "refused", cloudflared: "refused", watchtower: "refused" });
    expect(report.services.find((s) => s.name === "cloudflared")?.keys[0].note).toContain("features.tunnel");
    expect(report.services.find((s) => s.name === "watchtower")?.keys[0].note).toContain("features.watchtower");
  });

  it("binds published ports to loopback and says so", () => {
    expect(services(stack).commander.ports).toEqual(["127.0.0.1:8000:8000"]);
    const port = report.services.find((s) => s.name === "commander")?.keys.find((k) => k.key === "ports[0]");
    expect(port).toEqual({ key: "ports[0]", status: "changed", note: expect.stringContaining('"8000:8000" becomes "127.0.0.1:8000:8000"') });
  });

  it("keeps the plain environment, and leaves secrets to pulumi config set --secret", () => {
    expect(services(stack).commander.environment).toEqual({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://jaeger:4317" });
    expect(services(stack).commander.secretEnvironment).toBeUndefined();
    expect(report.secrets.commands).toEqual([
      "pulumi config set --secret --path 'homelab:services.commander.secretEnvironment.DATABASE_URL' --stack homelab",
      "pulumi config set --secret --path 'homelab:services.commander.secretEnvironment.API_TOKEN' --stack homelab",
    ]);
  });

  it("reports :latest images and the policy findings to expect", () => {
    expect(report.services.find((s) => s.name === "sentinel")?.keys.find((k) => k.key === "image")?.note).toContain(":latest");
    expect(report.expectedFindings).toContainEqual({ rule: "require-pinned-images", level: "advisory", service: "sentinel", why: "ghcr.io/pedromiravaz/miravaz-sentinel:latest is not pinned" });
    expect(services(stack).commander.watchtower).toBe(true);
    expect(stack.config["homelab:networks"]).toEqual({ "miravaz-net": {} });
  });
});

describe("seed 001 with its override file", () => {
  const dir = scratchProject();
  const { report } = importCompose({ files: fixtureFiles(CASES[1]), stack: "dev", projectDir: dir, env: ENV });
  const svc = services(readStack(dir, "dev"));

  it("merges the override file and interpolates defaults", () => {
    expect(svc.api.image).toBe("ghcr.io/openmates/api:0.9.2");
    expect(svc.api.environment).toEqual({ ENVIRONMENT: "development", VAULT_ADDR: "http://vault:8200", CMS_URL: "http://cms:8055", CACHE_URL: "redis://cache:6379/1", LOG_LEVEL: "debug" });
    expect(svc.cms.ports).toEqual(["127.0.0.1:8055:8055"]);
    expect(svc.api.command).toEqual(["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8000"]);
  });

  it("maps healthchecks, limits, depends_on and the YAML-anchored celery services", () => {
    expect(svc.api.healthcheck).toEqual({ test: ["CMD", "curl", "-f", "http://localhost:8000/health"], interval: "30s", timeout: "5s", retries: 3, startPeriod: "90s" });
    expect([svc.api.memory, svc.api.cpus, svc["cms-database"].memory]).toEqual(["1024m", 1, "512m"]);
    expect(svc.api.dependsOn).toEqual(["cache", "vault", "cms"]);
    expect(svc["task-worker"].command).toBe("celery -A tasks worker --loglevel=info");
    expect(svc["task-scheduler"].dependsOn).toEqual(["cache", "vault"]);
    expect(svc.cms.volumes).toEqual([`${path.join(FIXTURES, "seed001", "cms", "uploads")}:/directus/uploads`]);
  });

  it("leaves the monitoring services to the monitoring feature", () => {
    const refused = report.services.filter((s) => s.status === "refused").map((s) => s.name);
    expect(refused).toEqual(["prometheus", "grafana", "loki", "promtail", "cadvisor"]);
    expect(report.secrets.paths).toEqual([
      "homelab:services.api.secretEnvironment.SECRET_KEY",
      "homelab:services.cms.secretEnvironment.DB_PASSWORD",
      "homelab:services.cms.secretEnvironment.SECRET",
      "homelab:services.cms-database.secretEnvironment.POSTGRES_PASSWORD",
    ]);
  });
});

describe("real-world shapes", () => {
  const dir = scratchProject();
  const { report } = importCompose({ files: fixtureFiles(CASES[2]), stack: "homelab", projectDir: dir, env: ENV });
  const stack = readStack(dir, "homelab");
  const svc = services(stack);
  const keyOf = (service: string, key: string) => report.services.find((s) => s.name === service)?.keys.find((k) => k.key === key);

  it("applies extends from another file, $$ escapes and ${VAR-default}", () => {
    expect(svc.app).toMatchObject({ user: "1000:1000", readOnly: true, environment: { LOG_FORMAT: "json", TZ: "Europe/Berlin", PUBLIC_URL: "https://app.example.com", PRICE: "$5" } });
    expect(keyOf("app", "extends")?.note).toBe("merged from base (common.yml)");
    expect(report.secrets.paths).toContain("homelab:services.db.secretEnvironment.POSTGRES_PASSWORD");
  });

  it("treats a driver_opts bind volume as its host path, and a GPU reservation as gpus", () => {
    expect(svc.media.volumes).toEqual(["/srv/media:/media"]);
    expect(svc.media.gpus).toBe("all");
    expect(svc.portainer.volumes).toEqual(["/var/run/docker.sock:/var/run/docker.sock", "portainer_data:/data"]);
    expect(report.expectedFindings).toContainEqual({ rule: "no-sensitive-mounts", level: "mandatory", service: "portainer", why: "mounts the Docker socket (/var/run/docker.sock)" });
  });

  it("refuses privileged, host-namespace and host-network services, and services of inactive profiles", () => {
    expect(Object.keys(svc)).toEqual(["app", "db", "portainer", "media", "worker"]);
    expect(keyOf("adminer", "profiles")?.status).toBe("refused");
    expect(keyOf("hostile", "image")?.note).toContain("pid: host");
    expect(keyOf("builder", "profiles")).toEqual({ key: "profiles", status: "refused", note: "profile tools is not active: pass --profile tools to import it" });
    expect(keyOf("app", "stop_grace_period")?.status).toBe("refused");
    expect(keyOf("app", "labels.traefik.http.routers.app.rule")?.status).toBe("refused");
    expect(svc.portainer.networks).toEqual(["realworld_default"]);
    expect(stack.config["homelab:networks"]).toEqual({ realworld_default: {}, "internal-net": { internal: true }, backend: { subnet: "172.30.0.0/16" } });
  });

  it("maps entrypoint, expose, cpus, mem_limit, capabilities, list labels and a shell healthcheck", () => {
    expect(svc.worker).toEqual({
      image: "ghcr.io/example/worker:2.4.1",
      entrypoint: ["/bin/sh", "-c"],
      command: "exec worker --queue default",
      expose: [9000, 9001],
      cpus: 0.25,
      memory: "256m",
      capDrop: ["ALL"],
      capAdd: ["NET_BIND_SERVICE"],
      labels: { "com.example.team": "platform" },
      healthcheck: { test: "curl -f http://localhost:9000/health", interval: "30s" },
      networks: ["internal-net"],
      volumes: ["shared-cache:/cache"],
    });
    expect(keyOf("worker", "hostname")).toEqual({ key: "hostname", status: "mapped", note: "same as the service name, which is already its network alias" });
    expect(report.topLevel).toContainEqual({ key: "volumes.shared-cache", status: "changed", note: "external in Compose: homelab will manage it and keep it on destroy" });
  });
});

describe("secrets encrypted with PULUMI_CONFIG_PASSPHRASE", () => {
  it("writes secure values that Pulumi's passphrase scheme opens, and prints none", () => {
    const dir = scratchProject();
    const { report } = importCompose({ files: [path.join(FIXTURES, "seed000", "docker-compose.yml")], stack: "homelab", projectDir: dir, env: { ...ENV, PULUMI_CONFIG_PASSPHRASE: "test-passphrase" } });
    const stack = readStack(dir, "homelab");
    expect(report.secrets).toEqual({ mode: "encrypted", paths: ["homelab:services.commander.secretEnvironment.DATABASE_URL", "homelab:services.commander.secretEnvironment.API_TOKEN"], commands: [] });
    const [, salt] = stack.encryptionsalt!.split(":");
    const key = crypto.pbkdf2Sync("test-passphrase", Buffer.from(salt, "base64"), 1_000_000, 32, "sha256");
    const open = (v: string): string => {
      const [, nonce, data] = v.split(":");
      const bytes = Buffer.from(data, "base64");
      const d = crypto.createDecipheriv("aes-256-gcm", key, Buffer.from(nonce, "base64"));
      d.setAuthTag(bytes.subarray(bytes.length - 16));
      return Buffer.concat([d.update(bytes.subarray(0, bytes.length - 16)), d.final()]).toString("utf8");
    };
    const env = services(stack).commander.secretEnvironment as Record<string, { secure: string }>;
    expect(open(env.API_TOKEN.secure)).toBe("example-api-token");
    expect(open(env.DATABASE_URL.secure)).toBe("postgres://miravaz:example-db-password@db:5432/miravaz");
    expect(loadStack({ stack: "homelab", projectDir: dir }).model.services[0].secretEnvironment).toEqual({ DATABASE_URL: "[secret]", API_TOKEN: "[secret]" });
  });
});

describe("--profile", () => {
  it("imports the services of an active profile, and still refuses the unsafe ones", () => {
    const dir = scratchProject();
    const { report } = importCompose({ files: fixtureFiles(CASES[3]), stack: "prod", projectDir: dir, env: ENV, profiles: ["debug"] });
    expect(Object.keys(services(readStack(dir, "prod")))).toEqual(["app", "db", "portainer", "adminer", "media", "worker"]);
    const adminer = report.services.find((s) => s.name === "adminer");
    expect(adminer?.keys.find((k) => k.key === "ports[0]")).toEqual({ key: "ports[0]", status: "mapped", note: '"127.0.0.1:8081:8080"' });
    expect(report.services.find((s) => s.name === "debug")?.keys[0].note).toContain("network_mode: host");
  });
});
