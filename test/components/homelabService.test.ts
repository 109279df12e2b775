/**
 * HomelabService built on its own: the container, image and volumes it registers, with the inputs and
 * options the provider and the engine act on, and the URLs and bindings other components read.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { configFileUploads, HomelabService, renderEnvFile, secretFileUploads, type HomelabServiceArgs } from "../../components/homelabService";
import type { Service } from "../../infra/model";
import { inputsOf, named, record, secret, valueOf, type Recording } from "./support";

/** A service with nothing optional set. */
const bare: Service = {
  key: "postgres",
  containerName: "postgres",
  image: "postgres:16.4",
  host: "local",
  networks: [],
  port: undefined,
  listens: [],
  command: undefined,
  entrypoint: undefined,
  environment: {},
  secretEnvironment: {},
  ports: [],
  volumes: [],
  healthcheck: undefined,
  restart: "always",
  memoryMb: undefined,
  cpus: undefined,
  labels: {},
  dependsOn: [],
  ingress: undefined,
  metrics: undefined,
  tracing: false,
  repo: undefined,
  watchtower: false,
  user: undefined,
  readOnly: false,
  capAdd: [],
  capDrop: [],
  oneShot: false,
  gpus: undefined,
  stopGraceSeconds: 120,
  stopSignal: undefined,
  alerts: [],
  resourceClass: undefined,
  files: [],
  secretFiles: [],
};

/** A web service with every option the component reads set. */
const api: Service = {
  ...bare,
  key: "api",
  containerName: "miravaz-api",
  image: "ghcr.io/acme/api:1.4.2",
  networks: ["backend", "frontend"],
  port: 8080,
  listens: [8080],
  command: ["serve", "--port", "8080"],
  entrypoint: ["/usr/bin/tini", "--"],
  environment: { LOG_LEVEL: "debug", OTEL_SERVICE_NAME: "api" },
  secretEnvironment: { DB_PASSWORD: "hunter2" },
  ports: [
    { hostIp: "127.0.0.1", published: 8080, target: 8080, protocol: "tcp" },
    { hostIp: "192.168.1.10", published: undefined, target: 5353, protocol: "udp" },
  ],
  volumes: [
    { type: "volume", source: "api-data", target: "/data", readOnly: false },
    { type: "bind", source: "/srv/api/config", target: "/config", readOnly: true },
    { type: "volume", source: "shared-cache", target: "/cache", readOnly: false },
    { type: "volume", source: "api-data", target: "/snapshot", readOnly: true },
  ],
  healthcheck: { tests: ["CMD", "curl", "-f", "http://localhost:8080/health"], interval: "60s", timeout: "5s", retries: 3, startPeriod: "90s" },
  restart: "unless-stopped",
  memoryMb: 512,
  cpus: 1,
  labels: { "com.acme.team": "platform" },
  ingress: { hostname: "api.example.net", port: 8080, public: false, scheme: "http", aliases: [] },
  watchtower: true,
  user: "1000:1000",
  readOnly: true,
  capAdd: ["NET_BIND_SERVICE"],
  capDrop: ["ALL"],
  gpus: "all",
  stopGraceSeconds: 30,
  stopSignal: "SIGTERM",
  files: [{ name: "app", path: "/etc/api/app.conf", content: "workers = 4\n", mode: "0640", owner: "app", group: "staff" }],
  secretFiles: [{ name: "env", path: "/run/secrets/api.env", mode: "0600", owner: "1000", group: undefined, values: { API_KEY: "k3y", GREETING: "hello $USER # hi" } }],
};

type Built = { api: HomelabService; shared: docker.Volume; db: docker.Container };

