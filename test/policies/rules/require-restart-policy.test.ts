import { requireRestartPolicy } from "../../../policies/rules/require-restart-policy";
import { compliantContainer, describeCases, T, UNKNOWN_VALUE } from "../harness";

describe("require-restart-policy", () => {
    describeCases(requireRestartPolicy, T.container, compliantContainer, {
        fail: [
            ["restart omitted (provider default no)", { restart: undefined }, 'restart is unset (provider default "no").'],
            ["restart no", { restart: "no" }, 'restart is "no".'],
            ["on-failure unbounded", { restart: "on-failure" }, "restart on-failure needs maxRetryCount between 1 and 5."],
            ["on-failure 10", { restart: "on-failure", maxRetryCount: 10 }, "restart on-failure needs maxRetryCount between 1 and 5."],
            ["on-failure 0", { restart: "on-failure", maxRetryCount: 0 }, "restart on-failure needs maxRetryCount between 1 and 5."],
            ["oneshot label false", { restart: "no", labels: [{ label: "homelab.oneshot", value: "false" }] }, 'restart is "no".'],
        ],
        pass: [
            ["always", { restart: "always" }],
            ["on-failure 5", { restart: "on-failure", maxRetryCount: 5 }],
            ["on-failure 1", { restart: "on-failure", maxRetryCount: 1 }],
            ["oneshot job", { restart: "no", mustRun: false, labels: [{ label: "homelab.oneshot", value: "true" }] }],
            ["unknown restart", { restart: UNKNOWN_VALUE }],
        ],
    });
});
