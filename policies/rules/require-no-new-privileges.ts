import { resourceRule, TYPES } from "../lib/policy";
import { hasUnknownItem, strings } from "../lib/values";

/** Docker accepts the bare flag and the `:true` / `=true` spellings. */
export function setsNoNewPrivileges(opts: readonly string[]): boolean {
    return opts.some((o) => /^no-new-privileges([:=]true)?$/i.test(o.trim()));
}

export const requireNoNewPrivileges = resourceRule<Record<string, never>>({
    name: "require-no-new-privileges",
    description: "Containers must set `no-new-privileges` in securityOpts.",
    remediationSteps: "Add `securityOpts: [\"no-new-privileges:true\"]` so setuid binaries cannot raise privileges inside the container.",
    severity: "high",
    defaults: {},
    types: [TYPES.container],
    // A Swarm service cannot ask for it: @pulumi/docker 5.x's ServiceTaskSpecContainerSpecPrivileges has only
    // credentialSpec and seLinuxContext, so every service would fail with no way to comply.
    services: false,
    check: (props, _config, report) => {
        if (hasUnknownItem(props["securityOpts"])) return;
        if (!setsNoNewPrivileges(strings(props["securityOpts"]))) report("securityOpts does not contain no-new-privileges:true.");
    },
});
