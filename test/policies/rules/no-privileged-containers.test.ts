import { noPrivilegedContainers } from "../../../policies/rules/no-privileged-containers";
import { compliantContainer, describeCases, T, UNKNOWN_VALUE } from "../harness";

describe("no-privileged-containers", () => {
    describeCases(noPrivilegedContainers, T.container, compliantContainer, {
        fail: [["privileged: true", { privileged: true }]],
        pass: [["privileged: false", { privileged: false }], ["privileged unknown", { privileged: UNKNOWN_VALUE }]],
    });
});
