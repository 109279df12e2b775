import { evaluateStack, SECRET_SIG, type Evaluation, type RecordedResource } from "../../infra/plan/evaluate";
import { CONTAINER, DOCKER_PROVIDER, editStack, IMAGE, named, NETWORK, ofType, VOLUME } from "../support/stacks";

const evaluations = new Map<string, Evaluation>();
beforeAll(async () => {
  for (const stack of ["dev", "homelab", "prod"]) evaluations.set(stack, await evaluateStack({ stack }));
});
const ev = (stack: string): Evaluation => evaluations.get(stack)!;
const input = <T>(r: RecordedResource, key: string): T => r.inputs[key] as T;
type Port = { internal: number; external?: number; ip?: string; protocol?: string };
type NetRef = { name: string; aliases: string[] };

/** The services each shipped stack file declares, with the image it names. */
const SERVICES: Record<string, Record<string, string>> = {
  dev: {
    commander: "ghcr.io/pedromiravaz/miravaz-commander:sha-4f9c2e1",
    sentinel: "ghcr.io/pedromiravaz/miravaz-sentinel:sha-8d21b7a",
    worker: "ghcr.io/pedromiravaz/miravaz-commander:sha-4f9c2e1",
    postgres: "postgres:16.4",
    cache: "docker.dragonflydb.io/dragonflydb/dragonfly:v1.23.2",
  },
  homelab: {
    commander: "ghcr.io/pedromiravaz/miravaz-commander:sha-4f9c2e1",
    sentinel: "ghcr.io/pedromiravaz/miravaz-sentinel:sha-8d21b7a",
  },
  prod: {
    commander: "ghcr.io/pedromiravaz/miravaz-commander:sha-4f9c2e1",
    sentinel: "ghcr.io/pedromiravaz/miravaz-sentinel:sha-8d21b7a",
    worker: "ghcr.io/pedromiravaz/miravaz-commander:sha-4f9c2e1",
    postgres: "postgres:16.4",
    cache: "docker.dragonflydb.io/dragonflydb/dragonfly:v1.23.2",
  },
};
const MONITORING = ["jaeger", "prometheus", "grafana", "loki", "alloy", "cadvisor", "alertmanager"];
/** Every container each stack runs: its services, monitoring, and what the stack file switches on. */
const CONTAINERS: Record<string, string[]> = {
  dev: [...Object.keys(SERVICES.dev), ...MONITORING],
  // homelab and prod back up their data: the restic runner, the container that stops or execs into services, the Pushgateway.
  homelab: [...Object.keys(SERVICES.homelab), ...MONITORING, "watchtower", "cloudflared", "homelab-backup", "homelab-backup-hooks", "pushgateway"],
  prod: [...Object.keys(SERVICES.prod), ...MONITORING, "node-exporter", "cloudflared", "homelab-backup", "homelab-backup-hooks", "pushgateway"],
};
/** Named volumes: the services' own, then monitoring's data, then the backups' (staging, the Pushgateway's state). */
const MONITORING_VOLUMES = ["prometheus-data", "loki-data", "alloy-data", "grafana-data", "alertmanager-data"];
const VOLUMES: Record<string, string[]> = {
  dev: ["pgdata-dev", ...MONITORING_VOLUMES],
  homelab: ["commander-data", ...MONITORING_VOLUMES, "homelab-backup-staging-homelab", "pushgateway-data"],
  // pgdump: postgres dumps into it before each backup.
  prod: ["pgdata", "pgdump", ...MONITORING_VOLUMES, "homelab-backup-staging-prod", "pushgateway-data"],
};
const sorted = (xs: readonly unknown[]): string[] => xs.map(String).sort();

