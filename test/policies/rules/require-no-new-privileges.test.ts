import { requireNoNewPrivileges } from "../../../policies/rules/require-no-new-privileges";
import { compliantContainer, describeCases, T, UNKNOWN_VALUE } from "../harness";

describe("require-no-new-privileges", () => {
    describeCases(requireNoNewPrivileges, T.container, compliantContainer, {
        fail: [
            ["securityOpts omitted", { securityOpts: undefined }],
            ["securityOpts empty", { securityOpts: [] }],
            ["only apparmor", { securityOpts: ["apparmor=docker-default"] }],
            ["no-new-privileges:false", { securityOpts: ["no-new-privileges:false"] }],
        ],
        pass: [
            ["bare flag", { securityOpts: ["no-new-privileges"] }],
            ["=true spelling", { securityOpts: ["no-new-privileges=true"] }],
            ["unknown list", { securityOpts: UNKNOWN_VALUE }],
            ["unknown item", { securityOpts: [UNKNOWN_VALUE] }],
        ],
    });
});
