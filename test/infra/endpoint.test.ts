/**
 * A host's Docker endpoint in CI and elsewhere: `ciDocker` is used only when
 * HOMELAB_DOCKER_ENDPOINT=ci, validated as a network endpoint, and the
 * shipped homelab stack's provider points at it in CI.
 */
import { dockerEndpoint } from "../../infra/endpoint";
import { evaluateStack } from "../../infra/plan/evaluate";
import { editStack, named, problemsOf } from "../support/stacks";

describe("dockerEndpoint", () => {
  const server = { docker: "npipe:////./pipe/docker_engine", ciDocker: "ssh://pedro@homelab-server" };

  it("uses ciDocker in CI mode and docker otherwise", () => {
    expect(dockerEndpoint(server, { HOMELAB_DOCKER_ENDPOINT: "ci" })).toBe("ssh://pedro@homelab-server");
    expect(dockerEndpoint(server, {})).toBe("npipe:////./pipe/docker_engine");
    expect(dockerEndpoint(server, { HOMELAB_DOCKER_ENDPOINT: "local" })).toBe("npipe:////./pipe/docker_engine");
  });

  it("keeps docker in CI mode when there is no ciDocker, and leaves an unset endpoint to DOCKER_HOST", () => {
    expect(dockerEndpoint({ docker: "ssh://deploy@vps.miravaz.cloud", ciDocker: undefined }, { HOMELAB_DOCKER_ENDPOINT: "ci" })).toBe("ssh://deploy@vps.miravaz.cloud");
    expect(dockerEndpoint({ docker: undefined, ciDocker: undefined }, { HOMELAB_DOCKER_ENDPOINT: "ci" })).toBeUndefined();
  });
});

describe("the shipped homelab stack", () => {
  const withEnv = async <T>(value: string | undefined, fn: () => Promise<T>): Promise<T> => {
    const before = process.env.HOMELAB_DOCKER_ENDPOINT;
    if (value === undefined) delete process.env.HOMELAB_DOCKER_ENDPOINT;
    else process.env.HOMELAB_DOCKER_ENDPOINT = value;
    try {
      return await fn();
    } finally {
      if (before === undefined) delete process.env.HOMELAB_DOCKER_ENDPOINT;
      else process.env.HOMELAB_DOCKER_ENDPOINT = before;
    }
  };

  it("reaches the server over the tailnet in CI and through Docker Desktop's pipe on the server", async () => {
    const ci = await withEnv("ci", () => evaluateStack({ stack: "homelab" }));
    expect(named(ci.resources, "server-docker").inputs.host).toBe("ssh://pedro@homelab-server");
    const local = await withEnv(undefined, () => evaluateStack({ stack: "homelab" }));
    expect(named(local.resources, "server-docker").inputs.host).toBe("npipe:////./pipe/docker_engine");
  });

  it("refuses a ciDocker endpoint a runner cannot reach", () => {
    const text = editStack("homelab", [[["homelab:hosts", "server", "ciDocker"], "npipe:////./pipe/docker_engine"]]);
    expect(problemsOf(() => evaluateStack({ stack: "homelab", stackFileText: text }))).toEqual([
      "Pulumi.homelab.yaml:12: homelab:hosts.server.ciDocker: must start with ssh:// or tcp:// (CI reaches the host over the network)",
    ]);
  });
});
