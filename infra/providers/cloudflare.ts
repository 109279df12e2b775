/**
 * cloudflare/terraform-provider-cloudflare v5 (Plugin Framework), as
 * @pulumi/cloudflare 6.x bridges it. The PF bridge's Check applies only
 * Pulumi-level DefaultInfo values, never the provider's schema defaults
 * (pulumi-terraform-bridge pkg/pf/tfbridge/provider_check.go: ApplyDefaultInfoValues, then
 * ValidateResourceConfig), so the analyzers see no Cloudflare defaults: the
 * provider fills them in its plan, after the policies ran.
 * PF resources update every attribute in place unless a RequiresReplace plan modifier says otherwise.
 */
import type { ResourceBehaviour } from "./types";

const REPO = "cloudflare/terraform-provider-cloudflare@v5";
const CHECK = "pulumi/pulumi-terraform-bridge:pkg/pf/tfbridge/provider_check.go";

export const CLOUDFLARE_BEHAVIOURS: readonly ResourceBehaviour[] = [
  {
    type: "cloudflare:index/dnsRecord:DnsRecord",
    sources: [`${REPO}:internal/services/dns_record/schema.go`, CHECK],
    defaults: {},
    // zone_id and type: stringplanmodifier.RequiresReplace()
    forceNew: ["zoneId", "type"],
    updatable: ["name", "content", "proxied", "ttl", "comment", "data", "priority", "settings", "tags"],
    readBack: {},
  },
  {
    type: "cloudflare:index/zeroTrustTunnelCloudflared:ZeroTrustTunnelCloudflared",
    sources: [`${REPO}:internal/services/zero_trust_tunnel_cloudflared/schema.go`, CHECK],
    defaults: {},
    // account_id: RequiresReplace; config_src: RequiresReplaceIfConfigured (default "local" is the provider's, not Check's)
    forceNew: ["accountId", "configSrc"],
    updatable: ["name", "tunnelSecret"],
    readBack: {},
  },
  {
    type: "cloudflare:index/zeroTrustTunnelCloudflaredConfig:ZeroTrustTunnelCloudflaredConfig",
    sources: [`${REPO}:internal/services/zero_trust_tunnel_cloudflared_config/schema.go`, CHECK],
    defaults: {},
    // tunnel_id and account_id: RequiresReplace
    forceNew: ["accountId", "tunnelId"],
    updatable: ["config", "source"],
    readBack: {},
  },
  {
    type: "cloudflare:index/zeroTrustAccessApplication:ZeroTrustAccessApplication",
    sources: [`${REPO}:internal/services/zero_trust_access_application/schema.go`, CHECK],
    defaults: {},
    // account_id and zone_id: RequiresReplace
    forceNew: ["accountId", "zoneId"],
    updatable: ["name", "domain", "type", "policies", "sessionDuration", "selfHostedDomains", "destinations", "appLauncherVisible"],
    readBack: {},
  },
  {
    type: "cloudflare:index/zeroTrustAccessPolicy:ZeroTrustAccessPolicy",
    sources: [`${REPO}:internal/services/zero_trust_access_policy/schema.go`, CHECK],
    defaults: {},
    // account_id: RequiresReplace; session_duration's "24h" default is the provider's, not Check's
    forceNew: ["accountId"],
    updatable: ["name", "decision", "includes", "excludes", "requires", "sessionDuration"],
    readBack: {},
  },
];
