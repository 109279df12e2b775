import { resourceRule, TYPES } from "../lib/policy";
import { records, rec, str } from "../lib/values";

const SHARED = new Set(["shared", "rshared", "slave", "rslave"]);

export const noSharedMountPropagation = resourceRule<Record<string, never>>({
    name: "no-shared-mount-propagation",
    description: "Bind mounts must not use shared or slave propagation.",
    remediationSteps: "Remove `mounts[].bindOptions.propagation` (Docker's default is rprivate) or set it to `private`/`rprivate`.",
    severity: "high",
    defaults: {},
    types: [TYPES.container],
    check: (props, _config, report) => {
        for (const m of records(props["mounts"])) {
            const options = rec(m["bindOptions"]);
            const propagation = typeof options === "object" ? str(options["propagation"]) : undefined;
            // Shared propagation lets mounts made inside the container appear on the host (and vice versa).
            if (typeof propagation === "string" && SHARED.has(propagation)) {
                report(`mount ${String(m["target"])} uses "${propagation}" propagation.`);
            }
        }
    },
});
