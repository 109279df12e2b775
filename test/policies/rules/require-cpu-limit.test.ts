import { requireCpuLimit } from "../../../policies/rules/require-cpu-limit";
import { compliantContainer, describeCases, T, UNKNOWN_VALUE } from "../harness";

describe("require-cpu-limit", () => {
    describeCases(requireCpuLimit, T.container, compliantContainer, {
        fail: [
            ["cpus omitted", { cpus: undefined }, "no cpus, cpuQuota or cpuShares limit."],
            ["cpus 0", { cpus: "0" }, "no cpus, cpuQuota or cpuShares limit."],
            ["cpuQuota 0 instead (no quota)", { cpus: undefined, cpuQuota: 0 }, "no cpus, cpuQuota or cpuShares limit."],
            ["cpuShares 0 instead (Docker's default weight)", { cpus: undefined, cpuShares: 0 }, "no cpus, cpuQuota or cpuShares limit."],
        ],
        pass: [["cpuShares instead", { cpus: undefined, cpuShares: 512 }], ["cpuQuota instead", { cpus: undefined, cpuQuota: 50000 }], ["cpus unknown", { cpus: UNKNOWN_VALUE }]],
    });
});
