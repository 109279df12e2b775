import { decodeConfigValue, engineConfigFromStackFile } from "../../infra/context";
import { loadModel, secretLeafPaths } from "../../infra/load";
import type { HomelabModel } from "../../infra/model";
import { editStack, problemsOf, stackText } from "../support/stacks";

/** Loads a stack file text exactly as the program would, minus decryption. */
function load(stack: string, text: string): HomelabModel {
  const file = `Pulumi.${stack}.yaml`;
  const engine = engineConfigFromStackFile(text, file);
  const values = Object.fromEntries(Object.entries(engine.values).map(([k, v]) => [k, decodeConfigValue(v)]));
  return loadModel({ file, stack, values, secureLeaves: engine.secureLeaves });
}

const problems = (stack: string, edits: Parameters<typeof editStack>[1]): string[] => problemsOf(() => load(stack, editStack(stack, edits)));

describe("the shipped stacks", () => {
  it.each(["dev", "homelab", "prod"])("%s is valid", (stack) => {
    expect(load(stack, stackText(stack)).services.length).toBeGreaterThan(0);
  });
});

describe("schema", () => {
  it("refuses an unknown top-level key instead of ignoring it", () => {
    expect(problems("dev", [[["homelab:servics"], {}]])).toEqual(["Pulumi.dev.yaml: homelab:servics: unknown key (check the spelling; see README)"]);
  });

  it("refuses an unknown key inside a service", () => {
    expect(problems("dev", [[["homelab:services", "sentinel", "imagee"], "x"]])).toEqual([
      "Pulumi.dev.yaml: homelab:services.sentinel.imagee: unknown key (check the spelling; see README)",
    ]);
  });

  it("names the key path of a wrongly typed value", () => {
    const p = problems("prod", [[["homelab:services", "cache", "restart"], "sometimes"]]);
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/^Pulumi\.prod\.yaml: homelab:services\.cache\.restart: /);
  });

  it("lists every problem at once", () => {
    const p = problems("dev", [
      [["homelab:services", "sentinel", "ports"], ["8000-8001:8000"]],
      [["homelab:services", "sentinel", "memory"], "lots"],
      [["homelab:services", "cache", "volumes"], ["./data:/data"]],
      [["homelab:services", "worker", "networks"], ["nowhere"]],
    ]);
    expect(p).toEqual([
      'Pulumi.dev.yaml: homelab:services.sentinel.ports[0]: port ranges are not supported ("8000-8001:8000"): list each port',
      'Pulumi.dev.yaml: homelab:services.sentinel.memory: memory "lots" is not a size such as 512m or 2g',
      'Pulumi.dev.yaml: homelab:services.cache.volumes[0]: host path "./data" is relative: the Docker host may be another machine, so give an absolute path',
      'Pulumi.dev.yaml: homelab:services.worker.networks[0]: unknown network "nowhere" (declared: miravaz-net, backend)',
    ]);
  });
});

