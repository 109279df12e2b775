import { requireHealthcheck } from "../../../policies/rules/require-healthcheck";
import { compliantContainer, describeCases, T, UNKNOWN_VALUE } from "../harness";

describe("require-healthcheck", () => {
    describeCases(requireHealthcheck, T.container, compliantContainer, {
        fail: [
            ["healthcheck omitted", { healthcheck: undefined }],
            ["tests empty", { healthcheck: { tests: [] } }],
            ["tests NONE", { healthcheck: { tests: ["NONE"] } }],
        ],
        pass: [
            ["image healthcheck label", { healthcheck: undefined, labels: [{ label: "homelab.healthcheck", value: "image" }] }],
            ["unknown healthcheck", { healthcheck: UNKNOWN_VALUE }],
            ["unknown test item", { healthcheck: { tests: ["CMD", UNKNOWN_VALUE] } }],
        ],
    });
});