/** `api` with its platform additions, beside a shared volume and a container it starts after. */
function buildApi(): Built {
  const provider = new docker.Provider("local-docker", {});
  const shared = new docker.Volume("shared-cache", { name: "shared-cache" }, { provider });
  const db = new docker.Container("db-container", { name: "db", image: "postgres:16.4" }, { provider });
  const args: HomelabServiceArgs = {
    service: api,
    stack: "prod",
    provider,
    networks: { backend: "homelab-backend", frontend: "homelab-frontend", monitoring: "homelab-monitoring" },
    extraEnvironment: { OTEL_SERVICE_NAME: "platform-default", OTEL_EXPORTER_OTLP_ENDPOINT: "http://alloy:4317" },
    extraSecretEnvironment: { DB_PASSWORD: "platform-password", GRAFANA_TOKEN: "glsa_t0k" },
    sharedVolumes: { "shared-cache": shared },
    uploads: [{ file: "/etc/api/extra.txt", content: "extra\n" }],
    after: [db],
    waitHealthy: true,
    logMaxSize: "20m",
    logMaxFiles: 5,
  };
  return { api: new HomelabService("api", args), shared, db };
}

const URN = {
  api: "urn:pulumi:unit::homelab::pulumi:pulumi:Stack$homelab:docker:Service::api",
  image: "urn:pulumi:unit::homelab::homelab:docker:Service$docker:index/remoteImage:RemoteImage::api-image",
  volume: "urn:pulumi:unit::homelab::homelab:docker:Service$docker:index/volume:Volume::api-api-data-volume",
  shared: "urn:pulumi:unit::homelab::pulumi:pulumi:Stack$docker:index/volume:Volume::shared-cache",
  db: "urn:pulumi:unit::homelab::pulumi:pulumi:Stack$docker:index/container:Container::db-container",
};
const PROVIDER = /^urn:pulumi:unit::homelab::pulumi:pulumi:Stack\$pulumi:providers:docker::local-docker::/;

