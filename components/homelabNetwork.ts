import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

export interface HomelabNetworkArgs {
  /** Name of the Docker network; containers on it reach each other by container name. */
  readonly networkName: string;
  readonly provider: docker.Provider;
  /**
   * Cut the network off from the outside (databases that never need the Internet).
   * @default false
   */
  readonly internal?: boolean;
  /**
   * Fixed subnet, when the host's other networks would otherwise collide.
   * @default chosen by Docker
   */
  readonly subnet?: string;
}

/** A user-defined bridge network on one host, the `miravaz-net` of a compose file. */
export class HomelabNetwork extends pulumi.ComponentResource {
  readonly network: docker.Network;
  readonly networkName: pulumi.Output<string>;

  constructor(name: string, args: HomelabNetworkArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("homelab:docker:Network", name, {}, opts);
    // Renaming this child replaces the network, which detaches every container on it.
    this.network = new docker.Network(
      `${name}-network`,
      {
        name: args.networkName,
        driver: "bridge",
        internal: args.internal ?? false,
        ipamConfigs: args.subnet ? [{ subnet: args.subnet }] : undefined,
        labels: [{ label: "homelab.managed", value: "true" }],
      },
      // The name is fixed, so a replacement must free it before creating the new one.
      { parent: this, provider: args.provider, deleteBeforeReplace: true },
    );
    this.networkName = this.network.name;
    this.registerOutputs({ networkName: this.networkName });
  }
}
