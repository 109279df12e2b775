import { noHostNamespaces } from "../../../policies/rules/no-host-namespaces";
import { compliantContainer, describeCases, T, UNKNOWN_VALUE } from "../harness";

describe("no-host-namespaces", () => {
    describeCases(noHostNamespaces, T.container, compliantContainer, {
        fail: [
            ["pidMode host", { pidMode: "host" }, 'pidMode: "host" shares the host PID namespace.'],
            ["ipcMode host", { ipcMode: "host" }, 'ipcMode: "host" shares the host IPC namespace.'],
            ["usernsMode host", { usernsMode: "host" }, 'usernsMode: "host" shares the host user namespace.'],
            ["cgroupnsMode host", { cgroupnsMode: "host" }, 'cgroupnsMode: "host" shares the host cgroup namespace.'],
            ["cgroupParent set", { cgroupParent: "nat-docker" }, `cgroupParent "nat-docker" moves the container out of Docker's cgroup.`],
        ],
        pass: [
            ["ipcMode private", { ipcMode: "private" }],
            ["pidMode container:x", { pidMode: "container:abc" }],
            ["pidMode unknown", { pidMode: UNKNOWN_VALUE }],
            ["cgroupParent empty (Docker's default)", { cgroupParent: "" }],
            ["cgroupParent unknown", { cgroupParent: UNKNOWN_VALUE }],
        ],
    });
});