describe("a web service with every option set", () => {
  let rec: Recording<Built>;
  beforeAll(async () => {
    rec = await record(buildApi);
  });
  const container = (): Readonly<Record<string, unknown>> => inputsOf(rec.resources, "api-container");

  it("registers the component with its image, its own volume and its container as children, on the host's provider", () => {
    const mine = rec.resources.filter((r) => r.parent === URN.api);
    expect(named(rec.resources, "api").type).toBe("homelab:docker:Service");
    expect(mine.map((r) => [r.type, r.name])).toEqual([
      ["docker:index/remoteImage:RemoteImage", "api-image"],
      ["docker:index/volume:Volume", "api-api-data-volume"],
      ["docker:index/container:Container", "api-container"],
    ]);
    for (const r of mine) expect(r.provider).toMatch(PROVIDER);
  });

  it("pulls the image by its reference and keeps it on the host when deleted", () => {
    expect(inputsOf(rec.resources, "api-image")).toEqual({ name: "ghcr.io/acme/api:1.4.2", keepLocally: true });
  });

  it("creates the named volume once, labelled with the stack, kept on delete and never replaced for its labels", () => {
    const volume = named(rec.resources, "api-api-data-volume");
    expect(volume.inputs).toEqual({ name: "api-data", labels: [{ label: "homelab.stack", value: "prod" }] });
    expect(volume.options).toEqual({ protect: false, retainOnDelete: true, deleteBeforeReplace: false, ignoreChanges: ["labels"], replaceOnChanges: [] });
    expect(Object.keys(rec.result.api.volumes)).toEqual(["api-data"]);
    expect(rec.result.api.volumes["api-data"]).toBeInstanceOf(docker.Volume);
  });

  it("names the container and runs the image by its id, with the command and entrypoint", () => {
    expect(container()).toMatchObject({
      name: "miravaz-api",
      image: "id-of-api-image",
      command: ["serve", "--port", "8080"],
      entrypoints: ["/usr/bin/tini", "--"],
      restart: "unless-stopped",
      mustRun: true,
    });
    expect(named(rec.resources, "api-container").propertyDependencies?.image).toEqual([URN.image]);
  });

  it("passes the platform's environment under the service's own, and secrets as secrets", () => {
    expect(container().envs).toEqual([
      "OTEL_SERVICE_NAME=api",
      "OTEL_EXPORTER_OTLP_ENDPOINT=http://alloy:4317",
      "LOG_LEVEL=debug",
      secret("DB_PASSWORD=hunter2"),
      secret("GRAFANA_TOKEN=glsa_t0k"),
    ]);
  });

  it("publishes ports on the interface the config names, leaving an unpublished one to Docker", () => {
    expect(container().ports).toEqual([
      { internal: 8080, external: 8080, ip: "127.0.0.1", protocol: "tcp" },
      { internal: 5353, ip: "192.168.1.10", protocol: "udp" },
    ]);
    expect(rec.result.api.hostBindings).toEqual(["127.0.0.1:8080->8080/tcp", "192.168.1.10:random->5353/udp"]);
  });

  it("joins each of its networks by Docker name, reachable by its key", () => {
    expect(container().networksAdvanced).toEqual([
      { name: "homelab-backend", aliases: ["api"] },
      { name: "homelab-frontend", aliases: ["api"] },
    ]);
  });

  it("mounts its own volume, the bind and the shared volume, the shared one by that volume's name", () => {
    expect(container().volumes).toEqual([
      { volumeName: "api-data", containerPath: "/data", readOnly: false },
      { hostPath: "/srv/api/config", containerPath: "/config", readOnly: true },
      { volumeName: "shared-cache", containerPath: "/cache", readOnly: false },
      { volumeName: "api-data", containerPath: "/snapshot", readOnly: true },
    ]);
    expect(named(rec.resources, "api-container").propertyDependencies?.volumes).toEqual([URN.volume, URN.shared].sort());
  });

  it("limits memory without extra swap and CPUs in the form the provider reads back", () => {
    expect(container()).toMatchObject({ memory: 512, memorySwap: 512, cpus: "1.0", gpus: "all" });
  });

  it("drops privileges: no new privileges, not privileged, the configured user, capabilities and read-only root", () => {
    expect(container()).toMatchObject({
      privileged: false,
      securityOpts: ["no-new-privileges:true"],
      user: "1000:1000",
      readOnly: true,
      capabilities: { adds: ["NET_BIND_SERVICE"], drops: ["ALL"] },
    });
  });

  it("sends the healthcheck durations as the provider reads them back, and waits for it on create", () => {
    expect(container().healthcheck).toEqual({
      tests: ["CMD", "curl", "-f", "http://localhost:8080/health"],
      interval: "1m0s",
      timeout: "5s",
      retries: 3,
      startPeriod: "1m30s",
    });
    expect(container().wait).toBe(true);
  });

  it("stops with the grace period and signal, on delete and on the daemon's own stops", () => {
    expect(container()).toMatchObject({ destroyGraceSeconds: 30, stopTimeout: 30, stopSignal: "SIGTERM" });
  });

  it("labels the container with its own labels, the stack, the service and its Watchtower opt-in", () => {
    expect(container().labels).toEqual([
      { label: "com.acme.team", value: "platform" },
      { label: "homelab.stack", value: "prod" },
      { label: "homelab.service", value: "api" },
      { label: "com.centurylinklabs.watchtower.enable", value: "true" },
    ]);
  });

  it("rotates its json-file logs", () => {
    expect(container()).toMatchObject({ logDriver: "json-file", logOpts: { "max-size": "20m", "max-file": "5" } });
  });

  it("uploads the given files, then its config files, then its secret files with the whole content secret", () => {
    expect(container().uploads).toEqual([
      { file: "/etc/api/extra.txt", content: "extra\n" },
      { file: "/etc/api/app.conf", content: "workers = 4\n", permissions: "0640", owner: "app", group: "staff" },
      { file: "/run/secrets/api.env", content: secret("API_KEY='k3y'\nGREETING='hello $USER # hi'\n"), permissions: "0600", owner: "1000" },
    ]);
  });

  it("replaces the container by deleting it first, and for a healthcheck change", () => {
    expect(named(rec.resources, "api-container").options).toEqual({
      protect: false,
      retainOnDelete: false,
      deleteBeforeReplace: true,
      ignoreChanges: [],
      replaceOnChanges: ["healthcheck"],
    });
  });

  it("starts after the containers it depends on, its volumes and its image", () => {
    expect([...named(rec.resources, "api-container").dependencies].sort()).toEqual([URN.db, URN.volume, URN.shared, URN.image].sort());
  });

  it("gives other services an http URL on its container name", () => {
    expect(rec.result.api.containerName).toBe("miravaz-api");
    expect(rec.result.api.internalUrl).toBe("http://miravaz-api:8080");
  });

  it("registers its container name, URL, bindings and image as the component's outputs", () => {
    expect(rec.outputs.get("api")).toEqual({
      containerName: "miravaz-api",
      internalUrl: "http://miravaz-api:8080",
      hostBindings: ["127.0.0.1:8080->8080/tcp", "192.168.1.10:random->5353/udp"],
      image: "ghcr.io/acme/api:1.4.2",
    });
  });
});

