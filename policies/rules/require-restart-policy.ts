import { label, LABELS } from "../lib/container";
import { resourceRule, TYPES } from "../lib/policy";
import { num, str, UNKNOWN } from "../lib/values";

export const requireRestartPolicy = resourceRule<Record<string, never>>({
    name: "require-restart-policy",
    description:
        "Long-running containers need `restart` set to unless-stopped, always, or on-failure with 1-5 retries. " +
        `One-shot containers labelled \`${LABELS.oneshot}=true\` are exempt.`,
    remediationSteps:
        "Set `restart: \"unless-stopped\"` (or `on-failure` with `maxRetryCount` 1-5 so a crash loop stops). " +
        `For jobs that run once, set \`mustRun: false\` and label \`${LABELS.oneshot}=true\`.`,
    severity: "medium",
    defaults: {},
    types: [TYPES.container],
    check: (props, _config, report) => {
        if (label(props, LABELS.oneshot) === "true") return;
        const restart = str(props["restart"]);
        // Stryker disable next-line ConditionalExpression: equivalent: an unknown restart equals none of the values judged below, so it passes either way
        if (restart === UNKNOWN) return;
        // The provider's default is "no": the service stays down after a crash or reboot.
        if (restart === undefined || restart === "no") return report(`restart is ${restart === undefined ? "unset (provider default \"no\")" : "\"no\""}.`);
        if (restart === "on-failure") {
            const retries = num(props["maxRetryCount"]);
            if (retries === UNKNOWN) return;
            if (retries === undefined || retries < 1 || retries > 5) report("restart on-failure needs maxRetryCount between 1 and 5.");
        }
    },
});
