import * as cloudflare from "@pulumi/cloudflare";
import type * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { platformService, type Service } from "../infra/model";
import type { SwarmServiceSpec } from "../infra/swarm/model";
import { HomelabService } from "./homelabService";
import { SwarmService } from "./swarmService";

/** Pinned connector image; bump deliberately (the policy pack refuses unpinned images). */
export const CLOUDFLARED_IMAGE = "cloudflare/cloudflared:2025.11.1";

/** Port of cloudflared's metrics server inside the container (`/ready`, `/metrics`). */
export const CLOUDFLARED_METRICS_PORT = 2000;

/** The rule every tunnel config ends with: a hostname no route claims gets a 404, never a guess. */
export const CATCH_ALL_RULE = { service: "http_status:404" } as const;

/** One ingress rule of a remotely managed tunnel, as the tunnel config resource takes it. */
export type TunnelIngressRule = cloudflare.types.input.ZeroTrustTunnelCloudflaredConfigConfigIngress;

/** What the tunnel needs from each route: its ingress rule and the resources to wait for. */
export interface TunnelIngressSource {
  readonly ingressRule: TunnelIngressRule;
}

export interface CloudflareTunnelArgs {
  readonly accountId: pulumi.Input<string>;
  /** Tunnel name shown in the Zero Trust dashboard. */
  readonly tunnelName: pulumi.Input<string>;
  readonly cloudflareProvider: cloudflare.Provider;
  /** The connector container's host (a Swarm manager with `swarm`). */
  readonly dockerProvider: docker.Provider;
  /** Docker network the connector joins (the overlay network's id with `swarm`); routed containers must be on it to be reached by name. */
  readonly network: pulumi.Input<string>;
  /**
   * Run the connector as a Swarm service with these scheduling settings instead of one container.
   * @default undefined: a container on `dockerProvider`'s host
   */
  readonly swarm?: SwarmServiceSpec;
  readonly stack: string;
  readonly restart: "no" | "always" | "on-failure" | "unless-stopped";
  readonly logMaxSize: string;
  readonly logMaxFiles: number;
  /**
   * Connector image.
   * @default CLOUDFLARED_IMAGE
   */
  readonly image?: string;
  /**
   * Resources the connector container starts after (the network, when this component creates it).
   * @default []
   */
  readonly after?: readonly pulumi.Resource[];
}

/**
 * A remotely managed Cloudflare Tunnel and its `cloudflared` connector
 * container. The connector dials out to Cloudflare, so no router port is ever
 * opened: Internet -> Cloudflare -> tunnel -> container.
 *
 * The ingress rules are set once, with `setIngress`, after the routes exist,
 * because each route needs the tunnel's id for its DNS record.
 */
export class CloudflareTunnel extends pulumi.ComponentResource {
  readonly tunnel: cloudflare.ZeroTrustTunnelCloudflared;
  readonly tunnelId: pulumi.Output<string>;
  /** `<tunnel id>.cfargotunnel.com`: what every routed hostname's CNAME points at. */
  readonly cnameTarget: pulumi.Output<string>;
  readonly connector: HomelabService | SwarmService;
  private config: cloudflare.ZeroTrustTunnelCloudflaredConfig | undefined;
  private readonly accountId: pulumi.Input<string>;
  private readonly cloudflareProvider: cloudflare.Provider;
  private readonly baseName: string;

