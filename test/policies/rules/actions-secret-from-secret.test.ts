import { actionsSecretFromSecret } from "../../../policies/rules/actions-secret-from-secret";
import { describeCases, secret, T, UNKNOWN_VALUE } from "../harness";

const base = () => ({ repository: "homelab", secretName: "CLOUDFLARE_API_TOKEN", plaintextValue: secret("s3cr3t") });

describe("actions-secret-from-secret", () => {
    describeCases(actionsSecretFromSecret, T.actionsSecret, base, {
        fail: [
            ["plaintextValue plain string", { plaintextValue: "s3cr3t" }, "plaintextValue is a plain (non-secret) value."],
            ["value plain string", { plaintextValue: undefined, value: "s3cr3t" }, "value is a plain (non-secret) value."],
        ],
        pass: [
            ["value as secret", { plaintextValue: undefined, value: secret("s3cr3t") }],
            ["unknown plain value (preview)", { plaintextValue: UNKNOWN_VALUE }],
            ["unknown secret value", { plaintextValue: secret(UNKNOWN_VALUE) }],
            ["encryptedValue only", { plaintextValue: undefined, encryptedValue: secret("b64") }],
            ["value null beside a secret plaintextValue", { value: null }],
        ],
    });
});
