import { noPrivilegedHostPorts } from "../../../policies/rules/no-privileged-host-ports";
import { compliantContainer, describeCases, T, UNKNOWN_VALUE } from "../harness";

const ext = (external: unknown) => ({ ports: [{ internal: 80, external, ip: "127.0.0.1" }] as never });

describe("no-privileged-host-ports", () => {
    describeCases(noPrivilegedHostPorts, T.container, compliantContainer, {
        fail: [["host port 80", ext(80), "host port 80 is a privileged port."], ["host port 443", ext(443), "host port 443 is a privileged port."]],
        pass: [["host port 8080", ext(8080)], ["host port 1024, the first unprivileged one", ext(1024)], ["host port 0 (Docker picks a free one)", ext(0)], ["host port unknown", ext(UNKNOWN_VALUE)], ["internal 80, random host port", ext(undefined)]],
    });
});
