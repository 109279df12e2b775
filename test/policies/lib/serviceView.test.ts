import { containerViewOfService } from "../../../policies/lib/serviceView";

const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

// A docker.Service's inputs as @pulumi/docker 5.x sends them, and the docker.Container inputs they mean.
const service = {
    labels: [{ label: "com.docker.stack.namespace", value: "homelab" }],
    endpointSpec: { ports: [{ targetPort: 8000, publishedPort: 8080, protocol: "tcp", publishMode: "host" }] },
    taskSpec: {
        containerSpec: {
            image: "ghcr.io/owner/api:1.2.3",
            labels: [{ label: "homelab.healthcheck", value: "none" }],
            user: "1000:1000",
            readOnly: true,
            capAdds: ["NET_BIND_SERVICE"],
            healthcheck: { tests: ["CMD", "true"] },
            env: { LOG_LEVEL: "info", API_TOKEN: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "x" }, PORT: 8000 },
            mounts: [{ target: "/data", type: "volume", source: "api-data" }],
        },
        resources: { limits: { nanoCpus: 500_000_000, memoryBytes: 268_435_456 } },
        restartPolicy: { condition: "on-failure", maxAttempts: 3 },
        networksAdvanceds: [{ name: "homelab" }],
    },
};

describe("containerViewOfService", () => {
    it("reads a service's task as the container inputs it means", () => {
        expect(containerViewOfService(service)).toEqual({
            image: "ghcr.io/owner/api:1.2.3",
            labels: [
                { label: "com.docker.stack.namespace", value: "homelab" },
                { label: "homelab.healthcheck", value: "none" },
            ],
            user: "1000:1000",
            readOnly: true,
            capabilities: { adds: ["NET_BIND_SERVICE"], drops: undefined },
            healthcheck: { tests: ["CMD", "true"] },
            envs: ["LOG_LEVEL=info"],
            mounts: [{ target: "/data", type: "volume", source: "api-data" }],
            cpus: "0.5",
            memory: 256,
            restart: "on-failure",
            maxRetryCount: 3,
            networksAdvanced: [{ name: "homelab" }],
            ports: [{ internal: 8000, external: 8080, ip: "0.0.0.0", protocol: "tcp", publishMode: "host" }],
        });
    });

    it("reads Swarm's restart conditions as container restart policies, and no policy as any exit", () => {
        const restartOf = (restartPolicy: unknown) => containerViewOfService({ taskSpec: { restartPolicy } })["restart"];
        expect(restartOf(undefined)).toBe("always");
        expect(restartOf({})).toBe("always");
        expect(restartOf({ condition: "any" })).toBe("always");
        expect(restartOf({ condition: "none" })).toBe("no");
        expect(restartOf({ condition: "sometimes" })).toBe("sometimes");
        expect(restartOf({ condition: UNKNOWN_STRING })).toBe(UNKNOWN_STRING);
    });

    it("keeps unknown limits and networks unknown, and has no limits or capabilities where the task sets none", () => {
        const view = containerViewOfService({
            taskSpec: { resources: { limits: { nanoCpus: UNKNOWN_STRING, memoryBytes: UNKNOWN_STRING } }, networksAdvanceds: UNKNOWN_STRING },
        });
        expect(view["cpus"]).toBe(UNKNOWN_STRING);
        expect(view["memory"]).toBe(UNKNOWN_STRING);
        expect(view["networksAdvanced"]).toBe(UNKNOWN_STRING);
        const bare = containerViewOfService({});
        expect(bare["cpus"]).toBeUndefined();
        expect(bare["memory"]).toBeUndefined();
        expect(bare["capabilities"]).toBeUndefined();
        expect(bare["labels"]).toEqual([]);
        expect(bare["envs"]).toEqual([]);
        expect(bare["ports"]).toEqual([]);
        expect(containerViewOfService({ taskSpec: { containerSpec: { capDrops: ["ALL"] } } })["capabilities"]).toEqual({ adds: undefined, drops: ["ALL"] });
    });

    it("reads an unknown task or container spec as one with nothing set", () => {
        const view = containerViewOfService({ taskSpec: UNKNOWN_STRING, endpointSpec: UNKNOWN_STRING });
        expect(view["image"]).toBeUndefined();
        expect(view["ports"]).toEqual([]);
        expect(containerViewOfService({ taskSpec: { containerSpec: UNKNOWN_STRING } })["image"]).toBeUndefined();
    });
});