describe("cross-field checks", () => {
  it("refuses two services with one container name on a host", () => {
    expect(problems("dev", [[["homelab:services", "sentinel", "containerName"], "commander"]])).toEqual([
      'Pulumi.dev.yaml: homelab:services.sentinel.containerName: container name "commander" is already used by service "commander" on host "laptop"',
    ]);
  });

  it("refuses a service named like a platform container that is switched on", () => {
    expect(problems("dev", [[["homelab:services", "sentinel", "containerName"], "grafana"]])).toEqual([
      'Pulumi.dev.yaml: homelab:services.sentinel.containerName: container name "grafana" is taken by the platform\'s own container; rename the service or set containerName',
    ]);
  });

  it("refuses two services binding one host port", () => {
    expect(problems("dev", [[["homelab:services", "sentinel", "ports"], ["127.0.0.1:8000:8000"]]])).toEqual([
      'Pulumi.dev.yaml: homelab:services.sentinel.ports[0]: host port 127.0.0.1:8000/tcp on host "laptop" is already bound by service "commander"',
    ]);
  });

  it("refuses a specific address after an all-interfaces binding of the same port", () => {
    expect(
      problems("dev", [
        [["homelab:services", "commander", "ports"], ["0.0.0.0:8000:8000"]],
        [["homelab:services", "sentinel", "ports"], ["127.0.0.1:8000:8000"]],
      ]),
    ).toEqual(['Pulumi.dev.yaml: homelab:services.sentinel.ports[0]: host port 127.0.0.1:8000/tcp on host "laptop" is already bound by service "commander"']);
  });

  it("treats all interfaces as overlapping every address", () => {
    expect(problems("dev", [[["homelab:services", "sentinel", "ports"], ["0.0.0.0:8000:8000"]]])).toHaveLength(1);
    expect(() => load("dev", editStack("dev", [[["homelab:services", "sentinel", "ports"], ["127.0.0.1:8000:8000/udp"]]]))).not.toThrow();
  });

  it("finds a depends-on cycle and names it", () => {
    expect(problems("dev", [[["homelab:services", "postgres", "dependsOn"], ["commander"]]])).toEqual([
      "Pulumi.dev.yaml: homelab:services.commander.dependsOn: dependency cycle: commander -> postgres -> commander",
    ]);
  });

  it("refuses an unknown depends-on target and an unknown host", () => {
    expect(
      problems("dev", [
        [["homelab:services", "worker", "dependsOn"], ["cache", "rabbit"]],
        [["homelab:services", "worker", "host"], "nas"],
      ]),
    ).toEqual([
      'Pulumi.dev.yaml: homelab:services.worker.host: unknown host "nas" (declared: laptop)',
      'Pulumi.dev.yaml: homelab:services.worker.dependsOn[1]: unknown service "rabbit"',
    ]);
  });

  it("refuses a secret written in plain text", () => {
    expect(problems("prod", [[["homelab:services", "postgres", "secretEnvironment", "POSTGRES_PASSWORD"], "hunter2"]])).toEqual([
      "Pulumi.prod.yaml: homelab:services.postgres.secretEnvironment.POSTGRES_PASSWORD: must be a secret, not plain text: pulumi config set --secret --path 'homelab:services.postgres.secretEnvironment.POSTGRES_PASSWORD' <value>",
    ]);
  });

  it("refuses a token given in plain text", () => {
    const p = problems("homelab", [[["homelab:cloudflare", "apiToken"], "plain-token"]]);
    expect(p).toEqual([expect.stringMatching(/^Pulumi\.homelab\.yaml: homelab:cloudflare\.apiToken: must be a secret, not plain text/)]);
  });

  it("refuses a secret-looking variable in plain environment", () => {
    expect(problems("dev", [[["homelab:services", "commander", "environment", "API_TOKEN"], "abc"]])).toEqual([
      "Pulumi.dev.yaml: homelab:services.commander.environment.API_TOKEN: looks like a secret (its name says it holds a credential): move it to secretEnvironment with pulumi config set --secret --path 'homelab:services.commander.secretEnvironment.API_TOKEN' <value>, or, if it is not a secret, list it in homelab:services.commander.notSecret",
    ]);
  });

  it("reports a plain-text secret of the wrong type once, as a plain-text secret", () => {
    expect(problems("prod", [[["homelab:services", "postgres", "secretEnvironment", "POSTGRES_PASSWORD"], 1234]])).toEqual([
      "Pulumi.prod.yaml: homelab:services.postgres.secretEnvironment.POSTGRES_PASSWORD: must be a secret, not plain text: pulumi config set --secret --path 'homelab:services.postgres.secretEnvironment.POSTGRES_PASSWORD' <value>",
    ]);
  });

  it("does not let a secret's value into any message", () => {
    const p = problems("prod", [[["homelab:services", "postgres", "secretEnvironment", "POSTGRES_PASSWORD"], "hunter2"]]);
    expect(p.join("\n")).not.toContain("hunter2");
  });

  it("refuses a mounted container path used twice", () => {
    expect(problems("prod", [[["homelab:services", "postgres", "volumes"], ["pgdata:/data", "/srv/x:/data:ro"]]])).toEqual([
      'Pulumi.prod.yaml: homelab:services.postgres.volumes[1]: container path "/data" is mounted twice',
    ]);
  });

  it("requires digests when the stack asks for them", () => {
    const p = problems("prod", [[["homelab:release", "requireDigest"], true]]);
    expect(p).toContain("Pulumi.prod.yaml: homelab:services.postgres.image: this stack requires a digest (image@sha256:...)");
  });
});

