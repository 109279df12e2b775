/**
 * GhcrRepoSecret built on its own: the Actions secret it writes into a service repository, its value
 * always a secret.
 */
import * as github from "@pulumi/github";
import * as pulumi from "@pulumi/pulumi";
import { GhcrRepoSecret } from "../../components/ghcrRepoSecret";
import { named, record, secret, type Recording } from "./support";

type Secrets = Record<"commander" | "sentinel", GhcrRepoSecret>;

describe("GHCR repository secrets", () => {
  let rec: Recording<Secrets>;
  beforeAll(async () => {
    rec = await record(() => {
      const provider = new github.Provider("github", { owner: "pedromiravaz" });
      return {
        commander: new GhcrRepoSecret("ghcr-commander", { repository: "miravaz-commander", token: "ghp_plaintext", provider }),
        sentinel: new GhcrRepoSecret("ghcr-sentinel", { repository: "miravaz-sentinel", token: pulumi.output("ghp_output"), provider, secretName: "REGISTRY_TOKEN" }),
      };
    });
  });

  it("registers the component with one Actions secret child named after it, on the GitHub provider", () => {
    const component = named(rec.resources, "ghcr-commander");
    expect(component.type).toBe("homelab:github:GhcrRepoSecret");
    const children = rec.resources.filter((r) => r.parent === component.urn);
    expect(children.map((r) => [r.type, r.name])).toEqual([["github:index/actionsSecret:ActionsSecret", "ghcr-commander-secret"]]);
    expect(children[0].provider).toMatch(/^urn:pulumi:unit::homelab::pulumi:pulumi:Stack\$pulumi:providers:github::github::/);
  });

  it("writes the token, as a secret, under GHCR_PAT by default", () => {
    expect(named(rec.resources, "ghcr-commander-secret").inputs).toEqual({
      repository: "miravaz-commander",
      secretName: "GHCR_PAT",
      value: secret("ghp_plaintext"),
    });
    expect(rec.result.commander.secretName).toBe("GHCR_PAT");
  });

  it("writes it under the name given", () => {
    expect(named(rec.resources, "ghcr-sentinel-secret").inputs).toEqual({
      repository: "miravaz-sentinel",
      secretName: "REGISTRY_TOKEN",
      value: secret("ghp_output"),
    });
    expect(rec.result.sentinel.secretName).toBe("REGISTRY_TOKEN");
  });

  it("records the repository and secret name as the component's outputs", () => {
    expect(rec.outputs.get("ghcr-commander")).toEqual({ repository: "miravaz-commander", secretName: "GHCR_PAT" });
    expect(rec.outputs.get("ghcr-sentinel")).toEqual({ repository: "miravaz-sentinel", secretName: "REGISTRY_TOKEN" });
  });
});
