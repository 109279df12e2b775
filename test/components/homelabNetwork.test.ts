/**
 * HomelabNetwork built on its own: the bridge network it registers on the host's provider, and the
 * name containers join it by.
 */
import * as docker from "@pulumi/docker";
import { HomelabNetwork } from "../../components/homelabNetwork";
import { named, record, valueOf, type Recording } from "./support";

type Networks = Record<"app" | "db", HomelabNetwork>;

describe("homelab networks", () => {
  let rec: Recording<Networks>;
  beforeAll(async () => {
    rec = await record(() => {
      const provider = new docker.Provider("nas-docker", {});
      return {
        app: new HomelabNetwork("nas-miravaz-net", { networkName: "miravaz-net", provider }),
        db: new HomelabNetwork("nas-db-net", { networkName: "db-net", provider, internal: true, subnet: "172.30.8.0/24" }),
      };
    });
  });

  it("registers the component with one network child named after it, on the host's provider", () => {
    const component = named(rec.resources, "nas-miravaz-net");
    expect(component.type).toBe("homelab:docker:Network");
    const children = rec.resources.filter((r) => r.parent === component.urn);
    expect(children.map((r) => [r.type, r.name])).toEqual([["docker:index/network:Network", "nas-miravaz-net-network"]]);
    expect(children[0].provider).toMatch(/^urn:pulumi:unit::homelab::pulumi:pulumi:Stack\$pulumi:providers:docker::nas-docker::/);
  });

  it("creates a labelled bridge, open to the outside, with the subnet Docker picks", () => {
    expect(named(rec.resources, "nas-miravaz-net-network").inputs).toEqual({
      name: "miravaz-net",
      driver: "bridge",
      internal: false,
      labels: [{ label: "homelab.managed", value: "true" }],
    });
  });

  it("cuts an internal network off, on the subnet it names", () => {
    expect(named(rec.resources, "nas-db-net-network").inputs).toEqual({
      name: "db-net",
      driver: "bridge",
      internal: true,
      ipamConfigs: [{ subnet: "172.30.8.0/24" }],
      labels: [{ label: "homelab.managed", value: "true" }],
    });
  });

  it("frees the fixed name before a replacement is created", () => {
    expect(named(rec.resources, "nas-miravaz-net-network").options).toEqual({
      protect: false,
      retainOnDelete: false,
      deleteBeforeReplace: true,
      ignoreChanges: [],
      replaceOnChanges: [],
    });
  });

  it("hands out the Docker name containers join, also as the component's output", async () => {
    expect(await valueOf(rec.result.app.networkName)).toBe("miravaz-net");
    expect(rec.outputs.get("nas-miravaz-net")).toEqual({ networkName: "miravaz-net" });
    expect(rec.outputs.get("nas-db-net")).toEqual({ networkName: "db-net" });
  });
});
