/**
 * integrations/terraform-provider-github v6 (SDKv2), as @pulumi/github 6.x bridges it.
 */
import type { ResourceBehaviour } from "./types";

const REPO = "integrations/terraform-provider-github@v6.13.0";

export const GITHUB_BEHAVIOURS: readonly ResourceBehaviour[] = [
  {
    type: "github:index/actionsSecret:ActionsSecret",
    sources: [`${REPO}:github/resource_github_actions_secret.go`],
    // No attribute has a schema Default.
    defaults: {},
    // secret_name: ForceNew
    forceNew: ["secretName"],
    // resourceGithubActionsSecretUpdate re-puts the secret; the value is never read back (GitHub does not return it).
    updatable: ["repository", "value", "valueEncrypted", "encryptedValue", "plaintextValue", "keyId", "destroyOnDrift"],
    readBack: {},
  },
];
