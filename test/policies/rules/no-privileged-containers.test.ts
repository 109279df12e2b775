import { noPrivilegedContainers } from "../../../policies/rules/no-privileged-containers";
import { compliantContainer, describeCases, T, UNKNOWN_VALUE } from "../harness";

describe("no-privileged-containers", () => {
    describeCases(noPrivilegedContainers, T.container, compliantContainer, {
        fail: [["privileged: true", { privileged: true }, "privileged: true gives the container full control of the host."]],
        pass: [["privileged: false", { privileged: false }], ["privileged unknown", { privileged: UNKNOWN_VALUE }]],
    });
});
