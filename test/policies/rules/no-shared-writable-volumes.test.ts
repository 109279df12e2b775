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

    const withMounts = (name: string, mounts: Wire[]): StackInput => ({ type: T.container, name, provider: HOST_A, props: { ...compliantContainer(), name, volumes: [], mounts: mounts as never } });

    test.each<[string, StackInput[]]>([
        ["the second mounts it read-only", [container("app", data()), container("reader", data(true))]],
        ["the second mounts it read-only through `mounts`", [container("app", data()), withMounts("reader", [{ type: "volume", source: "app-data", target: "/data", readOnly: true }])]],
        ["bind mounts through `mounts` are not volumes", [withMounts("app", [{ type: "bind", source: "/srv/app", target: "/data" }]), withMounts("other", [{ type: "bind", source: "/srv/app", target: "/data" }])]],
        ["one container mounts the volume at two paths", [{ ...container("app", data()), props: { ...compliantContainer(), name: "app", volumes: [{ containerPath: "/data", volumeName: "app-data" }, { containerPath: "/backup", volumeName: "app-data" }] } }]],
        ["only containers are judged: a component passing the same inputs on", [container("app", data()), { ...container("app-component", data()), type: "homelab:service:HomelabService" }]],
        ["a container under the default provider and one on a named host", [container("app", data()), { ...container("other", data()), provider: undefined }]],
        ["same name on another host (another volume)", [container("app", data()), container("app", data(), HOST_B)]],
        ["different volumes", [container("app", data()), container("db", { volumeName: "db-data" })]],
        ["the second's volume name is unknown", [container("app", data()), container("other", { volumeName: UNKNOWN_VALUE })]],
        ["the second's mode is unknown", [container("app", data()), container("other", data(UNKNOWN_VALUE))]],
        ["bind mounts are not volumes", [container("app", { hostPath: "/srv/app" }), container("other", { hostPath: "/srv/app" })]],
    ])("passes: %s", (_label, cs) => expect(run(...cs)).toEqual([]));

    test("containers with no explicit provider share the default host", () => {
        // Spread, not the helper's argument: an undefined argument would take its default host.
        expect(run({ ...container("app", data()), provider: undefined }, { ...container("other", data()), provider: undefined })).toHaveLength(2);
    });
});