describe("defaults", () => {
  it("binds a port with no interface to loopback, not all interfaces", () => {
    const m = load("dev", stackText("dev"));
    const sentinel = m.services.find((s) => s.key === "sentinel")!;
    expect(sentinel.ports).toEqual([{ hostIp: "127.0.0.1", published: 8001, target: 8000, protocol: "tcp" }]);
  });

  it("keeps an interface the config names", () => {
    const m = load("homelab", stackText("homelab"));
    expect(m.services.find((s) => s.key === "sentinel")!.ports[0].hostIp).toBe("192.168.1.20");
  });

  it("takes the profile from the stack name and lets config override it", () => {
    expect(load("prod", stackText("prod")).profile.name).toBe("prod");
    expect(load("prod", editStack("prod", [[["homelab:profile"], "homelab"]])).profile.restart).toBe("unless-stopped");
  });
});

const svc = (m: HomelabModel, key: string): HomelabModel["services"][number] => m.services.find((s) => s.key === key)!;
const loaded = (stack: string, edits: Parameters<typeof editStack>[1]): HomelabModel => load(stack, editStack(stack, edits));

describe("hosts, networks and resource classes", () => {
  it("refuses a host bindAddress that is not an IP address", () => {
    expect(problems("dev", [[["homelab:hosts", "laptop", "bindAddress"], "lan"]])).toEqual(['Pulumi.dev.yaml: homelab:hosts.laptop.bindAddress: "lan" is not an IP address']);
  });

  it("binds a port without an interface to its host's bindAddress", () => {
    const m = loaded("dev", [[["homelab:hosts", "laptop", "bindAddress"], "192.168.1.5"]]);
    expect(m.hosts[0].bindAddress).toBe("192.168.1.5");
    expect(svc(m, "sentinel").ports).toEqual([{ hostIp: "192.168.1.5", published: 8001, target: 8000, protocol: "tcp" }]);
  });

  it("gives a host no ssh options unless it lists some", () => {
    expect(load("dev", stackText("dev")).hosts[0].sshOpts).toStrictEqual([]);
    expect(loaded("dev", [[["homelab:hosts", "laptop", "sshOpts"], ["-i", "/keys/ci"]]]).hosts[0].sshOpts).toStrictEqual(["-i", "/keys/ci"]);
  });

  it("reads a host's memory and refuses a bad one at the host", () => {
    expect(loaded("dev", [[["homelab:hosts", "laptop", "memory"], "2g"]]).hosts[0].memoryMb).toBe(2048);
    expect(problems("dev", [[["homelab:hosts", "laptop", "memory"], "lots"]])).toEqual([
      'Pulumi.dev.yaml: homelab:hosts.laptop.memory: memory "lots" is not a size such as 512m or 2g',
    ]);
  });

  it("asks for at least one host and one network", () => {
    const noHosts = problems("dev", [[["homelab:hosts"], {}]]);
    expect(noHosts[0]).toBe("Pulumi.dev.yaml: homelab:hosts: declare at least one host");
    expect(noHosts[1]).toBe('Pulumi.dev.yaml: homelab:services.commander.host: unknown host "local" (none declared)');
    const noNetworks = problems("dev", [[["homelab:networks"], {}]]);
    expect(noNetworks[0]).toBe("Pulumi.dev.yaml: homelab:networks: declare at least one network");
    // sentinel names no network, so it falls back to the default network's name.
    expect(noNetworks).toContainEqual('Pulumi.dev.yaml: homelab:services.sentinel.networks[0]: unknown network "homelab-net" (none declared)');
  });

  it("leaves a network external unless it says internal", () => {
    const m = load("dev", stackText("dev"));
    expect(m.networks).toEqual([
      { name: "miravaz-net", internal: false, subnet: undefined },
      { name: "backend", internal: true, subnet: undefined },
    ]);
  });

  it("gives a service its resource class's limits where it sets none", () => {
    const m = loaded("dev", [
      [["homelab:resourceClasses"], { small: { memory: "256m", cpus: 0.25 } }],
      [["homelab:services", "worker", "resourceClass"], "small"],
      [["homelab:services", "worker", "memory"], undefined],
    ]);
    expect(svc(m, "worker")).toMatchObject({ memoryMb: 256, cpus: 0.25, resourceClass: "small" });
  });

  it("lets a service's own limits win over its class", () => {
    const m = loaded("dev", [
      [["homelab:resourceClasses"], { small: { memory: "256m", cpus: 0.25 } }],
      [["homelab:services", "commander", "resourceClass"], "small"],
    ]);
    expect(svc(m, "commander")).toMatchObject({ memoryMb: 512, cpus: 0.5 });
  });

  it("refuses a bad memory size at the class, not at the service", () => {
    expect(
      problems("dev", [
        [["homelab:resourceClasses"], { small: { memory: "lots" } }],
        [["homelab:services", "worker", "resourceClass"], "small"],
      ]),
    ).toEqual(['Pulumi.dev.yaml: homelab:resourceClasses.small.memory: memory "lots" is not a size such as 512m or 2g']);
  });

  it("leaves a class without memory without a memory limit", () => {
    const m = loaded("dev", [
      [["homelab:resourceClasses"], { small: { cpus: 0.25 } }],
      [["homelab:services", "worker", "resourceClass"], "small"],
      [["homelab:services", "worker", "memory"], undefined],
    ]);
    expect(svc(m, "worker")).toMatchObject({ memoryMb: undefined, cpus: 0.25 });
  });

  it("refuses an unknown resource class and lists the declared ones", () => {
    expect(
      problems("dev", [
        [["homelab:resourceClasses"], { small: { cpus: 0.25 }, large: { cpus: 2 } }],
        [["homelab:services", "worker", "resourceClass"], "huge"],
      ]),
    ).toEqual(['Pulumi.dev.yaml: homelab:services.worker.resourceClass: unknown resource class "huge" (declared: small, large)']);
    expect(problems("dev", [[["homelab:services", "worker", "resourceClass"], "huge"]])).toEqual([
      'Pulumi.dev.yaml: homelab:services.worker.resourceClass: unknown resource class "huge" (none declared)',
    ]);
  });
});

