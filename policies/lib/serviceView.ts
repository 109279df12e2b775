/**
 * The container view of a Swarm service: a docker.Service's task template
 * (`taskSpec.containerSpec`, resources, restart policy, networks, published
 * ports) read as the docker.Container inputs the container rules know. One
 * adapter, so every container rule covers Swarm services without a copy.
 * Shapes: @pulumi/docker 5.x ServiceArgs (types/input.d.ts).
 */
import { isUnknownValue, num, Props, rec, records, str, UNKNOWN } from "./values";

const MIB = 1024 * 1024;

/**
 * A record or nothing: an unknown object reads as absent here, each field stays unknown where it is.
 * (Returning the unknown marker itself would read the same: it has none of the fields.)
 */
function obj(v: unknown): Props {
    const r = rec(v);
    return r === undefined || r === UNKNOWN ? {} : r;
}

/** Swarm restart conditions as the container restart policies they mean. */
const RESTART: Readonly<Record<string, string>> = { any: "always", "on-failure": "on-failure", none: "no" };

function passUnknown<T>(v: unknown, f: (x: unknown) => T): T | unknown {
    return isUnknownValue(v) ? v : f(v);
}

export function containerViewOfService(service: Props): Props {
    const task = obj(service["taskSpec"]);
    const spec = obj(task["containerSpec"]);
    const limits = obj(obj(task["resources"])["limits"]);
    const restart = obj(task["restartPolicy"]);
    const nano = num(limits["nanoCpus"]);
    const memory = num(limits["memoryBytes"]);
    const condition = str(restart["condition"]);
    const adds = spec["capAdds"];
    const drops = spec["capDrops"];
    return {
        image: spec["image"],
        // Service and container labels together: exception labels may sit on either.
        labels: [...records(service["labels"]), ...records(spec["labels"])],
        user: spec["user"],
        readOnly: spec["readOnly"],
        // A Swarm task cannot be privileged nor share host namespaces: the service spec has no such fields.
        capabilities: adds === undefined && drops === undefined ? undefined : { adds, drops },
        healthcheck: spec["healthcheck"],
        // The task's environment as a container's `envs`; values that are not plain text (secrets, unknowns) are left out.
        envs: Object.entries(obj(spec["env"])).flatMap(([k, v]) => (typeof v === "string" ? [`${k}=${v}`] : [])),
        mounts: spec["mounts"],
        cpus: nano === UNKNOWN ? limits["nanoCpus"] : typeof nano === "number" ? String(nano / 1e9) : undefined,
        memory: memory === UNKNOWN ? limits["memoryBytes"] : typeof memory === "number" ? memory / MIB : undefined,
        // Without a restart policy Swarm restarts on any exit.
        restart: condition === UNKNOWN ? restart["condition"] : RESTART[condition ?? "any"] ?? condition,
        maxRetryCount: restart["maxAttempts"],
        networksAdvanced: passUnknown(task["networksAdvanceds"], (v) => v),
        // Every published port listens on all interfaces: of every node (ingress) or of its node (host mode).
        ports: records(obj(service["endpointSpec"])["ports"]).map((p) => ({
            internal: p["targetPort"],
            external: p["publishedPort"],
            ip: "0.0.0.0",
            protocol: p["protocol"],
            publishMode: p["publishMode"],
        })),
    };
}
