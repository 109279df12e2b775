import { requireRestartPolicy } from "../../../policies/rules/require-restart-policy";
import { compliantContainer, describeCases, T, UNKNOWN_VALUE } from "../harness";

describe("require-restart-policy", () => {
    describeCases(requireRestartPolicy, T.container, compliantContainer, {
        fail: [
            ["restart omitted (provider default no)", { restart: undefined }],
            ["restart no", { restart: "no" }],
            ["on-failure unbounded", { restart: "on-failure" }],
            ["on-failure 10", { restart: "on-failure", maxRetryCount: 10 }],
            ["oneshot label false", { restart: "no", labels: [{ label: "homelab.oneshot", value: "false" }] }],
        ],
        pass: [
            ["always", { restart: "always" }],
            ["on-failure 5", { restart: "on-failure", maxRetryCount: 5 }],
            ["oneshot job", { restart: "no", mustRun: false, labels: [{ label: "homelab.oneshot", value: "true" }] }],
            ["unknown restart", { restart: UNKNOWN_VALUE }],
        ],
    });
});
