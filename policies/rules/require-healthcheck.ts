import { label, LABELS } from "../lib/container";
import { resourceRule, TYPES } from "../lib/policy";
import { hasUnknownItem, rec, strings, UNKNOWN } from "../lib/values";

export const requireHealthcheck = resourceRule<Record<string, never>>({
    name: "require-healthcheck",
    description: "Containers should define `healthcheck.tests` so Docker and the monitoring stack notice a hung service.",
    remediationSteps:
        "Add `healthcheck: { tests: [\"CMD\", \"wget\", \"-qO-\", \"http://127.0.0.1:PORT/health\"], interval: \"30s\" }`. " +
        `If the image's own HEALTHCHECK is good enough, label the container \`${LABELS.healthcheck}=image\`.`,
    // Advisory everywhere: the policy cannot see a HEALTHCHECK baked into the image.
    severity: "medium",
    defaults: {},
    types: [TYPES.container],
    check: (props, _config, report) => {
        if (label(props, LABELS.healthcheck) === "image") return;
        const hc = rec(props["healthcheck"]);
        if (hc === UNKNOWN || (hc && hasUnknownItem(hc["tests"]))) return;
        const tests = hc ? strings(hc["tests"]) : [];
        if (tests.length === 0) report("no healthcheck.tests defined.");
        else if (tests[0].toUpperCase() === "NONE") report("healthcheck.tests [\"NONE\"] disables the image's healthcheck.");
    },
});
