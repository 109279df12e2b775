import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";

/** An identity-provider group, matched as an Entra ID (Azure AD) group. */
export interface AccessGroup {
  readonly identityProviderId: string;
  readonly id: string;
}

/** Who may pass: anyone matching at least one entry. */
export interface AccessAllow {
  /**
   * @default []
   */
  readonly emails?: readonly string[];
  /**
   * @default []
   */
  readonly emailDomains?: readonly string[];
  /**
   * @default []
   */
  readonly groups?: readonly AccessGroup[];
}

export interface AccessApplicationArgs {
  readonly accountId: pulumi.Input<string>;
  /** The hostname Access guards; the application's domain. */
  readonly hostname: string;
  readonly allow: AccessAllow;
  readonly provider: cloudflare.Provider;
  /**
   * How long a login lasts.
   * @default "24h"
   */
  readonly sessionDuration?: string;
}

/** The include rules of an allow policy, one per email, email domain and group. */
export function accessIncludes(allow: AccessAllow): cloudflare.types.input.ZeroTrustAccessPolicyInclude[] {
  return [
    ...(allow.emails ?? []).map((email) => ({ email: { email } })),
    ...(allow.emailDomains ?? []).map((domain) => ({ emailDomain: { domain } })),
    ...(allow.groups ?? []).map((g) => ({ azureAd: { id: g.id, identityProviderId: g.identityProviderId } })),
  ];
}

/**
 * Cloudflare Access in front of one hostname: a self-hosted application and
 * the allow policy it applies. Everything routed that is not explicitly
 * public gets one, so a new hostname is private until someone says otherwise.
 */
export class AccessApplication extends pulumi.ComponentResource {
  readonly policy: cloudflare.ZeroTrustAccessPolicy;
  readonly application: cloudflare.ZeroTrustAccessApplication;

  constructor(name: string, args: AccessApplicationArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("homelab:cloudflare:AccessApplication", name, {}, opts);
    const includes = accessIncludes(args.allow);
    // An allow policy with no include rule would match nobody; validation refuses the config first.
    if (includes.length === 0) throw new Error(`Access for ${args.hostname} needs at least one allow rule`);
    const cf = { parent: this, provider: args.provider };

    // Provider v6 attaches policies by reference: a reusable account-level policy,
    // listed on the application by id with its precedence.
    // Renaming either child replaces it; for the application that means a new AUD tag.
    this.policy = new cloudflare.ZeroTrustAccessPolicy(
      `${name}-policy`,
      { accountId: args.accountId, name: `${args.hostname} allow`, decision: "allow", includes },
      cf,
    );
    this.application = new cloudflare.ZeroTrustAccessApplication(
      `${name}-app`,
      {
        accountId: args.accountId,
        name: args.hostname,
        type: "self_hosted",
        domain: args.hostname,
        sessionDuration: args.sessionDuration ?? "24h",
        policies: [{ id: this.policy.id, precedence: 1 }],
      },
      cf,
    );

    this.registerOutputs({ hostname: args.hostname, aud: this.application.aud });
  }
}
