import { resourceRule, TYPES } from "../lib/policy";
import { bool } from "../lib/values";

export const noPrivilegedContainers = resourceRule<Record<string, never>>({
    name: "no-privileged-containers",
    description: "Containers must not run privileged.",
    remediationSteps:
        "Remove `privileged: true`. Grant the specific capability (`capabilities.adds`, with `drops: [\"ALL\"]`) " +
        "or device (`devices`) the service really needs instead.",
    severity: "critical",
    defaults: {},
    types: [TYPES.container],
    check: (props, _config, report) => {
        // Privileged mode lifts every capability, seccomp, AppArmor and device restriction at once.
        if (bool(props["privileged"]) === true) report("privileged: true gives the container full control of the host.");
    },
});
