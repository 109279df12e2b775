import { resourceRule, TYPES } from "../lib/policy";
import { list, str, UNKNOWN } from "../lib/values";

const NOT_HOMELAB = new Set(["host", "none", "bridge", "default"]);

export const requireHomelabNetwork = resourceRule<Record<string, never>>({
    name: "require-homelab-network",
    description: "Containers must join a homelab network through `networksAdvanced`, not host, none or Docker's default bridge.",
    remediationSteps: "Attach the container to the component's docker.Network with `networksAdvanced: [{ name: network.name }]` and drop `networkMode`.",
    severity: "medium",
    defaults: {},
    types: [TYPES.container],
    check: (props, _config, report) => {
        const mode = str(props["networkMode"]);
        // The default bridge lets every container reach every other one and has no DNS between them.
        if (typeof mode === "string" && NOT_HOMELAB.has(mode)) report(`networkMode "${mode}" is not a homelab network.`);
        const networks = list(props["networksAdvanced"]);
        if (networks === UNKNOWN) return;
        if (networks === undefined || networks.length === 0) report("no networksAdvanced: the container lands on the default bridge.");
    },
});