  constructor(name: string, args: CloudflareTunnelArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("homelab:cloudflare:Tunnel", name, {}, opts);
    this.baseName = name;
    this.accountId = args.accountId;
    this.cloudflareProvider = args.cloudflareProvider;
    const cf = { parent: this, provider: args.cloudflareProvider };

    // Renaming any child below replaces it; for the secret and the tunnel that means a new
    // tunnel id, new CNAME targets and a connector restart with a new token.
    // Cloudflare wants at least 32 random bytes, base64 encoded.
    const secret = new random.RandomBytes(`${name}-secret`, { length: 32 }, { parent: this });

    this.tunnel = new cloudflare.ZeroTrustTunnelCloudflared(
      `${name}-cloudflared`,
      {
        accountId: args.accountId,
        name: args.tunnelName,
        // "cloudflare": the ingress rules live in Cloudflare (the config resource below), so the
        // connector needs nothing but its token.
        configSrc: "cloudflare",
        tunnelSecret: pulumi.secret(secret.base64),
      },
      cf,
    );
    this.tunnelId = this.tunnel.id;
    this.cnameTarget = pulumi.interpolate`${this.tunnel.id}.cfargotunnel.com`;

    // The token embeds the tunnel secret: anyone holding it can serve the tunnel's hostnames.
    const token = pulumi.secret(
      cloudflare.getZeroTrustTunnelCloudflaredTokenOutput({ accountId: args.accountId, tunnelId: this.tunnel.id }, cf).token,
    );

    const spec = platformService({
      key: "cloudflared",
      image: args.image ?? CLOUDFLARED_IMAGE,
      networks: ["default"],
      // Metrics on all interfaces of the container only (no host port): `/ready` for the
      // healthcheck, `/metrics` for Prometheus on the same network.
      command: ["tunnel", "--no-autoupdate", "--metrics", `0.0.0.0:${CLOUDFLARED_METRICS_PORT}`, "run"],
      port: CLOUDFLARED_METRICS_PORT,
      healthcheck: {
        // The image has no shell or curl; cloudflared itself asks /ready (200 once connected to the edge).
        tests: ["CMD", "cloudflared", "tunnel", "--metrics", `localhost:${CLOUDFLARED_METRICS_PORT}`, "ready"],
        interval: "30s",
        timeout: "10s",
        retries: 3,
        startPeriod: "20s",
      },
      restart: args.restart,
      memoryMb: 128,
      cpus: 0.5,
      // It only dials out and forwards HTTP: nothing to write, no capability needed.
      readOnly: true,
      capDrop: ["ALL"],
    });
    // With `swarm`: the same connector as a Swarm service, its tasks spread over the nodes.
    this.connector = args.swarm ? this.swarmConnector(name, args, args.swarm, spec, token) : new HomelabService(
      `${name}-connector`,
      {
        service: spec,
        stack: args.stack,
        provider: args.dockerProvider,
        networks: { default: args.network },
        // Read by `cloudflared tunnel run` from the environment, so it never shows in `docker inspect`'s command line.
        extraSecretEnvironment: { TUNNEL_TOKEN: token },
        // The token only exists once the tunnel does; said outright because a data-source
        // result does not carry the tunnel as a dependency.
        after: [...(args.after ?? []), this.tunnel],
        logMaxSize: args.logMaxSize,
        logMaxFiles: args.logMaxFiles,
      },
      { parent: this },
    );

    const connector = this.connector instanceof SwarmService ? this.connector.serviceName : this.connector.containerName;
    this.registerOutputs({ tunnelId: this.tunnelId, cnameTarget: this.cnameTarget, connector });
  }

  private swarmConnector(name: string, args: CloudflareTunnelArgs, swarm: SwarmServiceSpec, spec: Service, token: pulumi.Output<string>): SwarmService {
    return new SwarmService(
      `${name}-connector`,
      {
        service: spec,
        swarm,
        stack: args.stack,
        provider: args.dockerProvider,
        networks: { default: args.network },
        extraSecretEnvironment: { TUNNEL_TOKEN: token },
        after: [...(args.after ?? []), this.tunnel],
        logMaxSize: args.logMaxSize,
        logMaxFiles: args.logMaxFiles,
      },
      { parent: this },
    );
  }

  /**
   * Writes the tunnel's ingress rules: every route's rule, then the 404 catch-all.
   *
   * Cloudflare keeps exactly ONE configuration per tunnel. A second
   * ZeroTrustTunnelCloudflaredConfig for the same tunnel (here or in another
   * program) does not fail: each write silently replaces the other's rules and
   * the last writer wins. So this runs once per tunnel and refuses a second call.
   */
  setIngress(routes: readonly (TunnelIngressSource & pulumi.Resource)[]): cloudflare.ZeroTrustTunnelCloudflaredConfig {
    if (this.config) throw new Error("the tunnel's ingress is already set: Cloudflare keeps one configuration per tunnel");
    this.config = new cloudflare.ZeroTrustTunnelCloudflaredConfig(
      // Renaming this child deletes and recreates the config: a brief window in which every hostname returns errors.
      `${this.baseName}-config`,
      {
        accountId: this.accountId,
        tunnelId: this.tunnel.id,
        source: "cloudflare",
        config: { ingresses: [...routes.map((r) => r.ingressRule), CATCH_ALL_RULE] },
      },
      // After the routes: a protected hostname's route waits for its Access application.
      { parent: this, provider: this.cloudflareProvider, dependsOn: [...routes] },
    );
    return this.config;
  }
}
