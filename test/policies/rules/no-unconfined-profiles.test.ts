import { noUnconfinedProfiles, unconfinedOptions } from "../../../policies/rules/no-unconfined-profiles";
import { compliantContainer, describeCases, runResource, T, UNKNOWN_VALUE, withProps } from "../harness";

const nnp = "no-new-privileges:true";

describe("no-unconfined-profiles", () => {
    describeCases(noUnconfinedProfiles, T.container, compliantContainer, {
        fail: [
            ["seccomp=unconfined", { securityOpts: [nnp, "seccomp=unconfined"] }, `securityOpts "seccomp=unconfined" turns off Docker's default seccomp profile (every system call allowed).`],
            ["seccomp:unconfined (older spelling)", { securityOpts: [nnp, "seccomp:unconfined"] }, `securityOpts "seccomp:unconfined" turns off Docker's default seccomp profile (every system call allowed).`],
            ["apparmor=unconfined", { securityOpts: [nnp, "apparmor=unconfined"] }, 'securityOpts "apparmor=unconfined" turns off the AppArmor profile.'],
            ["label=disable", { securityOpts: [nnp, "label=disable"] }, 'securityOpts "label=disable" turns off SELinux labelling.'],
            ["systempaths=unconfined", { securityOpts: [nnp, "systempaths=unconfined"] }, 'securityOpts "systempaths=unconfined" unmasks /proc and /sys paths Docker hides from containers.'],
            ["known unconfined entry beside an unknown one", { securityOpts: [UNKNOWN_VALUE, "seccomp=unconfined"] }, `securityOpts "seccomp=unconfined" turns off Docker's default seccomp profile (every system call allowed).`],
        ],
        pass: [
            ["securityOpts omitted", { securityOpts: undefined }],
            ["a custom seccomp profile", { securityOpts: [nnp, "seccomp=/etc/docker/seccomp/web.json"] }],
            ["a named AppArmor profile", { securityOpts: [nnp, "apparmor=docker-default"] }],
            ["an SELinux label", { securityOpts: [nnp, "label=type:svirt_apache_t"] }],
            ["securityOpts unknown", { securityOpts: UNKNOWN_VALUE }],
        ],
    });

    test("names every offending option in its own message", () => {
        const messages = runResource(noUnconfinedProfiles, T.container, withProps(compliantContainer(), { securityOpts: ["seccomp=unconfined", nnp, "apparmor=unconfined"] }));
        expect(messages).toHaveLength(2);
        expect(messages[0]).toContain('"seccomp=unconfined"');
        expect(messages[1]).toContain('"apparmor=unconfined"');
    });

    test("unconfinedOptions trims and keeps the option as written", () => {
        expect(unconfinedOptions([" SECCOMP=unconfined ", nnp]).map((u) => u.option)).toEqual(["SECCOMP=unconfined"]);
    });
});
