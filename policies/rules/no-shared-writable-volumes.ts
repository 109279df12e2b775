import { stackRule, TYPES, type StackResource } from "../lib/policy";
import { bool, records, str } from "../lib/values";

/** Names of the named volumes a container mounts writable; a mount whose name or mode is unknown is left out. */
function writableVolumes(c: StackResource): string[] {
    const mounts = [
        ...records(c.props["volumes"]).map((v) => ({ name: str(v["volumeName"]), readOnly: bool(v["readOnly"]) })),
        ...records(c.props["mounts"]).filter((m) => str(m["type"]) === "volume").map((m) => ({ name: str(m["source"]), readOnly: bool(m["readOnly"]) })),
    ];
    return mounts.flatMap((m) => (typeof m.name === "string" && (m.readOnly === undefined || m.readOnly === false) ? [m.name] : []));
}

/** Stands for the default provider in writer keys; any string that is no provider URN does. */
// Stryker disable next-line StringLiteral: equivalent: provider URNs are never empty, nor "Stryker was here!"
const DEFAULT_PROVIDER = "";

export const noSharedWritableVolumes = stackRule<Record<string, never>>({
    name: "no-shared-writable-volumes",
    description: "A named volume may be written by one container per Docker host; others may mount it read-only.",
    remediationSteps:
        "Give each writer its own volume, or mount the volume read-only (`name:/path:ro`) in every service but the one " +
        "that owns the data. Databases and most applications do not expect a second process writing their files.",
    severity: "medium",
    defaults: {},
    check: (resources, _config, report) => {
        // A volume name is per host: the same name on two hosts is two volumes. Containers without an explicit
        // provider share the default one.
        const writers = new Map<string, { volume: string; containers: StackResource[] }>();
        for (const c of resources.filter((r) => r.type === TYPES.container)) {
            for (const volume of writableVolumes(c)) {
                const key = `${c.provider ?? DEFAULT_PROVIDER}\u0000${volume}`;
                const entry = writers.get(key) ?? { volume, containers: [] };
                if (!entry.containers.includes(c)) entry.containers.push(c);
                writers.set(key, entry);
            }
        }
        for (const { volume, containers } of writers.values()) {
            if (containers.length < 2) continue;
            const names = containers.map((c) => c.name).join(", ");
            for (const c of containers) report(`volume "${volume}" is mounted writable by ${containers.length} containers on one host (${names}).`, c.urn);
        }
    },
});
