import { noSensitiveMounts } from "../../../policies/rules/no-sensitive-mounts";
import { compliantContainer, runStack, StackInput, T, UNKNOWN_VALUE, Wire } from "../harness";

const image = (ref: string): StackInput => ({ type: T.remoteImage, name: "img", props: { name: ref } });
const container = (patch: Wire): StackInput => ({
    type: T.container, name: "c", props: { ...compliantContainer(), ...patch }, propertyDependencies: { image: ["img"] }, dependsOn: ["img"],
});
const vol = (hostPath: string, readOnly?: boolean) => ({ volumes: [{ hostPath, containerPath: "/x", ...(readOnly === undefined ? {} : { readOnly }) }] });
const run = (ref: string, patch: Wire, config: object = {}) => runStack(noSensitiveMounts, [image(ref), container(patch)], config);
const URN = "urn:pulumi:test::homelab::docker:index/container:Container::c";
/** The one violation expected, on the container. */
const only = (message: string) => [{ message, urn: URN }];

describe("no-sensitive-mounts", () => {
    test("baseline (named volume) passes", () => expect(run("nginx:1.27", {})).toEqual([]));
    test.each([
        ["docker socket", vol("/var/run/docker.sock", true), "c mounts /var/run/docker.sock (the Docker socket) but image nginx is not allow-listed."],
        ["/run/docker.sock", vol("/run/docker.sock"), "c mounts /run/docker.sock (the Docker socket) but image nginx is not allow-listed."],
        ["/etc", vol("/etc"), "c mounts /etc (sensitive host path /etc) but image nginx is not allow-listed."],
        ["/etc/passwd (child)", vol("/etc/passwd", true), "c mounts /etc/passwd (sensitive host path /etc) but image nginx is not allow-listed."],
        ["/var (parent of the socket)", vol("/var"), "c mounts /var (the Docker socket) but image nginx is not allow-listed."],
        ["/ root", vol("/"), "c mounts / (sensitive host path /) but image nginx is not allow-listed."],
        ["/proc via mounts", { mounts: [{ type: "bind", source: "/proc", target: "/host/proc", readOnly: true }] }, "c mounts /proc (sensitive host path /proc) but image nginx is not allow-listed."],
        ["trailing slash", vol("/sys/"), "c mounts /sys/ (sensitive host path /sys) but image nginx is not allow-listed."],
    ] as [string, Wire, string][])("fails for a non-allow-listed image: %s", (_l, patch, fired) => expect(run("nginx:1.27", patch)).toEqual(only(fired)));
    test.each([
        ["/srv/appdata", vol("/srv/appdata")],
        ["unknown hostPath", vol(UNKNOWN_VALUE)],
        ["volume mount type", { mounts: [{ type: "volume", source: "data", target: "/data" }] }],
        ["unknown bind source", { mounts: [{ type: "bind", source: UNKNOWN_VALUE, target: "/x" }] }],
    ])("passes: %s", (_l, patch) => expect(run("nginx:1.27", patch)).toEqual([]));
    test("allow-listed image may mount the socket read-only", () => {
        expect(run("nickfedor/watchtower:1.21.0", vol("/var/run/docker.sock", true))).toEqual([]);
        expect(run("gcr.io/cadvisor/cadvisor:v0.49.1", vol("/sys", true))).toEqual([]);
    });
    test("allow-listed image mounting writable fails", () => {
        expect(run("nickfedor/watchtower:1.21.0", vol("/var/run/docker.sock"))).toEqual(
            only("c mounts /var/run/docker.sock (the Docker socket) writable; allow-listed images must mount it read-only."),
        );
        expect(run("nickfedor/watchtower:1.21.0", { mounts: [{ type: "bind", source: "/var/run/docker.sock", target: "/var/run/docker.sock", readOnly: false }] })).toEqual(
            only("c mounts /var/run/docker.sock (the Docker socket) writable; allow-listed images must mount it read-only."),
        );
    });
    test("an allow-listed Docker API proxy may not open write endpoints to its network", () => {
        const proxy = "lscr.io/linuxserver/socket-proxy:3.4.3-r0-ls92";
        const socket = vol("/var/run/docker.sock", true);
        expect(run(proxy, { ...socket, envs: ["TASKS=1", "SERVICES=1", "POST=0"] })).toEqual([]);
        expect(run(proxy, { ...socket, envs: ["TASKS=1", "POST=1"] })).toEqual(
            only("c serves the Docker API with POST=1: write access for its whole network; keep POST and ALLOW_* at 0."),
        );
        expect(run(proxy, { ...socket, envs: ["ALLOW_RESTARTS=1", "ALLOW_STOP=true"] })).toEqual(
            only("c serves the Docker API with ALLOW_RESTARTS=1, ALLOW_STOP=true: write access for its whole network; keep POST and ALLOW_* at 0."),
        );
        expect(run(proxy, socket)).toEqual([]);
        // A null item (an undefined array element on the wire) is no switch.
        expect(run(proxy, { ...socket, envs: ["TASKS=1", null] })).toEqual([]);
        // The same variables mean nothing to another allow-listed agent.
        expect(run("nickfedor/watchtower:1.21.0", { ...socket, envs: ["POST=1"] })).toEqual([]);
    });
    test("a switch is open at any value HAProxy reads as a non-zero number, and at true", () => {
        const proxy = "lscr.io/linuxserver/socket-proxy:3.4.3-r0-ls92";
        const socket = vol("/var/run/docker.sock", true);
        for (const v of ["1", "10", "+2", "-1", "007", "3x", "true", "TRUE"]) {
            expect(run(proxy, { ...socket, envs: [`POST=${v}`] })).toEqual(
                only(`c serves the Docker API with POST=${v}: write access for its whole network; keep POST and ALLOW_* at 0.`),
            );
        }
        // HAProxy reads the leading digits after an optional sign: none, or only zeros, is 0.
        for (const v of ["0", "00", "", "false", "no", "x1", " 1", "0=1"]) expect(run(proxy, { ...socket, envs: [`POST=${v}`] })).toEqual([]);
        // Only the exact names are switches.
        expect(run(proxy, { ...socket, envs: ["POSTGRES=1", "XPOST=1", "POST", "ALLOW_STARTUP=1"] })).toEqual([]);
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
    test("only containers are judged: a component passing a container's inputs on is not", () => {
        const component: StackInput = { type: "homelab:service:HomelabService", name: "c", props: { ...compliantContainer(), ...vol("/var/run/docker.sock") } };
        expect(runStack(noSensitiveMounts, [image("nginx:1.27"), component])).toEqual([]);
    });
    test("config replaces the allow-list and adds paths", () => {
        expect(run("nickfedor/watchtower:1.21.0", vol("/var/run/docker.sock", true), { allowedImages: [] })).toEqual(
            only("c mounts /var/run/docker.sock (the Docker socket) but image nickfedor/watchtower is not allow-listed."),
        );
        expect(run("nginx:1.27", vol("/srv/secrets"), { extraSensitivePaths: ["/srv/secrets"] })).toEqual(
            only("c mounts /srv/secrets (sensitive host path /srv/secrets) but image nginx is not allow-listed."),
        );
        // A configured path is compared as written by a user: trailing or doubled slashes do not matter.
        expect(run("nginx:1.27", vol("/srv/secrets/app"), { extraSensitivePaths: ["/srv//secrets/"] })).toEqual(
            only("c mounts /srv/secrets/app (sensitive host path /srv/secrets) but image nginx is not allow-listed."),
        );
    });
});
