/**
 * The container rules read a Swarm service through its container view: a
 * compliant service passes the whole pack, and each single change from it
 * trips the rule a container with the same change would trip.
 */
import type { Policy } from "@pulumi/policy";
import { policies } from "../../policies/policies";
import { noSensitiveMounts } from "../../policies/rules/no-sensitive-mounts";
import { runResource, runStack, type Wire } from "./harness";

const SERVICE = "docker:index/service:Service";

/** A Swarm service as SwarmService renders one, compliant with every rule. */
function compliantService(): Wire {
    return {
        name: "web",
        labels: [{ label: "homelab.service", value: "web" }],
        mode: { replicated: { replicas: 2 } },
        taskSpec: {
            containerSpec: {
                image: "ghcr.io/example/web:1.4.2",
                capDrops: ["ALL"],
                healthcheck: { tests: ["CMD", "wget", "-qO-", "http://127.0.0.1:8080/health"], interval: "10s" },
                mounts: [{ type: "volume", source: "web-data", target: "/data", readOnly: false }],
                labels: [{ label: "homelab.service", value: "web" }],
            },
            resources: { limits: { memoryBytes: 256 * 1024 * 1024, nanoCpus: 500_000_000 }, reservation: { memoryBytes: 256 * 1024 * 1024 } },
            restartPolicy: { condition: "any", delay: "5s" },
            networksAdvanceds: [{ id: "net-id", aliases: ["web"] }],
        },
    };
}

type Obj = { [k: string]: Wire[string] };
/** The compliant service with one value changed at a path (`undefined` deletes it). */
function changed(path: readonly string[], value: Wire[string]): Wire {
    const out = JSON.parse(JSON.stringify(compliantService())) as Obj;
    let at = out;
    for (const k of path.slice(0, -1)) at = at[k] as Obj;
    if (value === undefined) delete at[path[path.length - 1]];
    else at[path[path.length - 1]] = value;
    return out as Wire;
}

/** Rule name -> its messages, for every resource rule of the pack. */
function findings(props: Wire, config: Record<string, object> = {}): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const p of policies as Policy[]) {
        if (!("validateResource" in p)) continue;
        const m = runResource(p, SERVICE, props, config[p.name] ?? {});
        if (m.length > 0) out[p.name] = m;
    }
    return out;
}

const C = ["taskSpec", "containerSpec"];

test("a compliant service passes every rule of the pack", () => {
    expect(findings(compliantService())).toEqual({});
});

test.each([
    ["no-public-ports", ["endpointSpec"], { ports: [{ targetPort: 8080, publishedPort: 8080, protocol: "tcp", publishMode: "ingress" }] }],
    ["restrict-capabilities", [...C, "capAdds"], ["NET_ADMIN"]],
    ["require-healthcheck", [...C, "healthcheck"], undefined],
    ["require-memory-limit", ["taskSpec", "resources", "limits", "memoryBytes"], undefined],
    ["require-cpu-limit", ["taskSpec", "resources", "limits", "nanoCpus"], undefined],
    ["require-homelab-network", ["taskSpec", "networksAdvanceds"], []],
    ["allowed-registries", [...C, "image"], "registry.example.net/web:1.4.2"],
    ["require-pinned-images", [...C, "image"], "ghcr.io/example/web:latest"],
    ["no-shared-mount-propagation", [...C, "mounts"], [{ type: "bind", source: "/srv/web", target: "/srv", bindOptions: { propagation: "rshared" } }]],
    ["require-restart-policy", ["taskSpec", "restartPolicy", "condition"], "none"],
] as const)("%s flags a service with %j changed", (rule, path, value) => {
    expect(Object.keys(findings(changed(path, value as Wire[string])))).toEqual([rule]);
});

test("a service's published port is a violation whatever the address, with its own message", () => {
    const props = changed(["endpointSpec"], { ports: [{ targetPort: 8080, publishedPort: 8443, protocol: "tcp", publishMode: "host" }] });
    const lenient = { "no-public-ports": { allowPrivate: true, allowTailscale: true, allowedAddresses: ["0.0.0.0"] } };
    expect(findings(props, lenient)).toEqual({
        "no-public-ports": ["Swarm publishes container port 8080 on port 8443 on every interface of the node running the task; reach it through the tunnel, or set allowSwarmPorts in this stack's policy config."],
    });
});

test("allowSwarmPorts in the stack's policy config admits it on purpose", () => {
    const props = changed(["endpointSpec"], { ports: [{ targetPort: 8080, publishedPort: 8080, protocol: "tcp", publishMode: "ingress" }] });
    expect(findings(props, { "no-public-ports": { allowSwarmPorts: true } })).toEqual({});
});

test("a one-shot service (label) may have no restart", () => {
    const props = changed(["labels"], [{ label: "homelab.oneshot", value: "true" }]);
    (props.taskSpec as Obj).restartPolicy = { condition: "none" };
    expect(findings(props)).toEqual({});
});

test("the stack rules see a service's mounts too", () => {
    const props = changed([...C, "mounts"], [{ type: "bind", source: "/var/run/docker.sock", target: "/var/run/docker.sock", readOnly: true }]);
    expect(runStack(noSensitiveMounts, [{ type: SERVICE, name: "web", props }])).toHaveLength(1);
    expect(runStack(noSensitiveMounts, [{ type: SERVICE, name: "web", props: compliantService() }])).toEqual([]);
});

test("a Docker API proxy service is judged by its task's environment: POST=1 opens the API to its network", () => {
    const proxy = (env: Record<string, string>): Wire => {
        const props = changed([...C, "image"], "lscr.io/linuxserver/socket-proxy:3.4.3-r0-ls92");
        const spec = (props.taskSpec as Obj).containerSpec as Obj;
        spec.mounts = [{ type: "bind", source: "/var/run/docker.sock", target: "/var/run/docker.sock", readOnly: true }];
        spec.env = env;
        return props;
    };
    expect(runStack(noSensitiveMounts, [{ type: SERVICE, name: "socket-proxy", props: proxy({ TASKS: "1", POST: "0" }) }])).toEqual([]);
    expect(runStack(noSensitiveMounts, [{ type: SERVICE, name: "socket-proxy", props: proxy({ TASKS: "1", POST: "1" }) }]).map((f) => f.message)).toEqual([
        "socket-proxy serves the Docker API with POST=1: write access for its whole network; keep POST and ALLOW_* at 0.",
    ]);
});
