import { classifyAddress, normalizeAddress } from "../lib/ip";
import { resourceRule, schema, TYPES } from "../lib/policy";
import { bool, records, str, UNKNOWN } from "../lib/values";

export interface NoPublicPortsConfig {
    allowPrivate: boolean;
    allowTailscale: boolean;
    allowedAddresses: string[];
    allowSwarmPorts: boolean;
}

export const noPublicPorts = resourceRule<NoPublicPortsConfig>({
    name: "no-public-ports",
    description: "Container ports may only be published on loopback, or on private/Tailscale addresses the stack allows.",
    remediationSteps:
        "Set `ports[].ip` to 127.0.0.1 (or an allowed LAN/Tailscale address) and reach services through the tunnel or reverse proxy. " +
        "Drop `publishAllPorts` and `networkMode: \"host\"`. To allow one address, add it to `allowedAddresses` in policies/config/<stack>.json.",
    // Mandatory in code as well as in every stack config: a wide-open port is never an accepted risk.
    enforcementLevel: "mandatory",
    severity: "critical",
    configSchema: {
        properties: {
            allowPrivate: schema.bool(false, "Allow RFC1918 and fd00::/8 host addresses."),
            allowTailscale: schema.bool(false, "Allow 100.64.0.0/10 and fd7a:115c:a1e0::/48 host addresses."),
            allowedAddresses: schema.strings([], "Exact host addresses that are always allowed."),
            allowSwarmPorts: schema.bool(false, "Allow ports published by Swarm services (they listen on every interface of every node)."),
        },
    },
    defaults: { allowPrivate: false, allowTailscale: false, allowedAddresses: [], allowSwarmPorts: false },
    types: [TYPES.container],
    check: (props, config, report, type) => {
        if (type === TYPES.service) return swarmPorts(props, config, report);
        if (bool(props["publishAllPorts"]) === true) report("publishAllPorts publishes every exposed port on all host interfaces.");
        if (str(props["networkMode"]) === "host") report("networkMode \"host\" exposes every listening port on all host interfaces.");
        const allowed = new Set(config.allowedAddresses.map(normalizeAddress));
        for (const port of records(props["ports"])) {
            const ip = str(port["ip"]);
            if (ip === UNKNOWN) continue; // decided at deploy time; judged on the next preview
            const where = `port ${String(port["internal"])}${port["external"] !== undefined ? ` (host ${String(port["external"])})` : ""}`;
            // The provider fills an omitted ip with 0.0.0.0, i.e. every interface.
            const address = ip ?? "0.0.0.0";
            if (allowed.has(normalizeAddress(address))) continue;
            const kind = classifyAddress(address);
            if (kind === "loopback") continue;
            if (kind === "private" && config.allowPrivate) continue;
            if (kind === "tailscale" && config.allowTailscale) continue;
            const shown = ip === undefined ? "no host ip (all interfaces)" : `host ip ${address}`;
            report(`${where} is published with ${shown}, which is ${kind === "all" ? "every interface" : `a ${kind} address`}.`);
        }
    },
});

/**
 * Swarm cannot bind a published port to one address: in ingress mode it listens on
 * every interface of every node (the routing mesh), in host mode on every interface
 * of its node (docs.docker.com/engine/swarm/ingress/). No address makes it safe, so
 * only the stack's explicit allowSwarmPorts does.
 */
function swarmPorts(props: Readonly<Record<string, unknown>>, config: NoPublicPortsConfig, report: (m: string) => void): void {
    if (config.allowSwarmPorts) return;
    for (const port of records(props["ports"])) {
        const mode = str(port["publishMode"]);
        const where = mode === "host" ? "every interface of the node running the task" : "every interface of every node (routing mesh)";
        const published = port["external"] === undefined ? "a random port" : `port ${String(port["external"])}`;
        report(`Swarm publishes container port ${String(port["internal"])} on ${published} on ${where}; reach it through the tunnel, or set allowSwarmPorts in this stack's policy config.`);
    }
}
