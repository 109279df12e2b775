import { requireHealthcheck } from "../../../policies/rules/require-healthcheck";
import { compliantContainer, describeCases, T, UNKNOWN_VALUE } from "../harness";

describe("require-healthcheck", () => {
    describeCases(requireHealthcheck, T.container, compliantContainer, {
        fail: [
            ["healthcheck omitted", { healthcheck: undefined }, "no healthcheck.tests defined."],
            ["tests empty", { healthcheck: { tests: [] } }, "no healthcheck.tests defined."],
            ["tests NONE", { healthcheck: { tests: ["NONE"] } }, `healthcheck.tests ["NONE"] disables the image's healthcheck.`],
        ],
        pass: [
            ["image healthcheck label", { healthcheck: undefined, labels: [{ label: "homelab.healthcheck", value: "image" }] }],
            ["unknown healthcheck", { healthcheck: UNKNOWN_VALUE }],
            ["unknown test item", { healthcheck: { tests: ["CMD", UNKNOWN_VALUE] } }],
            ["the only test item unknown", { healthcheck: { tests: [UNKNOWN_VALUE] } }],
            ["unknown tests list", { healthcheck: { tests: UNKNOWN_VALUE } }],
        ],
    });
});