describe("services with the defaults", () => {
  let rec: Recording<Record<string, HomelabService>>;
  beforeAll(async () => {
    rec = await record(() => {
      const provider = new docker.Provider("local-docker", {});
      const common = { stack: "dev", provider, networks: { default: "homelab-net" }, logMaxSize: "10m", logMaxFiles: 3 };
      const make = (service: Service, extra: Partial<HomelabServiceArgs> = {}): HomelabService =>
        new HomelabService(service.key, { ...common, service, ...extra });
      return {
        postgres: make({ ...bare, port: 5432, listens: [5432] }),
        migrate: make({ ...bare, key: "migrate", containerName: "migrate", image: "ghcr.io/acme/migrate:2", oneShot: true, restart: "no" }),
        exporter: make({ ...bare, key: "exporter", containerName: "exporter", image: "ghcr.io/acme/exporter:1", port: 9100, metrics: { port: 9100, path: "/metrics" } }),
        traced: make({ ...bare, key: "traced", containerName: "traced", image: "ghcr.io/acme/traced:1", port: 3000, tracing: true }),
        // waitHealthy without a healthcheck, and a healthcheck without waitHealthy: neither waits.
        nocheck: make({ ...bare, key: "nocheck", containerName: "nocheck", image: "ghcr.io/acme/nocheck:1" }, { waitHealthy: true }),
        checked: make(
          { ...bare, key: "checked", containerName: "checked", image: "ghcr.io/acme/checked:1", healthcheck: { tests: ["CMD", "true"], interval: undefined, timeout: undefined, retries: undefined, startPeriod: undefined } },
          { waitHealthy: false },
        ),
        dropper: make({ ...bare, key: "dropper", containerName: "dropper", image: "ghcr.io/acme/dropper:1", capDrop: ["NET_RAW"], cpus: 0.5 }),
        adder: make({ ...bare, key: "adder", containerName: "adder", image: "ghcr.io/acme/adder:1", capAdd: ["SYS_TIME"] }),
      };
    });
  });
  const container = (key: string): Readonly<Record<string, unknown>> => inputsOf(rec.resources, `${key}-container`);

  it("sets nothing the service does not ask for", () => {
    expect(container("postgres")).toEqual({
      name: "postgres",
      image: "id-of-postgres-image",
      envs: [],
      restart: "always",
      mustRun: true,
      privileged: false,
      readOnly: false,
      securityOpts: ["no-new-privileges:true"],
      destroyGraceSeconds: 120,
      stopTimeout: 120,
      ports: [],
      networksAdvanced: [],
      volumes: [],
      labels: [
        { label: "homelab.stack", value: "dev" },
        { label: "homelab.service", value: "postgres" },
        { label: "com.centurylinklabs.watchtower.enable", value: "false" },
      ],
      logDriver: "json-file",
      logOpts: { "max-size": "10m", "max-file": "3" },
    });
    expect(rec.resources.filter((r) => r.type === "docker:index/volume:Volume")).toEqual([]);
  });

  it("depends on its image alone", () => {
    expect(named(rec.resources, "postgres-container").dependencies).toEqual([
      "urn:pulumi:unit::homelab::homelab:docker:Service$docker:index/remoteImage:RemoteImage::postgres-image",
    ]);
  });

  it("gives a service not known to speak HTTP a tcp URL, and one without a port none", () => {
    expect(rec.result.postgres.internalUrl).toBe("tcp://postgres:5432");
    expect(rec.result.migrate.internalUrl).toBeUndefined();
    expect(rec.outputs.get("migrate")).toEqual({ containerName: "migrate", hostBindings: [], image: "ghcr.io/acme/migrate:2" });
  });

  it("gives a service with metrics or tracing an http URL", () => {
    expect(rec.result.exporter.internalUrl).toBe("http://exporter:9100");
    expect(rec.result.traced.internalUrl).toBe("http://traced:3000");
  });

  it("lets a one-shot job exit for good, labelled as intended", () => {
    expect(container("migrate")).toMatchObject({ mustRun: false, restart: "no" });
    expect(container("migrate").labels).toEqual([
      { label: "homelab.stack", value: "dev" },
      { label: "homelab.service", value: "migrate" },
      { label: "com.centurylinklabs.watchtower.enable", value: "false" },
      { label: "homelab.oneshot", value: "true" },
    ]);
  });

  it("waits on create only for a healthcheck it was asked to wait for", () => {
    expect(container("nocheck")).not.toHaveProperty("wait");
    expect(container("checked")).not.toHaveProperty("wait");
  });

  it("sends only the healthcheck fields the service sets", () => {
    expect(container("checked").healthcheck).toEqual({ tests: ["CMD", "true"] });
    expect(container("postgres")).not.toHaveProperty("healthcheck");
  });

  it("sets capabilities when the service only drops or only adds some", () => {
    expect(container("dropper").capabilities).toEqual({ adds: [], drops: ["NET_RAW"] });
    expect(container("adder").capabilities).toEqual({ adds: ["SYS_TIME"], drops: [] });
  });

  it("writes a fractional CPU limit as the provider reads it back", () => {
    expect(container("dropper").cpus).toBe("0.5");
  });
});