describe("a normalized service", () => {
  it("fills the defaults a service leaves out", () => {
    const s = svc(load("dev", stackText("dev")), "sentinel");
    expect(s).toMatchObject({
      containerName: "sentinel",
      networks: ["miravaz-net"],
      restart: "unless-stopped",
      cpus: undefined,
      labels: {},
      watchtower: false,
      readOnly: false,
      capAdd: [],
      capDrop: [],
      oneShot: false,
      entrypoint: undefined,
      stopGraceSeconds: 10,
      files: [],
      secretFiles: [],
    });
    expect(load("dev", stackText("dev")).watchtower).toEqual({});
  });

  it("keeps the values a service gives", () => {
    const s = svc(
      loaded("dev", [
        [["homelab:services", "sentinel", "restart"], "on-failure"],
        [["homelab:services", "sentinel", "labels"], { team: "core" }],
        [["homelab:services", "sentinel", "watchtower"], true],
        [["homelab:services", "sentinel", "readOnly"], true],
        [["homelab:services", "sentinel", "capAdd"], ["NET_ADMIN"]],
        [["homelab:services", "sentinel", "capDrop"], ["ALL"]],
        [["homelab:services", "sentinel", "stopGracePeriod"], "1m"],
      ]),
      "sentinel",
    );
    expect(s).toMatchObject({ restart: "on-failure", labels: { team: "core" }, watchtower: true, readOnly: true, capAdd: ["NET_ADMIN"], capDrop: ["ALL"], stopGraceSeconds: 60 });
  });

  it("gives a database image a longer stop grace period", () => {
    expect(svc(load("dev", stackText("dev")), "postgres").stopGraceSeconds).toBe(120);
  });

  it("never restarts a one-shot service", () => {
    const s = svc(loaded("dev", [[["homelab:services", "worker", "oneShot"], true]]), "worker");
    expect(s).toMatchObject({ oneShot: true, restart: "no" });
  });

  it("splits a command or entrypoint string and keeps a list as it is", () => {
    const m = loaded("dev", [
      [["homelab:services", "worker", "command"], ["celery", "-A", "tasks worker"]],
      [["homelab:services", "worker", "entrypoint"], "/bin/sh -c"],
      [["homelab:services", "sentinel", "entrypoint"], ["/init", "--quiet"]],
      [["homelab:services", "postgres", "command"], undefined],
    ]);
    expect(svc(m, "commander").command).toEqual(["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8000", "--reload"]);
    expect(svc(m, "worker")).toMatchObject({ command: ["celery", "-A", "tasks worker"], entrypoint: ["/bin/sh", "-c"] });
    expect(svc(m, "sentinel").entrypoint).toEqual(["/init", "--quiet"]);
    expect(svc(m, "postgres").command).toBeUndefined();
  });

  it("runs a healthcheck string through the shell and a list as given", () => {
    const m = load("dev", stackText("dev"));
    expect(svc(m, "postgres").healthcheck).toEqual({ tests: ["CMD-SHELL", "pg_isready -U commander"], interval: "10s", timeout: undefined, retries: 5, startPeriod: undefined });
    expect(svc(m, "cache").healthcheck?.tests).toEqual(["CMD", "redis-cli", "ping"]);
    expect(svc(m, "worker").healthcheck).toBeUndefined();
  });

  it("reads long-syntax ports and volumes", () => {
    const m = loaded("dev", [
      [["homelab:services", "sentinel", "ports"], [{ target: 8000, published: "8002" }, { target: 53, host_ip: "192.168.1.5", protocol: "udp" }]],
      [["homelab:services", "postgres", "volumes"], [{ type: "volume", source: "pgdata-dev", target: "/var/lib/postgresql/data" }]],
    ]);
    expect(svc(m, "sentinel").ports).toEqual([
      { hostIp: "127.0.0.1", published: 8002, target: 8000, protocol: "tcp" },
      { hostIp: "192.168.1.5", published: undefined, target: 53, protocol: "udp" },
    ]);
    expect(svc(m, "sentinel").listens).toEqual([8000, 53]);
    expect(svc(m, "postgres").volumes).toEqual([{ type: "volume", source: "pgdata-dev", target: "/var/lib/postgresql/data", readOnly: false }]);
    const ro = loaded("dev", [[["homelab:services", "postgres", "volumes"], [{ type: "bind", source: "/srv/pg", target: "/data", read_only: true }]]]);
    expect(svc(ro, "postgres").volumes).toEqual([{ type: "bind", source: "/srv/pg", target: "/data", readOnly: true }]);
  });

  it("lists the ports a service listens on once each", () => {
    const m = loaded("dev", [[["homelab:services", "sentinel", "expose"], [9100, 8000]]]);
    expect(svc(m, "sentinel").listens).toEqual([8000, 9100]);
    // toStrictEqual: toEqual would take [undefined] for [].
    expect(svc(m, "worker").listens).toStrictEqual([]);
  });

  it("scrapes metrics on the service's port at /metrics unless told otherwise", () => {
    const m = loaded("dev", [
      [["homelab:services", "sentinel", "metrics"], { port: 9100, path: "/stats" }],
      [["homelab:services", "postgres", "metrics"], { path: "/pg" }],
      [["homelab:services", "cache", "metrics"], false],
    ]);
    expect(svc(m, "commander").metrics).toEqual({ port: 8000, path: "/metrics" });
    expect(svc(m, "sentinel").metrics).toEqual({ port: 9100, path: "/stats" });
    expect(svc(m, "postgres").metrics).toEqual({ port: 5432, path: "/pg" });
    expect(svc(m, "cache").metrics).toBeUndefined();
    expect(svc(m, "worker").metrics).toBeUndefined();
    expect(svc(load("dev", stackText("dev")), "postgres").metrics).toBeUndefined();
  });

  it("lets a service without a port switch metrics off", () => {
    expect(svc(loaded("dev", [[["homelab:services", "worker", "metrics"], false]]), "worker").metrics).toBeUndefined();
  });

  it("refuses metrics on a service without a port", () => {
    expect(problems("dev", [[["homelab:services", "worker", "metrics"], true]])).toEqual([
      "Pulumi.dev.yaml: homelab:services.worker.metrics: give metrics.port or the service's port: Prometheus needs a port to scrape",
    ]);
    expect(problems("dev", [[["homelab:services", "worker", "metrics"], { path: "/m" }]])).toEqual([
      "Pulumi.dev.yaml: homelab:services.worker.metrics: give metrics.port or the service's port: Prometheus needs a port to scrape",
    ]);
  });

  it("keeps an ingress private and on http unless it says otherwise", () => {
    const m = load("homelab", stackText("homelab"));
    expect(svc(m, "sentinel").ingress).toEqual({ hostname: "sentinel.miravaz.com", port: 8000, public: false, scheme: "http", aliases: [] });
    expect(svc(m, "commander").ingress).toMatchObject({ public: true });
    const https = loaded("homelab", [[["homelab:services", "sentinel", "ingress", "scheme"], "https"]]);
    expect(svc(https, "sentinel").ingress?.scheme).toBe("https");
  });
});