describe.each(["dev", "homelab", "prod"])("%s stack", (stack) => {
  it("creates one image, one container and one component per configured service, parented to it", () => {
    const { resources } = ev(stack);
    for (const [key, image] of Object.entries(SERVICES[stack])) {
      const component = named(resources, key);
      expect(component.type).toBe("homelab:docker:Service");
      for (const child of [`${key}-image`, `${key}-container`]) {
        expect(named(resources, child).parent).toBe(component.urn);
      }
      expect(input(named(resources, `${key}-container`), "name")).toBe(key);
      expect(input(named(resources, `${key}-image`), "name")).toBe(image);
    }
  });

  it("places every Docker resource on its host's explicit provider", () => {
    const { model, resources } = ev(stack);
    const providers = ofType(resources, DOCKER_PROVIDER);
    expect(providers.map((p) => p.name).sort()).toEqual(model.hosts.map((h) => `${h.name}-docker`).sort());
    for (const r of resources.filter((x) => x.type.startsWith("docker:"))) {
      expect(r.provider).toMatch(new RegExp(`::${model.hosts[0].name}-docker::`));
    }
  });

  it("runs exactly the containers the stack file asks for", () => {
    expect(sorted(ofType(ev(stack).resources, CONTAINER).map((c) => c.inputs.name))).toEqual(sorted(CONTAINERS[stack]));
  });

  it("applies the secure container defaults", () => {
    const containers = ofType(ev(stack).resources, CONTAINER);
    expect(containers).toHaveLength(CONTAINERS[stack].length);
    for (const c of containers) {
      expect(input(c, "privileged")).toBe(false);
      expect(input(c, "securityOpts")).toEqual(["no-new-privileges:true"]);
      expect(input(c, "logDriver")).toBe("json-file");
      expect(c.options.deleteBeforeReplace).toBe(true);
      expect((input<NetRef[]>(c, "networksAdvanced") ?? []).length).toBeGreaterThan(0);
    }
  });

  it("never publishes a port on all interfaces", () => {
    const published = ofType(ev(stack).resources, CONTAINER).flatMap((c) => input<Port[]>(c, "ports") ?? []);
    // What each stack file publishes: dev on loopback, homelab one port on the LAN address, prod nothing.
    const expected: Record<string, string[]> = {
      dev: ["127.0.0.1:16686", "127.0.0.1:8000", "127.0.0.1:8001", "127.0.0.1:9090", "127.0.0.1:3001"],
      homelab: ["192.168.1.20:8001"],
      prod: [],
    };
    expect(sorted(published.map((p) => `${p.ip}:${p.external}`))).toEqual(sorted(expected[stack]));
  });

  it("keeps every named volume through destroy", () => {
    const volumes = ofType(ev(stack).resources, VOLUME);
    expect(sorted(volumes.map((v) => v.inputs.name))).toEqual(sorted(VOLUMES[stack]));
    for (const v of volumes) expect(v.options.retainOnDelete).toBe(true);
  });
});

describe("dev", () => {
  it("binds published ports to 127.0.0.1, with or without an interface in config", () => {
    const { resources } = ev("dev");
    expect(input<Port[]>(named(resources, "commander-container"), "ports")).toEqual([{ internal: 8000, external: 8000, ip: "127.0.0.1", protocol: "tcp" }]);
    expect(input<Port[]>(named(resources, "sentinel-container"), "ports")).toEqual([{ internal: 8000, external: 8001, ip: "127.0.0.1", protocol: "tcp" }]);
  });

  it("creates both networks on the laptop, the backend one internal, and joins services by name", () => {
    const { resources } = ev("dev");
    const nets = ofType(resources, NETWORK);
    expect(Object.fromEntries(nets.map((n) => [input(n, "name"), input(n, "internal")]))).toEqual({ "miravaz-net": false, backend: true });
    expect(input<NetRef[]>(named(resources, "commander-container"), "networksAdvanced")).toEqual([
      { name: "miravaz-net", aliases: ["commander"] },
      { name: "backend", aliases: ["commander"] },
    ]);
    expect(input<NetRef[]>(named(resources, "postgres-container"), "networksAdvanced")).toEqual([{ name: "backend", aliases: ["postgres"] }]);
  });

  it("starts a service after what it depends on, and the database after its volume", () => {
    const { resources } = ev("dev");
    const commander = named(resources, "commander-container");
    expect(commander.dependencies).toEqual(expect.arrayContaining([named(resources, "postgres-container").urn, named(resources, "cache-container").urn]));
    const postgres = named(resources, "postgres-container");
    const volume = named(resources, "postgres-pgdata-dev-volume");
    expect(postgres.dependencies).toContain(volume.urn);
    expect(input(postgres, "volumes")).toEqual([{ volumeName: "pgdata-dev", containerPath: "/var/lib/postgresql/data", readOnly: false }]);
    // A depended-on service with a healthcheck is waited for before its dependents start.
    expect(input(postgres, "wait")).toBe(true);
  });

  it("passes secret environment as secrets and plain environment as plain text", () => {
    const envs = input<unknown[]>(named(ev("dev").resources, "commander-container"), "envs");
    expect(envs).toContain("LOG_LEVEL=debug");
    const secret = envs.find((e) => typeof e === "object") as Record<string, unknown>;
    expect(secret[SECRET_SIG]).toBeDefined();
    expect(envs.filter((e) => typeof e === "string" && e.startsWith("DATABASE_PASSWORD"))).toEqual([]);
  });

  it("registers no Cloudflare or GitHub resource and no Watchtower", () => {
    const types = ev("dev").resources.map((r) => r.type);
    expect(types.filter((t) => /cloudflare|github/.test(t))).toEqual([]);
    expect(types).not.toContain("homelab:docker:Watchtower");
  });
});

