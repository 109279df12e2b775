/**
 * DockerHost built on its own: the explicit Docker provider it registers, with the endpoint, ssh options
 * and registry credentials (passwords always secret).
 */
import * as pulumi from "@pulumi/pulumi";
import { DockerHost } from "../../components/dockerHost";
import { SECRET_SIG } from "../../infra/plan/evaluate";
import { named, record, type Recording } from "./support";

const isSecret = (v: unknown): v is { value: string } => typeof v === "object" && v !== null && SECRET_SIG in v && "value" in v && typeof v.value === "string";

/** A provider's inputs with the JSON the engine sends for its object and list values parsed. */
function parsed(inputs: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(inputs)) {
    if (k === "host") out[k] = v;
    else if (typeof v === "string") out[k] = JSON.parse(v);
    else if (isSecret(v)) out[k] = { secret: JSON.parse(v.value) };
    else out[k] = v;
  }
  return out;
}

type Hosts = Record<"nas" | "local" | "bare", DockerHost>;

describe("docker hosts", () => {
  let rec: Recording<Hosts>;
  beforeAll(async () => {
    rec = await record(() => ({
      nas: new DockerHost("nas", {
        docker: "ssh://ops@nas.lan",
        sshOpts: ["-o", "StrictHostKeyChecking=yes"],
        registries: [
          { address: "ghcr.io", username: "acme-bot", password: "ghp_plain" },
          { address: "registry.example.net:5000", username: pulumi.output("ci"), password: "r3g" },
        ],
      }),
      local: new DockerHost("local", {}),
      bare: new DockerHost("bare", { docker: "unix:///var/run/docker.sock", sshOpts: [], registries: [] }),
    }));
  });

  it("registers the component with one provider child named after it", () => {
    expect(named(rec.resources, "nas").type).toBe("homelab:docker:Host");
    const children = rec.resources.filter((r) => r.parent === named(rec.resources, "nas").urn);
    expect(children.map((r) => [r.type, r.name])).toEqual([["pulumi:providers:docker", "nas-docker"]]);
  });

  it("reaches the host at its endpoint with its ssh options and registry logins, each password secret", () => {
    expect(parsed(named(rec.resources, "nas-docker").inputs)).toEqual({
      host: "ssh://ops@nas.lan",
      sshOpts: ["-o", "StrictHostKeyChecking=yes"],
      registryAuth: {
        secret: [
          { address: "ghcr.io", username: "acme-bot", password: "ghp_plain" },
          { address: "registry.example.net:5000", username: "ci", password: "r3g" },
        ],
      },
    });
  });

  it("uses the workstation's own engine when no endpoint is given", () => {
    expect(parsed(named(rec.resources, "local-docker").inputs)).toEqual({ registryAuth: [] });
    expect(rec.result.local.endpoint).toBe("default");
  });

  it("sends no ssh options for an empty list", () => {
    expect(parsed(named(rec.resources, "bare-docker").inputs)).toEqual({ host: "unix:///var/run/docker.sock", registryAuth: [] });
  });

  it("records the endpoint as the component's output", () => {
    expect(rec.result.nas.endpoint).toBe("ssh://ops@nas.lan");
    expect(rec.outputs.get("nas")).toEqual({ endpoint: "ssh://ops@nas.lan" });
    expect(rec.outputs.get("local")).toEqual({ endpoint: "default" });
  });
});
