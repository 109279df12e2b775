import { requireBackup } from "../../../policies/rules/require-backup";
import { compliantContainer, runStack, T, UNKNOWN_VALUE, type StackInput, type Wire } from "../harness";

const VOLUME = "docker:index/volume:Volume";
const HOST_A = "urn:pulumi:test::homelab::pulumi:providers:docker::server-docker";
const HOST_B = "urn:pulumi:test::homelab::pulumi:providers:docker::nas-docker";

const volume = (name: string, provider = HOST_A): StackInput => ({ type: VOLUME, name: `${name}-volume`, props: { name }, provider });

/** The compliant baseline: a data volume, and a runner on the same host mounting it read-only. */
function runner(patch: Wire = {}, provider = HOST_A): StackInput {
    return {
        type: T.container,
        name: "server-backup-runner-container",
        provider,
        props: {
            ...compliantContainer(),
            name: "homelab-backup",
            volumes: [{ volumeName: "app-data", containerPath: "/data/app-data", readOnly: true }],
            labels: [{ label: "homelab.backup.role", value: "runner" }, { label: "homelab.backup.excluded", value: "" }],
            ...patch,
        },
    };
}
const run = (inputs: StackInput[], config: object = {}) => runStack(requireBackup, inputs, config);

describe("require-backup", () => {
    test("baseline: the host's runner mounts the volume read-only", () => expect(run([volume("app-data"), runner()])).toEqual([]));

    test.each<[string, StackInput[]]>([
        ["no runner at all", [volume("app-data")]],
        ["the runner lacks its role label", [volume("app-data"), runner({ labels: [] })]],
        ["the runner mounts the volume writable (its own scratch, not a backup)", [volume("app-data"), runner({ volumes: [{ volumeName: "app-data", containerPath: "/data/app-data", readOnly: false }] })]],
        ["the runner mounts another volume", [volume("app-data"), runner({ volumes: [{ volumeName: "other", containerPath: "/data/other", readOnly: true }] })]],
        ["the runner runs on another host", [volume("app-data"), runner({}, HOST_B)]],
        ["the volume is labelled with another service", [{ ...volume("app-data"), props: { name: "app-data", labels: [{ label: "homelab.service", value: "commander" }] } }, runner({ volumes: [] })]],
        ["the excluded label names another volume", [volume("app-data"), runner({ volumes: [], labels: [{ label: "homelab.backup.role", value: "runner" }, { label: "homelab.backup.excluded", value: "pgdata" }] })]],
        ["only a container is a runner: the volume itself carries the runner's labels", [{ ...volume("app-data"), props: { name: "app-data", labels: [{ label: "homelab.backup.role", value: "runner" }, { label: "homelab.backup.staging", value: "app-data" }, { label: "homelab.backup.excluded", value: "app-data" }] } }]],
    ])("fails: %s", (_label, inputs) => {
        const out = run(inputs);
        expect(out).toHaveLength(1);
        expect(out[0].message).toContain("volume app-data is retained but not backed up");
        expect(out[0].urn).toBe("urn:pulumi:test::homelab::docker:index/volume:Volume::app-data-volume");
    });

    test.each<[string, StackInput[], object]>([
        ["skipped on purpose (excluded label)", [volume("app-data"), runner({ volumes: [], labels: [{ label: "homelab.backup.role", value: "runner" }, { label: "homelab.backup.excluded", value: "pgdata app-data" }] })], {}],
        ["exempt in the policy config", [volume("app-data")], { exemptVolumes: ["app-data"] }],
        ["platform data exempt by default", [volume("prometheus-data")], {}],
        ["volume name unknown during preview", [{ ...volume("x"), props: { name: UNKNOWN_VALUE } }], {}],
        ["the runner's own staging volume (named in the runner's staging label)", [volume("homelab-backup-staging-prod"), runner({ labels: [{ label: "homelab.backup.role", value: "runner" }, { label: "homelab.backup.staging", value: "homelab-backup-staging-prod" }] })], {}],
        ["Alertmanager's silences are platform data, exempt by default", [volume("alertmanager-data")], {}],
        ["volume and runner both under the default provider", [{ ...volume("app-data"), provider: undefined }, { ...runner(), provider: undefined }], {}],
    ])("passes: %s", (_label, inputs, config) => expect(run(inputs, config)).toEqual([]));

    test("a volume named like a staging volume is reported when no runner names it as its staging", () => {
        const out = run([volume("homelab-backup-staging-prod"), runner()]);
        expect(out.map((o) => o.message)).toEqual([expect.stringContaining("volume homelab-backup-staging-prod is retained but not backed up")]);
    });

    test.each<[string, StackInput]>([
        ["an empty staging label", runner({ volumes: [], labels: [{ label: "homelab.backup.role", value: "runner" }, { label: "homelab.backup.staging", value: "" }] })],
        ["an empty excluded label", runner({ volumes: [], labels: [{ label: "homelab.backup.role", value: "runner" }, { label: "homelab.backup.excluded", value: "" }] })],
        ["an excluded label of spaces only", runner({ volumes: [], labels: [{ label: "homelab.backup.role", value: "runner" }, { label: "homelab.backup.excluded", value: "  " }] })],
    ])("%s covers no volume, not even one whose name input is empty", (_label, r) => {
        expect(run([volume(""), r]).map((o) => o.message)).toEqual(["volume  is retained but not backed up: no backup runner on its host mounts it, and the stack file does not skip it."]);
    });

    test("a runner without the excluded label skips no volume, whatever its name", () => {
        const r = runner({ volumes: [], labels: [{ label: "homelab.backup.role", value: "runner" }] });
        expect(run([volume("was"), volume("here"), r]).map((o) => o.message.split(" ")[1])).toEqual(["was", "here"]);
    });

    test("each uncovered volume is reported once", () => {
        const out = run([volume("app-data"), volume("pgdata"), volume("cache"), runner()]);
        expect(out.map((o) => o.message.split(" ")[1]).sort()).toEqual(["cache", "pgdata"]);
    });
});
