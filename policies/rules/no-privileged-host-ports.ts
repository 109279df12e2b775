import { resourceRule, TYPES } from "../lib/policy";
import { num, records } from "../lib/values";

export const noPrivilegedHostPorts = resourceRule<Record<string, never>>({
    name: "no-privileged-host-ports",
    description: "Host ports below 1024 should be reserved for the reverse proxy.",
    remediationSteps: "Publish on a high host port (or none: route through the tunnel/reverse proxy). Keep the reverse proxy's 80/443 and accept this advisory for it.",
    severity: "low",
    defaults: {},
    types: [TYPES.container],
    check: (props, _config, report) => {
        for (const port of records(props["ports"])) {
            const external = num(port["external"]);
            if (typeof external === "number" && external > 0 && external < 1024) report(`host port ${external} is a privileged port.`);
        }
    },
});
