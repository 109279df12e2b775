import { resourceRule, TYPES } from "../lib/policy";
import { num } from "../lib/values";

export const requireMemoryLimit = resourceRule<Record<string, never>>({
    name: "require-memory-limit",
    description: "Containers must set `memory` (MB) so one leaking service cannot OOM the host.",
    remediationSteps: "Set `memory` to the service's peak working set plus headroom, e.g. `memory: 512`.",
    severity: "medium",
    defaults: {},
    types: [TYPES.container],
    check: (props, _config, report) => {
        const memory = num(props["memory"]);
        // 0 is Docker's "unlimited".
        if (memory === undefined || memory === 0) report("memory is not limited.");
    },
});
