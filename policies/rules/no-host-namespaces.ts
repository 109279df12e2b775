import { resourceRule, TYPES } from "../lib/policy";
import { str } from "../lib/values";

const NAMESPACES = [
    ["pidMode", "PID"],
    ["ipcMode", "IPC"],
    ["usernsMode", "user"],
    ["cgroupnsMode", "cgroup"],
] as const;

export const noHostNamespaces = resourceRule<Record<string, never>>({
    name: "no-host-namespaces",
    description: "Containers must not share the host's PID, IPC, user or cgroup namespace, nor use a custom cgroup parent.",
    remediationSteps:
        "Remove `pidMode`/`ipcMode`/`usernsMode`/`cgroupnsMode: \"host\"` and `cgroupParent`. For monitoring agents that need host " +
        "process data, prefer the exporter's documented read-only mounts over sharing the namespace.",
    severity: "high",
    defaults: {},
    types: [TYPES.container],
    check: (props, _config, report) => {
        for (const [key, what] of NAMESPACES) {
            if (str(props[key]) === "host") report(`${key}: "host" shares the host ${what} namespace.`);
        }
        // A non-default cgroup parent places the container outside the limits Docker manages for it.
        const parent = str(props["cgroupParent"]);
        if (typeof parent === "string" && parent !== "") report(`cgroupParent "${parent}" moves the container out of Docker's cgroup.`);
    },
});
