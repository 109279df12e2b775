import { resourceRule, TYPES } from "../lib/policy";
import { strings } from "../lib/values";

/**
 * Security options that switch off a kernel confinement Docker applies by
 * default. Docker accepts `=` and, for older clients, `:` as the separator.
 */
const UNCONFINED: readonly { readonly pattern: RegExp; readonly what: string }[] = [
    { pattern: /^seccomp[=:]unconfined$/i, what: "turns off Docker's default seccomp profile (every system call allowed)" },
    { pattern: /^apparmor[=:]unconfined$/i, what: "turns off the AppArmor profile" },
    { pattern: /^label[=:]disable$/i, what: "turns off SELinux labelling" },
    { pattern: /^systempaths[=:]unconfined$/i, what: "unmasks /proc and /sys paths Docker hides from containers" },
];

/** The entries of `opts` that remove a default confinement, each with what it removes. */
export function unconfinedOptions(opts: readonly string[]): { readonly option: string; readonly what: string }[] {
    return opts.flatMap((o) => {
        const hit = UNCONFINED.find((u) => u.pattern.test(o.trim()));
        return hit ? [{ option: o.trim(), what: hit.what }] : [];
    });
}

export const noUnconfinedProfiles = resourceRule<Record<string, never>>({
    name: "no-unconfined-profiles",
    description: "Containers must keep Docker's default seccomp, AppArmor and SELinux confinement.",
    remediationSteps:
        "Remove the `seccomp=unconfined`, `apparmor=unconfined`, `label=disable` or `systempaths=unconfined` " +
        "entry from securityOpts. If one system call is missing, give a custom seccomp profile " +
        "(`seccomp=/path/profile.json`) that allows just that call.",
    severity: "high",
    defaults: {},
    types: [TYPES.container],
    check: (props, _config, report) => {
        // Unknown entries (known only after deploy) are skipped; the known ones are still checked.
        for (const u of unconfinedOptions(strings(props["securityOpts"]))) report(`securityOpts "${u.option}" ${u.what}.`);
    },
});
