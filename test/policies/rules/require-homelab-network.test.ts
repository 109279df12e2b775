import { requireHomelabNetwork } from "../../../policies/rules/require-homelab-network";
import { compliantContainer, describeCases, T, UNKNOWN_VALUE } from "../harness";

describe("require-homelab-network", () => {
    describeCases(requireHomelabNetwork, T.container, compliantContainer, {
        fail: [
            ["networksAdvanced omitted", { networksAdvanced: undefined }, "no networksAdvanced: the container lands on Docker's default bridge."],
            ["networksAdvanced empty", { networksAdvanced: [] }, "no networksAdvanced: the container lands on Docker's default bridge."],
            ["networkMode bridge without networksAdvanced", { networkMode: "bridge", networksAdvanced: undefined }, "no networksAdvanced: the container lands on Docker's default bridge."],
            ["networkMode host", { networkMode: "host" }, 'networkMode "host" is not a homelab network.'],
            ["networkMode none", { networkMode: "none" }, 'networkMode "none" is not a homelab network.'],
            ["another container's network without networksAdvanced", { networkMode: "container:db", networksAdvanced: undefined }, "no networksAdvanced: the container joins no homelab network."],
        ],
        pass: [
            // What the engine hands the pack: the provider's Check fills networkMode "bridge" into every container.
            ["networkMode bridge (the provider's default) with networksAdvanced", { networkMode: "bridge" }],
            ["network name unknown", { networksAdvanced: [{ name: UNKNOWN_VALUE }] }],
            ["list unknown", { networksAdvanced: UNKNOWN_VALUE }],
        ],
    });
});
