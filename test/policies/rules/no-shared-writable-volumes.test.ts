import { noSharedWritableVolumes } from "../../../policies/rules/no-shared-writable-volumes";
import { compliantContainer, runStack, T, UNKNOWN_VALUE, type StackInput, type Wire } from "../harness";

const HOST_A = "urn:pulumi:test::homelab::pulumi:providers:docker::server-docker";
const HOST_B = "urn:pulumi:test::homelab::pulumi:providers:docker::vps-docker";

const container = (name: string, volume: Wire, provider: string | undefined = HOST_A): StackInput => ({
    type: T.container, name, provider, props: { ...compliantContainer(), name, volumes: [{ containerPath: "/data", ...volume }] },
});
const data = (readOnly?: Wire[string]): Wire => ({ volumeName: "app-data", ...(readOnly === undefined ? {} : { readOnly }) });
const run = (...cs: StackInput[]) => runStack(noSharedWritableVolumes, cs);

describe("no-shared-writable-volumes", () => {
    test("baseline: one writer passes", () => expect(run(container("app", data()))).toEqual([]));

    test("two writers on one host fail, each named", () => {
        const out = run(container("app", data()), container("backup", data(false)));
        expect(out.map((o) => o.urn)).toEqual([expect.stringMatching(/::app$/), expect.stringMatching(/::backup$/)]);
        expect(out[0].message).toContain('volume "app-data" is mounted writable by 2 containers on one host (app, backup)');
    });

    test("a writer through `mounts` (type volume) counts", () => {
        const viaMounts: StackInput = { type: T.container, name: "sync", provider: HOST_A, props: { ...compliantContainer(), mounts: [{ type: "volume", source: "app-data", target: "/sync" }] } };
        expect(run(container("app", data()), viaMounts)).toHaveLength(2);
    });

    test.each([
        ["the second mounts it read-only", [container("app", data()), container("reader", data(true))]],
        ["same name on another host (another volume)", [container("app", data()), container("app", data(), HOST_B)]],
        ["different volumes", [container("app", data()), container("db", { volumeName: "db-data" })]],
        ["the second's volume name is unknown", [container("app", data()), container("other", { volumeName: UNKNOWN_VALUE })]],
        ["the second's mode is unknown", [container("app", data()), container("other", data(UNKNOWN_VALUE))]],
        ["bind mounts are not volumes", [container("app", { hostPath: "/srv/app" }), container("other", { hostPath: "/srv/app" })]],
    ] as const)("passes: %s", (_label, cs) => expect(run(...cs)).toEqual([]));

    test("containers with no explicit provider share the default host", () => {
        expect(run(container("app", data(), undefined), container("other", data(), undefined))).toHaveLength(2);
    });
});
