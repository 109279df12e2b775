/** Every rule of the pack, in the order the engine reports them. Kept apart from index.ts so tests can load rules without starting a server. */
import type { Policies } from "@pulumi/policy";
import { actionsSecretFromSecret } from "./rules/actions-secret-from-secret";
import { allowedRegistries } from "./rules/allowed-registries";
import { noHostNamespaces } from "./rules/no-host-namespaces";
import { noPrivilegedContainers } from "./rules/no-privileged-containers";
import { noPrivilegedHostPorts } from "./rules/no-privileged-host-ports";
import { noPublicPorts } from "./rules/no-public-ports";
import { noSensitiveMounts } from "./rules/no-sensitive-mounts";
import { noSharedMountPropagation } from "./rules/no-shared-mount-propagation";
import { noSharedWritableVolumes } from "./rules/no-shared-writable-volumes";
import { noUnconfinedProfiles } from "./rules/no-unconfined-profiles";
import { requireBackup } from "./rules/require-backup";
import { requireCpuLimit } from "./rules/require-cpu-limit";
import { requireHealthcheck } from "./rules/require-healthcheck";
import { requireHomelabNetwork } from "./rules/require-homelab-network";
import { requireMemoryLimit } from "./rules/require-memory-limit";
import { requireNoNewPrivileges } from "./rules/require-no-new-privileges";
import { requirePinnedImages } from "./rules/require-pinned-images";
import { requireRestartPolicy } from "./rules/require-restart-policy";
import { restrictCapabilities } from "./rules/restrict-capabilities";
import { tunnelCatchAll404 } from "./rules/tunnel-catch-all-404";
import { tunnelCnameProxied } from "./rules/tunnel-cname-proxied";
import { tunnelRoutesRequireAccess } from "./rules/tunnel-routes-require-access";

export const PACK_NAME = "homelab-guard";

export const policies: Policies = [
    noPublicPorts,
    noPrivilegedContainers,
    noHostNamespaces,
    noSensitiveMounts,
    noSharedMountPropagation,
    noSharedWritableVolumes,
    noUnconfinedProfiles,
    requireNoNewPrivileges,
    restrictCapabilities,
    requirePinnedImages,
    allowedRegistries,
    requireHealthcheck,
    requireRestartPolicy,
    requireMemoryLimit,
    requireCpuLimit,
    requireHomelabNetwork,
    noPrivilegedHostPorts,
    tunnelCnameProxied,
    tunnelCatchAll404,
    tunnelRoutesRequireAccess,
    actionsSecretFromSecret,
    requireBackup,
];

export const POLICY_NAMES: readonly string[] = policies.map((p) => p.name);
