import { noHostNamespaces } from "../../../policies/rules/no-host-namespaces";
import { compliantContainer, describeCases, T, UNKNOWN_VALUE } from "../harness";

describe("no-host-namespaces", () => {
    describeCases(noHostNamespaces, T.container, compliantContainer, {
        fail: [
            ["pidMode host", { pidMode: "host" }],
            ["ipcMode host", { ipcMode: "host" }],
            ["usernsMode host", { usernsMode: "host" }],
            ["cgroupnsMode host", { cgroupnsMode: "host" }],
            ["cgroupParent set", { cgroupParent: "nat-docker" }],
        ],
        pass: [
            ["ipcMode private", { ipcMode: "private" }],
            ["pidMode container:x", { pidMode: "container:abc" }],
            ["pidMode unknown", { pidMode: UNKNOWN_VALUE }],
        ],
    });
});