describe("files in a container", () => {
  it("pads a file mode and defaults it by kind", () => {
    const m = loaded("dev", [
      [["homelab:services", "worker", "files"], { conf: { path: "/etc/w.conf", content: "a=1", mode: "644" }, other: { path: "/etc/o.conf", content: "b" } }],
    ]);
    expect(svc(m, "worker").files.map((f) => [f.name, f.mode])).toEqual([
      ["conf", "0644"],
      ["other", "0644"],
    ]);
  });

  it("refuses two files written to one path", () => {
    expect(
      problems("dev", [
        [["homelab:services", "worker", "files"], { a: { path: "/etc/x", content: "1" }, b: { path: "/etc/x", content: "2" } }],
      ]),
    ).toEqual(['Pulumi.dev.yaml: homelab:services.worker.files.b.path: "/etc/x" is already written by files.a']);
  });

  it("pads a secret file's mode and defaults it to owner-only", () => {
    const m = loaded("dev", [
      [["homelab:services", "worker", "secretFiles"], { env: { path: "/run/env", mode: "400", values: { A: { secure: "v1:abc" } } }, other: { path: "/run/other", values: { B: { secure: "v1:def" } } } }],
    ]);
    expect(svc(m, "worker").secretFiles.map((f) => [f.name, f.mode])).toEqual([
      ["env", "0400"],
      ["other", "0600"],
    ]);
  });

  it("refuses a secret file written where a plain file already is", () => {
    expect(
      problems("dev", [
        [["homelab:services", "worker", "files"], { a: { path: "/etc/x", content: "1" } }],
        [["homelab:services", "worker", "secretFiles"], { env: { path: "/etc/x", values: { A: { secure: "v1:abc" } } } }],
      ]),
    ).toEqual(['Pulumi.dev.yaml: homelab:services.worker.secretFiles.env.path: "/etc/x" is already written by files.a']);
  });

  it("refuses a secret file value that spans lines or holds a quote", () => {
    const p = problems("dev", [
      [["homelab:services", "worker", "secretFiles"], { env: { path: "/run/env", values: { A: "x\ny", B: "it's" } } }],
    ]);
    expect(p).toContain("Pulumi.dev.yaml: homelab:services.worker.secretFiles.env.values.A: spans several lines, which one KEY=value line cannot hold");
    expect(p).toContain(
      "Pulumi.dev.yaml: homelab:services.worker.secretFiles.env.values.B: holds a single quote or a backslash, which .env readers unquote differently; choose another value",
    );
  });
});