describe("renderEnvFile", () => {
  it("writes one single-quoted KEY='value' line per value, in order", async () => {
    expect(await valueOf(renderEnvFile({ B_KEY: "two words", A_KEY: "$HOME#x", EMPTY: "" }))).toBe("B_KEY='two words'\nA_KEY='$HOME#x'\nEMPTY=''\n");
  });

  it("writes nothing for no values", async () => {
    expect(await valueOf(renderEnvFile({}))).toBe("");
  });

  it("takes values that are outputs, keeping them secret", async () => {
    const out = renderEnvFile({ TOKEN: pulumi.secret("s3cret") });
    expect(await valueOf(out)).toBe("TOKEN='s3cret'\n");
    expect(await pulumi.isSecret(out)).toBe(true);
  });
});

describe("file uploads of a service", () => {
  it("uploads each config file with its mode and owner", () => {
    expect(configFileUploads(api)).toEqual([{ file: "/etc/api/app.conf", content: "workers = 4\n", permissions: "0640", owner: "app", group: "staff" }]);
  });

  it("uploads each secret file rendered and secret as a whole", async () => {
    const [upload, ...rest] = secretFileUploads(api);
    expect(rest).toEqual([]);
    expect(upload).toMatchObject({ file: "/run/secrets/api.env", permissions: "0600", owner: "1000", group: undefined });
    const content = upload.content as pulumi.Output<string>;
    expect(await pulumi.isSecret(content)).toBe(true);
    expect(await valueOf(content)).toBe("API_KEY='k3y'\nGREETING='hello $USER # hi'\n");
  });
});
