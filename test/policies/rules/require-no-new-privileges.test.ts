import { requireNoNewPrivileges } from "../../../policies/rules/require-no-new-privileges";
import { compliantContainer, describeCases, T, UNKNOWN_VALUE } from "../harness";

describe("require-no-new-privileges", () => {
    describeCases(requireNoNewPrivileges, T.container, compliantContainer, {
        fail: [
            ["securityOpts omitted", { securityOpts: undefined }, "securityOpts does not contain no-new-privileges:true."],
            ["securityOpts empty", { securityOpts: [] }, "securityOpts does not contain no-new-privileges:true."],
            ["only apparmor", { securityOpts: ["apparmor=docker-default"] }, "securityOpts does not contain no-new-privileges:true."],
            ["no-new-privileges:false", { securityOpts: ["no-new-privileges:false"] }, "securityOpts does not contain no-new-privileges:true."],
            ["the flag only as another option's value", { securityOpts: ["label=no-new-privileges:true"] }, "securityOpts does not contain no-new-privileges:true."],
        ],
        pass: [
            ["bare flag", { securityOpts: ["no-new-privileges"] }],
            ["=true spelling", { securityOpts: ["no-new-privileges=true"] }],
            ["surrounding spaces are ignored", { securityOpts: [" no-new-privileges:true "] }],
            ["unknown list", { securityOpts: UNKNOWN_VALUE }],
            ["unknown item", { securityOpts: [UNKNOWN_VALUE] }],
        ],
    });
});