describe("secret leaves", () => {
  it("finds each secret key path and skips a value that is not a map", () => {
    expect(secretLeafPaths({ services: { api: { secretEnvironment: { TOKEN: "x" } }, web: { secretEnvironment: "oops" } } })).toEqual([
      "homelab:services.api.secretEnvironment.TOKEN",
    ]);
  });

  it("walks no further through null or a list where a map belongs", () => {
    expect(secretLeafPaths({ services: null })).toEqual([]);
    expect(secretLeafPaths({ services: { api: null, web: { secretEnvironment: null } } })).toEqual([]);
    expect(secretLeafPaths({ services: [{ secretEnvironment: { TOKEN: "x" } }] })).toEqual([]);
    expect(secretLeafPaths({ services: { api: { secretEnvironment: ["x"] } } })).toEqual([]);
  });

  it("skips the plain-text check when the stack file could not be read", () => {
    const text = editStack("prod", [[["homelab:services", "postgres", "secretEnvironment", "POSTGRES_PASSWORD"], "hunter2"]]);
    const engine = engineConfigFromStackFile(text, "Pulumi.prod.yaml");
    const values = Object.fromEntries(Object.entries(engine.values).map(([k, v]) => [k, decodeConfigValue(v)]));
    expect(() => loadModel({ file: "Pulumi.prod.yaml", stack: "prod", values, secureLeaves: undefined })).not.toThrow();
  });
});
