import { resourceRule, TYPES } from "../lib/policy";
import { list, str, UNKNOWN } from "../lib/values";

/** Modes that leave the container off every homelab network, whatever else it asks for. */
const NOT_HOMELAB = new Set(["host", "none"]);
/** Docker's default bridge: what a container lands on when it names no network. */
const DEFAULT_BRIDGE = new Set(["bridge", "default"]);

export const requireHomelabNetwork = resourceRule<Record<string, never>>({
    name: "require-homelab-network",
    description: "Containers must join a homelab network through `networksAdvanced`, not host, none or Docker's default bridge.",
    remediationSteps: "Attach the container to the component's docker.Network with `networksAdvanced: [{ name: network.name }]`.",
    severity: "medium",
    defaults: {},
    types: [TYPES.container],
    check: (props, _config, report) => {
        const mode = str(props["networkMode"]);
        if (typeof mode === "string" && NOT_HOMELAB.has(mode)) report(`networkMode "${mode}" is not a homelab network.`);
        const networks = list(props["networksAdvanced"]);
        if (networks === UNKNOWN) return;
        // networkMode defaults to "bridge" (the provider's Check fills it in), but with networksAdvanced the
        // provider disconnects the new container from the default bridge before joining those networks
        // (kreuzwerker/terraform-provider-docker v4.5.0 resource_docker_container_funcs.go, resourceDockerContainerCreate).
        if (networks === undefined || networks.length === 0) {
            const onBridge = mode === undefined || (typeof mode === "string" && DEFAULT_BRIDGE.has(mode));
            // The default bridge lets every container reach every other one and has no DNS between them.
            report(onBridge ? "no networksAdvanced: the container lands on Docker's default bridge." : "no networksAdvanced: the container joins no homelab network.");
        }
    },
});
