import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

export interface SwarmNetworkArgs {
  /** Name of the overlay network; tasks on it reach each service by its name. */
  readonly networkName: string;
  /** The provider of a Swarm manager. */
  readonly provider: docker.Provider;
  /**
   * Cut the network off from the outside (databases that never need the Internet).
   * @default false
   */
  readonly internal?: boolean;
  /**
   * Encrypt the traffic between nodes (IPsec on the VXLAN), for networks that carry secrets.
   * @default false
   */
  readonly encrypted?: boolean;
  /**
   * Fixed subnet, when the nodes' other networks would otherwise collide.
   * @default chosen by the Swarm
   */
  readonly subnet?: string;
}

/** A Swarm overlay network spanning every node: the Swarm form of a homelab bridge network. */
export class SwarmNetwork extends pulumi.ComponentResource {
  readonly network: docker.Network;
  readonly networkId: pulumi.Output<string>;

  constructor(name: string, args: SwarmNetworkArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("homelab:swarm:Network", name, {}, opts);
    const encrypted = args.encrypted ?? false;
    this.network = new docker.Network(
      `${name}-network`,
      {
        name: args.networkName,
        driver: "overlay",
        internal: args.internal ?? false,
        // `docker network create --opt encrypted` (docs.docker.com/engine/network/drivers/overlay/#encrypt-traffic-on-an-overlay-network).
        options: encrypted ? { encrypted: "" } : undefined,
        ipamConfigs: args.subnet ? [{ subnet: args.subnet }] : undefined,
        // The label carries the encryption choice too: labels force a replacement, options are ignored below.
        labels: [
          { label: "homelab.managed", value: "true" },
          { label: "homelab.encrypted", value: String(encrypted) },
        ],
      },
      {
        parent: this,
        provider: args.provider,
        deleteBeforeReplace: true,
        // Read stores the daemon's options, which for an overlay include the VXLAN id it allocated
        // (kreuzwerker/terraform-provider-docker v4.5.0 resource_docker_network_funcs.go): options
        // are ForceNew, so without this every refresh would plan a replacement.
        ignoreChanges: ["options"],
      },
    );
    this.networkId = this.network.id;
    this.registerOutputs({ networkId: this.networkId });
  }
}
