import { decodeConfigValue, engineConfigFromStackFile } from "../../infra/context";
import { loadModel } from "../../infra/load";
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