describe("homelab", () => {
  it("runs on Docker Desktop through its named pipe", () => {
    expect(input(named(ev("homelab").resources, "server-docker"), "host")).toBe("npipe:////./pipe/docker_engine");
  });

  it("keeps sentinel's LAN binding on the address the config names", () => {
    expect(input<Port[]>(named(ev("homelab").resources, "sentinel-container"), "ports")).toEqual([
      { internal: 8000, external: 8001, ip: "192.168.1.20", protocol: "tcp" },
    ]);
  });

  it("puts every service on miravaz-net and opts it in to Watchtower", () => {
    const { resources } = ev("homelab");
    for (const key of ["commander", "sentinel"]) {
      const c = named(resources, `${key}-container`);
      expect(input<NetRef[]>(c, "networksAdvanced").map((n) => n.name)).toEqual(["miravaz-net"]);
      expect(input<{ label: string; value: string }[]>(c, "labels")).toContainEqual({ label: "com.centurylinklabs.watchtower.enable", value: "true" });
    }
  });

  it("runs Watchtower in opt-in mode with the Docker socket mounted read-only", () => {
    const w = named(ev("homelab").resources, "server-watchtower-service-container");
    expect(input<string[]>(w, "command")).toEqual(expect.arrayContaining(["--label-enable", "--interval", "300"]));
    expect(input(w, "volumes")).toEqual([{ hostPath: "/var/run/docker.sock", containerPath: "/var/run/docker.sock", readOnly: true }]);
    expect(input(w, "cpus")).toBe("0.25");
  });

  it("exports container name, internal URL, host bindings and public hostname per service", () => {
    expect(ev("homelab").outputs.services.sentinel).toEqual({
      host: "server",
      containerName: "sentinel",
      image: "ghcr.io/pedromiravaz/miravaz-sentinel:sha-8d21b7a",
      internalUrl: "http://sentinel:8000",
      hostBindings: ["192.168.1.20:8001->8000/tcp"],
      publicHostname: "sentinel.miravaz.com",
    });
  });
});

describe("prod", () => {
  it("reaches the VPS over ssh with the configured options", () => {
    const p = named(ev("prod").resources, "vps-docker");
    expect(input(p, "host")).toBe("ssh://deploy@vps.miravaz.cloud");
    // Providers receive structured settings as JSON text, as the engine passes them.
    expect(JSON.parse(input<string>(p, "sshOpts"))).toEqual(["-o", "StrictHostKeyChecking=yes"]);
  });

  it("publishes no host port at all: the API is public only through the tunnel", () => {
    const containers = ofType(ev("prod").resources, CONTAINER);
    expect(containers).toHaveLength(CONTAINERS.prod.length);
    for (const c of containers) expect(input<Port[]>(c, "ports") ?? []).toEqual([]);
  });

  it("keeps Postgres and the cache on the internal network only", () => {
    const { resources } = ev("prod");
    for (const name of ["postgres", "cache", "worker"]) {
      expect(input<NetRef[]>(named(resources, `${name}-container`), "networksAdvanced").map((n) => n.name)).toEqual(["backend"]);
    }
    expect(input(named(resources, "vps-backend-network"), "internal")).toBe(true);
  });

  it("pins prod's restart policy and leaves Watchtower out", () => {
    const { resources } = ev("prod");
    expect(input(named(resources, "postgres-container"), "restart")).toBe("always");
    expect(resources.map((r) => r.type)).not.toContain("homelab:docker:Watchtower");
  });
});

