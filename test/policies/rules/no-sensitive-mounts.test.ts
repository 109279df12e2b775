import { noSensitiveMounts } from "../../../policies/rules/no-sensitive-mounts";
import { compliantContainer, runStack, StackInput, T, UNKNOWN_VALUE, Wire } from "../harness";

const image = (ref: string): StackInput => ({ type: T.remoteImage, name: "img", props: { name: ref } });
const container = (patch: Wire): StackInput => ({
    type: T.container, name: "c", props: { ...compliantContainer(), ...patch }, propertyDependencies: { image: ["img"] }, dependsOn: ["img"],
});
const vol = (hostPath: string, readOnly?: boolean) => ({ volumes: [{ hostPath, containerPath: "/x", ...(readOnly === undefined ? {} : { readOnly }) }] });
const run = (ref: string, patch: Wire, config: object = {}) => runStack(noSensitiveMounts, [image(ref), container(patch)], config);

describe("no-sensitive-mounts", () => {
    test("baseline (named volume) passes", () => expect(run("nginx:1.27", {})).toEqual([]));
    test.each([
        ["docker socket", vol("/var/run/docker.sock", true)],
        ["/run/docker.sock", vol("/run/docker.sock")],
        ["/etc", vol("/etc")],
        ["/etc/passwd (child)", vol("/etc/passwd", true)],
        ["/var (parent of the socket)", vol("/var")],
        ["/ root", vol("/")],
        ["/proc via mounts", { mounts: [{ type: "bind", source: "/proc", target: "/host/proc", readOnly: true }] }],
        ["trailing slash", vol("/sys/")],
    ])("fails for a non-allow-listed image: %s", (_l, patch) => expect(run("nginx:1.27", patch)).toHaveLength(1));
    test.each([
        ["/srv/appdata", vol("/srv/appdata")],
        ["unknown hostPath", vol(UNKNOWN_VALUE)],
        ["volume mount type", { mounts: [{ type: "volume", source: "data", target: "/data" }] }],
    ])("passes: %s", (_l, patch) => expect(run("nginx:1.27", patch)).toEqual([]));
    test("allow-listed image may mount the socket read-only", () => {
        expect(run("nickfedor/watchtower:1.21.0", vol("/var/run/docker.sock", true))).toEqual([]);
        expect(run("gcr.io/cadvisor/cadvisor:v0.49.1", vol("/sys", true))).toEqual([]);
    });
    test("allow-listed image mounting writable fails", () => {
        expect(run("nickfedor/watchtower:1.21.0", vol("/var/run/docker.sock"))).toHaveLength(1);
    });
    test("image resolved from a known container image string too", () => {
        const out = runStack(noSensitiveMounts, [{ type: T.container, name: "c", props: { ...compliantContainer(), image: "grafana/alloy:v1.5.0", ...vol("/var/run/docker.sock", true) } }]);
        expect(out).toEqual([]);
    });
    test("unresolvable image is not allow-listed", () => {
        const out = runStack(noSensitiveMounts, [{ type: T.container, name: "c", props: { ...compliantContainer(), ...vol("/var/run/docker.sock", true) } }]);
        expect(out).toHaveLength(1);
        expect(out[0].message).toContain("could not be determined");
    });
    test("config replaces the allow-list and adds paths", () => {
        expect(run("nickfedor/watchtower:1.21.0", vol("/var/run/docker.sock", true), { allowedImages: [] })).toHaveLength(1);
        expect(run("nginx:1.27", vol("/srv/secrets"), { extraSensitivePaths: ["/srv/secrets"] })).toHaveLength(1);
    });
});
