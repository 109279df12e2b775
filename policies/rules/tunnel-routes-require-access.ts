import { stackRule, TYPES } from "../lib/policy";
import { hostCovers, isTunnelRoute, PUBLIC_ROUTE_COMMENT } from "../lib/tunnel";
import { records, str, strings } from "../lib/values";

export const tunnelRoutesRequireAccess = stackRule<Record<string, never>>({
    name: "tunnel-routes-require-access",
    description: `Every tunnel-routed hostname needs a Cloudflare Access application unless its record comment is \`${PUBLIC_ROUTE_COMMENT}\`.`,
    remediationSteps:
        "Add a ZeroTrustAccessApplication whose `domain` is the hostname (with a policy), or, if the service is meant for the " +
        `whole internet and does its own auth, mark the route public with comment \`${PUBLIC_ROUTE_COMMENT}\`.`,
    severity: "critical",
    defaults: {},
    check: (resources, _config, report) => {
        // Stryker disable next-line ArrayDeclaration: equivalent: a seeded "Stryker was here" covers only a record of that name, and DNS names hold no spaces
        const protectedHosts: string[] = [];
        for (const app of resources.filter((r) => r.type === TYPES.accessApplication)) {
            const domain = str(app.props["domain"]);
            if (typeof domain === "string") protectedHosts.push(domain);
            protectedHosts.push(...strings(app.props["selfHostedDomains"]));
            for (const d of records(app.props["destinations"])) {
                for (const key of ["uri", "hostname"]) {
                    const v = str(d[key]);
                    if (typeof v === "string") protectedHosts.push(v);
                }
            }
        }
        for (const record of resources.filter((r) => r.type === TYPES.dnsRecord)) {
            if (isTunnelRoute(record.props) !== true) continue;
            if (str(record.props["comment"]) === PUBLIC_ROUTE_COMMENT) continue;
            const name = str(record.props["name"]);
            if (typeof name !== "string") continue; // unknown during preview
            if (!protectedHosts.some((h) => hostCovers(h, name))) {
                report(`${name} is routed through the tunnel without a Cloudflare Access application.`, record.urn);
            }
        }
    },
});