describe("data survives renames", () => {
  it("keeps the Docker volume name when the service is renamed", async () => {
    const renamed = editStack("prod", [
      [["homelab:services", "db"], { image: "postgres:16.4", containerName: "postgres", port: 5432, volumes: ["pgdata:/var/lib/postgresql/data"], networks: ["backend"] }],
      [["homelab:services", "postgres"], undefined],
      [["homelab:services", "commander", "dependsOn"], ["db", "cache"]],
    ]);
    const { resources } = await evaluateStack({ stack: "prod", stackFileText: renamed });
    const volume = named(resources, "db-pgdata-volume");
    expect(input(volume, "name")).toBe("pgdata");
    expect(volume.options.retainOnDelete).toBe(true);
  });
});

describe("several hosts", () => {
  it("gives each host its own provider, network and services", async () => {
    const text = editStack("prod", [
      [["homelab:hosts", "gpu"], { docker: "ssh://mike@wintermute" }],
      [["homelab:services", "ollama"], { image: "ollama/ollama:0.5.7", port: 11434, host: "gpu", networks: ["miravaz-net"], memory: "8g" }],
    ]);
    const { resources } = await evaluateStack({ stack: "prod", stackFileText: text });
    expect(input(named(resources, "gpu-docker"), "host")).toBe("ssh://mike@wintermute");
    expect(named(resources, "ollama-container").provider).toMatch(/::gpu-docker::/);
    expect(named(resources, "ollama-image").provider).toMatch(/::gpu-docker::/);
    expect(named(resources, "gpu-miravaz-net-network").provider).toMatch(/::gpu-docker::/);
    expect(named(resources, "commander-container").provider).toMatch(/::vps-docker::/);
    expect(resources.map((r) => r.name)).not.toContain("gpu-backend-network");
  });
});

it("reads images by reference, never inventing the id a pull would produce", () => {
  const c = named(ev("prod").resources, "commander-container");
  expect(input(c, "image")).toBe("04da6b54-80e4-46f7-96ec-b56ff0331ba9");
  const images = ofType(ev("prod").resources, IMAGE);
  expect(images).toHaveLength(CONTAINERS.prod.length);
  for (const i of images) expect({ image: i.name, keepLocally: input(i, "keepLocally") }).toEqual({ image: i.name, keepLocally: true });
});

it("gives each host GHCR pull credentials only as a secret", () => {
  const p = named(ev("homelab").resources, "server-docker");
  const auth = p.inputs.registryAuth as Record<string, unknown>;
  expect(auth[SECRET_SIG]).toBeDefined();
  expect(JSON.parse(auth.value as string)).toEqual([{ address: "ghcr.io", username: "pedromiravaz", password: "[secret]" }]);
  expect(named(ev("dev").resources, "laptop-docker").inputs.registryAuth ?? "[]").toBe("[]");
});

it("creates a volume two services share once, and mounts it in both", async () => {
  const text = editStack("prod", [
    [["homelab:services", "backup"], { image: "restic/restic:0.17.3", volumes: ["pgdata:/source:ro"], networks: ["backend"], oneShot: true }],
  ]);
  const { resources } = await evaluateStack({ stack: "prod", stackFileText: text });
  const volumes = ofType(resources, VOLUME).filter((v) => v.inputs.name === "pgdata");
  expect(volumes.map((v) => v.name)).toEqual(["postgres-pgdata-volume"]);
  const backup = named(resources, "backup-container");
  expect(backup.inputs.volumes).toEqual([{ volumeName: "pgdata", containerPath: "/source", readOnly: true }]);
  expect(backup.dependencies).toContain(volumes[0].urn);
  expect(backup.inputs.restart).toBe("no");
  expect(input<{ label: string; value: string }[]>(backup, "labels")).toContainEqual({ label: "homelab.oneshot", value: "true" });
  expect(input<{ label: string; value: string }[]>(named(resources, "postgres-container"), "labels").map((l) => l.label)).not.toContain("homelab.oneshot");
  expect(backup.inputs.mustRun).toBe(false);
});
