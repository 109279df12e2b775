import { noPublicPorts } from "../../../policies/rules/no-public-ports";
import { compliantContainer, describeCases, runResource, T, UNKNOWN_VALUE, withProps, type Wire } from "../harness";

const port = (ip?: string) => ({ ports: [{ internal: 8080, external: 8080, ...(ip === undefined ? {} : { ip }) }] });

describe("no-public-ports (default config)", () => {
    describeCases(noPublicPorts, T.container, compliantContainer, {
        fail: [
            ["omitted ip (provider default 0.0.0.0)", port(), "port 8080 (host 8080) is published with no host ip (all interfaces), which is every interface."],
            ["0.0.0.0", port("0.0.0.0"), "port 8080 (host 8080) is published with host ip 0.0.0.0, which is every interface."],
            ["::", port("::"), "port 8080 (host 8080) is published with host ip ::, which is every interface."],
            ["[::]", port("[::]"), "port 8080 (host 8080) is published with host ip [::], which is every interface."],
            ["*", port("*"), "port 8080 (host 8080) is published with host ip *, which is every interface."],
            ["public IPv4", port("203.0.113.7"), "port 8080 (host 8080) is published with host ip 203.0.113.7, which is a public address."],
            ["RFC1918 without allowPrivate", port("192.168.1.20"), "port 8080 (host 8080) is published with host ip 192.168.1.20, which is a private address."],
            ["Tailscale without allowTailscale", port("100.100.1.2"), "port 8080 (host 8080) is published with host ip 100.100.1.2, which is a tailscale address."],
            ["ULA without allowPrivate", port("fd12::1"), "port 8080 (host 8080) is published with host ip fd12::1, which is a private address."],
            ["publishAllPorts", { publishAllPorts: true }, "publishAllPorts publishes every exposed port on all host interfaces."],
            ["networkMode host", { networkMode: "host" }, 'networkMode "host" exposes every listening port on all host interfaces.'],
            ["random host port on 0.0.0.0", { ports: [{ internal: 8080, ip: "0.0.0.0" }] }, "port 8080 is published with host ip 0.0.0.0, which is every interface."],
        ],
        pass: [
            ["127.0.0.1", port("127.0.0.1")],
            ["127.0.0.53 (all of 127/8)", port("127.0.0.53")],
            ["::1", port("::1")],
            ["[::1]", port("[::1]")],
            ["unknown ip during preview", port(UNKNOWN_VALUE)],
            ["unknown ports list", { ports: UNKNOWN_VALUE }],
            ["no ports", { ports: undefined }],
            ["publishAllPorts false", { publishAllPorts: false }],
        ],
    });
});

describe("no-public-ports with config", () => {
    const lan = { allowPrivate: true, allowTailscale: false, allowedAddresses: ["203.0.113.7"] };
    const tail = { allowPrivate: false, allowTailscale: true, allowedAddresses: [] };
    const run = (ip: string, config: object) => runResource(noPublicPorts, T.container, withProps(compliantContainer(), port(ip)), config);
    test("allowPrivate admits RFC1918 and fd00::/8", () => {
        expect(run("192.168.1.20", lan)).toEqual([]);
        expect(run("10.0.0.2", lan)).toEqual([]);
        expect(run("fd00::5", lan)).toEqual([]);
    });
    test("allowPrivate does not admit Tailscale", () => expect(run("100.64.0.1", lan)).toEqual(["port 8080 (host 8080) is published with host ip 100.64.0.1, which is a tailscale address."]));
    test("allowTailscale admits 100.64/10 and fd7a:115c:a1e0::/48", () => {
        expect(run("100.127.255.254", tail)).toEqual([]);
        expect(run("fd7a:115c:a1e0::1", tail)).toEqual([]);
    });
    test("allowTailscale does not admit 100.128.0.1 or other fd00::/8", () => {
        expect(run("100.128.0.1", tail)).toEqual(["port 8080 (host 8080) is published with host ip 100.128.0.1, which is a public address."]);
        expect(run("fd7a:115c:a1e1::1", tail)).toEqual(["port 8080 (host 8080) is published with host ip fd7a:115c:a1e1::1, which is a private address."]);
    });
    test("allowedAddresses admits an exact address", () => expect(run("203.0.113.7", lan)).toEqual([]));
    test("allowedAddresses 0.0.0.0 admits an omitted ip, which the provider fills with 0.0.0.0", () => {
        const open = { allowPrivate: false, allowTailscale: false, allowedAddresses: ["0.0.0.0"] };
        expect(runResource(noPublicPorts, T.container, withProps(compliantContainer(), port()), open)).toEqual([]);
    });
    test("0.0.0.0 fails whatever the config", () => expect(run("0.0.0.0", { allowPrivate: true, allowTailscale: true, allowedAddresses: [] })).toEqual(["port 8080 (host 8080) is published with host ip 0.0.0.0, which is every interface."]));
});

describe("no-public-ports on a Swarm service", () => {
    const SERVICE = "docker:index/service:Service";
    type Port = Record<string, string | number>;
    const service = (port: Port): Wire => ({ name: "web", taskSpec: { containerSpec: { image: "ghcr.io/example/web:1.4.2" } }, endpointSpec: { ports: [port] } });
    const tail = "reach it through the tunnel, or set allowSwarmPorts in this stack's policy config.";
    test.each<[string, Port, string]>([
        ["ingress mode", { targetPort: 8080, publishedPort: 8443, publishMode: "ingress" }, `Swarm publishes container port 8080 on port 8443 on every interface of every node (routing mesh); ${tail}`],
        ["host mode", { targetPort: 8080, publishedPort: 8443, publishMode: "host" }, `Swarm publishes container port 8080 on port 8443 on every interface of the node running the task; ${tail}`],
        ["no published port", { targetPort: 8080, publishMode: "ingress" }, `Swarm publishes container port 8080 on a random port on every interface of every node (routing mesh); ${tail}`],
    ])("%s", (_label, port, fired) => expect(runResource(noPublicPorts, SERVICE, service(port))).toEqual([fired]));
});
