/** SwarmNetwork built on its own under the mock runtime: the overlay network it asks the Docker provider for. */
import { SwarmNetwork } from "../../components/swarmNetwork";
import type { RecordedResource } from "../../infra/plan/evaluate";
import { managerProvider, named, NETWORK, recordComponents, settled } from "./swarmSupport";

type Built = Readonly<Record<string, SwarmNetwork>>;

function program(): Built {
  const provider = managerProvider();
  return {
    plain: new SwarmNetwork("front", { networkName: "front", provider }),
    locked: new SwarmNetwork("backend", { networkName: "backend-net", provider, internal: true, encrypted: true, subnet: "10.20.0.0/24" }),
    open: new SwarmNetwork("edge", { networkName: "edge", provider, internal: false, encrypted: false, subnet: "" }),
  };
}

let resources: RecordedResource[];
let built: Built;
let outputs: Map<unknown, unknown>;
beforeAll(async () => {
  ({ resources, result: built, outputs } = await recordComponents(program));
});

describe("overlay networks", () => {
  test("a homelab:swarm:Network component with the docker network as its child, on the manager's provider", () => {
    const component = named(resources, "front");
    expect(component.type).toBe("homelab:swarm:Network");
    const network = named(resources, "front-network");
    expect(network.type).toBe(NETWORK);
    expect(network.parent).toBe(component.urn);
    expect(network.provider?.split("::")[3]).toBe("manager-docker");
  });

  test("by default: an overlay for services (not attachable by standalone containers), neither internal nor encrypted, subnet left to the Swarm", () => {
    expect(named(resources, "front-network").inputs).toEqual({
      name: "front",
      driver: "overlay",
      internal: false,
      labels: [
        { label: "homelab.managed", value: "true" },
        { label: "homelab.encrypted", value: "false" },
      ],
    });
  });

  test("internal, encrypted (an option and a label), with a fixed subnet", () => {
    expect(named(resources, "backend-network").inputs).toEqual({
      name: "backend-net",
      driver: "overlay",
      internal: true,
      options: { encrypted: "" },
      ipamConfigs: [{ subnet: "10.20.0.0/24" }],
      labels: [
        { label: "homelab.managed", value: "true" },
        { label: "homelab.encrypted", value: "true" },
      ],
    });
  });

  test("explicitly open and unencrypted, an empty subnet meaning none", () => {
    const inputs = named(resources, "edge-network").inputs;
    expect(inputs.internal).toBe(false);
    expect(inputs).not.toHaveProperty("options");
    expect(inputs).not.toHaveProperty("ipamConfigs");
    expect(inputs.labels).toContainEqual({ label: "homelab.encrypted", value: "false" });
  });

  test("replaced by deleting first, and the daemon's own options never plan a replacement", () => {
    for (const n of ["front-network", "backend-network", "edge-network"]) {
      expect(named(resources, n).options).toEqual({ protect: false, retainOnDelete: false, deleteBeforeReplace: true, ignoreChanges: ["options"], replaceOnChanges: [] });
    }
  });

  test("exposes the network's id and registers it as an output", async () => {
    expect(await settled(built.locked.networkId)).toBe("backend-network-id");
    const registered = outputs.get(built.locked) as { networkId: unknown };
    expect(Object.keys(registered)).toEqual(["networkId"]);
    expect(await settled(registered.networkId as string)).toBe("backend-network-id");
  });
});
