/**
 * hashicorp/terraform-provider-random (Plugin Framework), as @pulumi/random 4.x
 * bridges it: Check fills no schema defaults (pulumi-terraform-bridge
 * pkg/pf/tfbridge/provider_check.go), and every input replaces.
 */
import type { ResourceBehaviour } from "./types";

const REPO = "hashicorp/terraform-provider-random";
const CHECK = "pulumi/pulumi-terraform-bridge:pkg/pf/tfbridge/provider_check.go";

export const RANDOM_BEHAVIOURS: readonly ResourceBehaviour[] = [
  {
    type: "random:index/randomPassword:RandomPassword",
    sources: [`${REPO}:internal/provider/resource_password.go`, CHECK],
    defaults: {},
    // Every input carries a RequiresReplace plan modifier.
    forceNew: ["keepers", "length", "special", "upper", "lower", "number", "numeric", "minNumeric", "minUpper", "minLower", "minSpecial", "overrideSpecial"],
    updatable: [],
    readBack: {},
  },
  {
    type: "random:index/randomBytes:RandomBytes",
    sources: [`${REPO}:internal/provider/resource_bytes.go`, CHECK],
    defaults: {},
    forceNew: ["keepers", "length"],
    updatable: [],
    readBack: {},
  },
];
