/**
 * Watchtower built on its own: one opt-in Watchtower container on the host, with read-only access to
 * the Docker socket and small limits.
 */
import * as docker from "@pulumi/docker";
import { Watchtower } from "../../components/watchtower";
import { inputsOf, named, record, type Recording } from "./support";

type Built = Record<"defaults" | "custom", Watchtower>;

describe("watchtower", () => {
  let rec: Recording<Built>;
  beforeAll(async () => {
    rec = await record(() => {
      const provider = new docker.Provider("nas-docker", {});
      const other = new docker.Provider("pi-docker", {});
      return {
        defaults: new Watchtower("nas-watchtower", { stack: "homelab", provider, network: "miravaz-net", logMaxSize: "10m", logMaxFiles: 3 }),
        custom: new Watchtower("pi-watchtower", {
          stack: "homelab",
          provider: other,
          network: "pi-net",
          image: "nickfedor/watchtower:1.22.0",
          intervalSeconds: 3600,
          cleanup: false,
          logMaxSize: "5m",
          logMaxFiles: 2,
        }),
      };
    });
  });

  it("registers the component with one service component under it", () => {
    const component = named(rec.resources, "nas-watchtower");
    expect(component.type).toBe("homelab:docker:Watchtower");
    const service = named(rec.resources, "nas-watchtower-service");
    expect(service.type).toBe("homelab:docker:Service");
    expect(service.parent).toBe(component.urn);
    expect(named(rec.resources, "nas-watchtower-service-container").parent).toBe(service.urn);
    expect(rec.result.defaults.service.containerName).toBe("watchtower");
  });

  it("runs the pinned fork in opt-in mode every 5 minutes, removing old images", () => {
    expect(inputsOf(rec.resources, "nas-watchtower-service-image")).toEqual({ name: "nickfedor/watchtower:1.21.0", keepLocally: true });
    expect(inputsOf(rec.resources, "nas-watchtower-service-container")).toEqual({
      name: "watchtower",
      image: "id-of-nas-watchtower-service-image",
      command: ["--label-enable", "--interval", "300", "--cleanup"],
      envs: [],
      restart: "unless-stopped",
      mustRun: true,
      memory: 128,
      memorySwap: 128,
      cpus: "0.25",
      privileged: false,
      readOnly: false,
      securityOpts: ["no-new-privileges:true"],
      destroyGraceSeconds: 10,
      stopTimeout: 10,
      ports: [],
      networksAdvanced: [{ name: "miravaz-net", aliases: ["watchtower"] }],
      volumes: [{ hostPath: "/var/run/docker.sock", containerPath: "/var/run/docker.sock", readOnly: true }],
      labels: [
        { label: "homelab.stack", value: "homelab" },
        { label: "homelab.service", value: "watchtower" },
        { label: "com.centurylinklabs.watchtower.enable", value: "false" },
      ],
      logDriver: "json-file",
      logOpts: { "max-size": "10m", "max-file": "3" },
    });
  });

  it("runs the image, interval and cleanup it is given, on its host's provider and network", () => {
    expect(inputsOf(rec.resources, "pi-watchtower-service-image")).toEqual({ name: "nickfedor/watchtower:1.22.0", keepLocally: true });
    const container = named(rec.resources, "pi-watchtower-service-container");
    expect(container.inputs).toMatchObject({
      command: ["--label-enable", "--interval", "3600"],
      networksAdvanced: [{ name: "pi-net", aliases: ["watchtower"] }],
      logOpts: { "max-size": "5m", "max-file": "2" },
    });
    expect(container.provider).toMatch(/^urn:pulumi:unit::homelab::pulumi:pulumi:Stack\$pulumi:providers:docker::pi-docker::/);
  });

  it("records its container name as the component's output", () => {
    expect(rec.outputs.get("nas-watchtower")).toEqual({ containerName: "watchtower" });
  });
});
