import { noSharedMountPropagation } from "../../../policies/rules/no-shared-mount-propagation";
import { compliantContainer, describeCases, T, UNKNOWN_VALUE } from "../harness";

const mount = (propagation: string) => ({ mounts: [{ type: "bind", source: "/srv/media", target: "/media", bindOptions: { propagation } }] });

describe("no-shared-mount-propagation", () => {
    describeCases(noSharedMountPropagation, T.container, compliantContainer, {
        fail: [["shared", mount("shared"), 'mount /media uses "shared" propagation.'], ["rshared", mount("rshared"), 'mount /media uses "rshared" propagation.'], ["slave", mount("slave"), 'mount /media uses "slave" propagation.'], ["rslave", mount("rslave"), 'mount /media uses "rslave" propagation.']],
        pass: [["rprivate", mount("rprivate")], ["unknown propagation", mount(UNKNOWN_VALUE)], ["bind without options", { mounts: [{ type: "bind", source: "/srv", target: "/srv" }] }]],
    });
});
