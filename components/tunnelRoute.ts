import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import type { TunnelIngressRule, TunnelIngressSource } from "./cloudflareTunnel";

/** DNS record comments the policy pack reads to tell public routes from protected ones. */
export const ROUTE_COMMENT = {
  public: "homelab:tunnel-route:public",
  protected: "homelab:tunnel-route:protected",
} as const;

export interface TunnelRouteArgs {
  /** Public hostname, inside the zone. */
  readonly hostname: string;
  /** Where cloudflared forwards it: `http://<container>:<port>` on the connector's network. */
  readonly service: string;
  /** Reachable without Cloudflare Access (an explicit choice in config). */
  readonly public: boolean;
  readonly zoneId: pulumi.Input<string>;
  /** `<tunnel id>.cfargotunnel.com`. */
  readonly cnameTarget: pulumi.Input<string>;
  readonly provider: cloudflare.Provider;
  /**
   * Skip TLS verification between cloudflared and an `https://` origin.
   * @default false
   */
  readonly noTlsVerify?: boolean;
  /**
   * Resources the DNS record is created after: a protected hostname's Access
   * application, so the name never resolves before Access guards it.
   * @default []
   */
  readonly after?: readonly pulumi.Resource[];
}

/**
 * One public hostname: the ingress rule the tunnel config collects, and the
 * DNS record that sends the hostname's traffic to the tunnel.
 */
export class TunnelRoute extends pulumi.ComponentResource implements TunnelIngressSource {
  readonly hostname: string;
  readonly ingressRule: TunnelIngressRule;
  readonly record: cloudflare.DnsRecord;

  constructor(name: string, args: TunnelRouteArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("homelab:cloudflare:TunnelRoute", name, {}, opts);
    this.hostname = args.hostname;
    this.ingressRule = {
      hostname: args.hostname,
      service: args.service,
      originRequest: args.noTlsVerify ? { noTlsVerify: true } : undefined,
    };

    // Renaming this child deletes and recreates the record: the hostname stops resolving meanwhile.
    this.record = new cloudflare.DnsRecord(
      `${name}-dns`,
      {
        zoneId: args.zoneId,
        name: args.hostname,
        type: "CNAME",
        content: args.cnameTarget,
        // Must be proxied: `<id>.cfargotunnel.com` only answers inside Cloudflare's network, so an
        // unproxied (DNS-only) record would hand clients a name that resolves to nothing.
        proxied: true,
        // 1 = automatic, the only TTL a proxied record takes.
        ttl: 1,
        comment: args.public ? ROUTE_COMMENT.public : ROUTE_COMMENT.protected,
      },
      { parent: this, provider: args.provider, dependsOn: [...(args.after ?? [])] },
    );

    this.registerOutputs({ hostname: this.hostname, service: args.service, public: args.public });
  }
}
