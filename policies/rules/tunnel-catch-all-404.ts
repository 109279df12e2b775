import { resourceRule, TYPES } from "../lib/policy";
import { list, rec, records, str, UNKNOWN } from "../lib/values";

export const CATCH_ALL_SERVICE = "http_status:404";

export const tunnelCatchAll404 = resourceRule<Record<string, never>>({
    name: "tunnel-catch-all-404",
    description: "A tunnel's ingress list must end with a hostname-less `http_status:404` rule, and only the last rule may lack a hostname.",
    remediationSteps: "Append `{ service: \"http_status:404\" }` as the last entry of `config.ingresses` and give every other entry a hostname.",
    severity: "high",
    defaults: {},
    types: [TYPES.tunnelConfig],
    check: (props, _config, report) => {
        // Locally managed tunnels read their ingress from cloudflared's own config file.
        if (str(props["source"]) === "local") return;
        const config = rec(props["config"]);
        if (config === UNKNOWN) return;
        const ingresses = config ? list(config["ingresses"]) : undefined;
        if (ingresses === UNKNOWN) return;
        if (!ingresses || ingresses.length === 0) return report("config.ingresses is empty; cloudflared would refuse or expose a default.");
        const rules = records(ingresses);
        if (rules.length !== ingresses.length) return; // an entry is unknown; judge on the next preview
        const last = rules[rules.length - 1];
        const host = str(last["hostname"]);
        const service = str(last["service"]);
        if (host === UNKNOWN || service === UNKNOWN) return;
        if ((host !== undefined && host !== "") || service !== CATCH_ALL_SERVICE) {
            report(`last ingress rule is ${host ? `for ${host}` : "hostname-less"} -> ${String(service)}, not a catch-all ${CATCH_ALL_SERVICE}.`);
        }
        rules.slice(0, -1).forEach((r, i) => {
            const h = str(r["hostname"]);
            // A hostname-less rule matches everything, so the rules after it never apply.
            if (h === undefined || h === "") report(`ingress rule ${i} has no hostname and shadows the rules after it.`);
        });
    },
});
