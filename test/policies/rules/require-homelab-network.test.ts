import { requireHomelabNetwork } from "../../../policies/rules/require-homelab-network";
import { compliantContainer, describeCases, T, UNKNOWN_VALUE } from "../harness";

describe("require-homelab-network", () => {
    describeCases(requireHomelabNetwork, T.container, compliantContainer, {
        fail: [
            ["networksAdvanced omitted", { networksAdvanced: undefined }, "no networksAdvanced: the container lands on the default bridge."],
            ["networksAdvanced empty", { networksAdvanced: [] }, "no networksAdvanced: the container lands on the default bridge."],
            ["networkMode host", { networkMode: "host" }, 'networkMode "host" is not a homelab network.'],
            ["networkMode none", { networkMode: "none" }, 'networkMode "none" is not a homelab network.'],
            ["networkMode bridge", { networkMode: "bridge" }, 'networkMode "bridge" is not a homelab network.'],
        ],
        pass: [["network name unknown", { networksAdvanced: [{ name: UNKNOWN_VALUE }] }], ["list unknown", { networksAdvanced: UNKNOWN_VALUE }]],
    });
});
