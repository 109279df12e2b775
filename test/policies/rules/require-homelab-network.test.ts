import { requireHomelabNetwork } from "../../../policies/rules/require-homelab-network";
import { compliantContainer, describeCases, T, UNKNOWN_VALUE } from "../harness";

describe("require-homelab-network", () => {
    describeCases(requireHomelabNetwork, T.container, compliantContainer, {
        fail: [
            ["networksAdvanced omitted", { networksAdvanced: undefined }],
            ["networksAdvanced empty", { networksAdvanced: [] }],
            ["networkMode host", { networkMode: "host" }],
            ["networkMode none", { networkMode: "none" }],
            ["networkMode bridge", { networkMode: "bridge" }],
        ],
        pass: [["network name unknown", { networksAdvanced: [{ name: UNKNOWN_VALUE }] }], ["list unknown", { networksAdvanced: UNKNOWN_VALUE }]],
    });
});
