import { resourceRule, TYPES } from "../lib/policy";
import { num, str, UNKNOWN } from "../lib/values";

export const requireCpuLimit = resourceRule<Record<string, never>>({
    name: "require-cpu-limit",
    description: "Containers should cap CPU with `cpus`, `cpuQuota` or `cpuShares`.",
    remediationSteps: "Set `cpus: \"1.0\"` (or `cpuShares` to weight rather than cap).",
    severity: "low",
    defaults: {},
    types: [TYPES.container],
    check: (props, _config, report) => {
        const cpus = str(props["cpus"]);
        const quota = num(props["cpuQuota"]);
        const shares = num(props["cpuShares"]);
        if ([cpus, quota, shares].includes(UNKNOWN)) return;
        // Stryker disable next-line ConditionalExpression: equivalent: cpus is a string or undefined here, and Number(undefined) is NaN, which fails > 0 too
        const cpusSet = typeof cpus === "string" && Number(cpus) > 0;
        const set = cpusSet || (typeof quota === "number" && quota > 0) || (typeof shares === "number" && shares > 0);
        if (!set) report("no cpus, cpuQuota or cpuShares limit.");
    },
});
