import { noSharedMountPropagation } from "../../../policies/rules/no-shared-mount-propagation";
import { compliantContainer, describeCases, T, UNKNOWN_VALUE } from "../harness";

const mount = (propagation: string) => ({ mounts: [{ type: "bind", source: "/srv/media", target: "/media", bindOptions: { propagation } }] });

describe("no-shared-mount-propagation", () => {
    describeCases(noSharedMountPropagation, T.container, compliantContainer, {
        fail: [["shared", mount("shared")], ["rshared", mount("rshared")], ["slave", mount("slave")], ["rslave", mount("rslave")]],
        pass: [["rprivate", mount("rprivate")], ["unknown propagation", mount(UNKNOWN_VALUE)], ["bind without options", { mounts: [{ type: "bind", source: "/srv", target: "/srv" }] }]],
    });
});
