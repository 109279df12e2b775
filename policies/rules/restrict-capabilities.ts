import { label, LABELS } from "../lib/container";
import { resourceRule, schema, TYPES } from "../lib/policy";
import { hasUnknownItem, rec, strings, UNKNOWN } from "../lib/values";

/** Capabilities that amount to host control; adding one needs a written justification label. */
export const DANGEROUS_CAPS = ["ALL", "SYS_ADMIN", "SYS_MODULE", "SYS_PTRACE", "SYS_RAWIO", "SYS_BOOT", "SYS_TIME", "NET_ADMIN", "DAC_READ_SEARCH", "BPF", "PERFMON", "MAC_ADMIN", "MAC_OVERRIDE", "SYSLOG"];

const normalize = (c: string) => c.trim().toUpperCase().replace(/^CAP_/, "");

export interface RestrictCapabilitiesConfig {
    requireDropAll: boolean;
}

export const restrictCapabilities = resourceRule<RestrictCapabilitiesConfig>({
    name: "restrict-capabilities",
    description:
        "Added capabilities require `drops: [\"ALL\"]`, and dangerous ones (SYS_ADMIN, NET_ADMIN, ALL, ...) also a " +
        `\`${LABELS.capabilities}\` label explaining why.`,
    remediationSteps:
        "Set `capabilities: { drops: [\"ALL\"], adds: [<only what the service needs>] }`. If a dangerous capability is truly " +
        `needed (e.g. NET_ADMIN for a VPN), add the label \`${LABELS.capabilities}\` with the reason.`,
    severity: "high",
    configSchema: { properties: { requireDropAll: schema.bool(false, "Every container must drop ALL, even without adds.") } },
    defaults: { requireDropAll: false },
    types: [TYPES.container],
    check: (props, config, report) => {
        const caps = rec(props["capabilities"]);
        if (caps === UNKNOWN) return;
        const adds = caps ? caps["adds"] : undefined;
        const drops = caps ? caps["drops"] : undefined;
        if (hasUnknownItem(adds) || hasUnknownItem(drops)) return;
        const added = strings(adds).map(normalize);
        const dropsAll = strings(drops).map(normalize).includes("ALL");
        if (added.length > 0 && !dropsAll) report(`capabilities.adds [${added.join(", ")}] without drops: ["ALL"] keeps Docker's default set too.`);
        if (added.length === 0 && !dropsAll && config.requireDropAll) report("capabilities.drops must include ALL in this stack.");
        const dangerous = added.filter((c) => DANGEROUS_CAPS.includes(c));
        const why = label(props, LABELS.capabilities);
        if (dangerous.length > 0 && !(why && why.trim() !== "")) {
            report(`capabilities.adds includes ${dangerous.join(", ")} without a ${LABELS.capabilities} label.`);
        }
    },
});
