import { resourceRule, TYPES } from "../lib/policy";
import { secretInputNames } from "../lib/secrets";
import { isUnknownValue } from "../lib/values";

const PLAINTEXT_INPUTS = ["plaintextValue", "value"];

export const actionsSecretFromSecret = resourceRule<Record<string, never>>({
    name: "actions-secret-from-secret",
    description: "GitHub Actions secrets must be set from Pulumi secret values, never plain strings.",
    remediationSteps:
        "Read the value with `config.requireSecret(...)` (set it with `pulumi config set --secret`) or wrap it in `pulumi.secret(...)`, " +
        "so it is encrypted in state and never printed in previews.",
    severity: "critical",
    defaults: {},
    types: [TYPES.actionsSecret],
    check: (props, _config, report) => {
        const secret = secretInputNames(props);
        // Without wire information (props not from the engine) secretness cannot be judged.
        if (secret === undefined) return;
        for (const key of PLAINTEXT_INPUTS) {
            const v = props[key];
            if (v === undefined || v === null || isUnknownValue(v) || secret.has(key)) continue;
            report(`${key} is a plain (non-secret) value.`);
        }
    },
});
