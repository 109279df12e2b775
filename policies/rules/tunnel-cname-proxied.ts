import { resourceRule, TYPES } from "../lib/policy";
import { isTunnelRoute } from "../lib/tunnel";
import { bool, str, UNKNOWN } from "../lib/values";

export const tunnelCnameProxied = resourceRule<Record<string, never>>({
    name: "tunnel-cname-proxied",
    description: "DNS records that route to a Cloudflare tunnel must be proxied CNAMEs.",
    remediationSteps: "Set `type: \"CNAME\"` and `proxied: true` on the record; an unproxied tunnel CNAME does not resolve to anything reachable and leaks the tunnel ID.",
    severity: "high",
    defaults: {},
    types: [TYPES.dnsRecord],
    check: (props, _config, report) => {
        if (isTunnelRoute(props) !== true) return;
        const type = str(props["type"]);
        if (typeof type === "string" && type.toUpperCase() !== "CNAME") report(`tunnel route has type ${type}, expected CNAME.`);
        const proxied = bool(props["proxied"]);
        if (proxied === UNKNOWN) return;
        // Cloudflare's default for an omitted `proxied` is false.
        if (proxied !== true) report(`tunnel route ${String(props["name"])} is not proxied.`);
    },
});
