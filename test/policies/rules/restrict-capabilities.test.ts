import { restrictCapabilities } from "../../../policies/rules/restrict-capabilities";
import { compliantContainer, describeCases, runResource, T, UNKNOWN_VALUE, withProps } from "../harness";

const why = { labels: [{ label: "homelab.capabilities.justification", value: "WireGuard needs to create tun interfaces" }] };

describe("restrict-capabilities", () => {
    describeCases(restrictCapabilities, T.container, compliantContainer, {
        fail: [
            ["adds without drops", { capabilities: { adds: ["CHOWN"] } }, `capabilities.adds [CHOWN] without drops: ["ALL"] keeps Docker's default set too.`],
            ["adds with partial drops", { capabilities: { adds: ["CHOWN"], drops: ["NET_RAW"] } }, `capabilities.adds [CHOWN] without drops: ["ALL"] keeps Docker's default set too.`],
            ["dangerous add without label", { capabilities: { adds: ["NET_ADMIN"], drops: ["ALL"] } }, "capabilities.adds includes NET_ADMIN without a homelab.capabilities.justification label."],
            ["CAP_SYS_ADMIN spelling", { capabilities: { adds: ["cap_sys_admin"], drops: ["ALL"] } }, "capabilities.adds includes SYS_ADMIN without a homelab.capabilities.justification label."],
            ["adds ALL", { capabilities: { adds: ["ALL"], drops: ["ALL"] } }, "capabilities.adds includes ALL without a homelab.capabilities.justification label."],
        ],
        pass: [
            ["no capabilities block", { capabilities: undefined }],
            ["benign add with drops ALL", { capabilities: { adds: ["NET_BIND_SERVICE"], drops: ["ALL"] } }],
            ["unknown capabilities", { capabilities: UNKNOWN_VALUE }],
            ["unknown adds", { capabilities: { adds: UNKNOWN_VALUE, drops: ["ALL"] } }],
        ],
    });
    test("dangerous add passes with a justification label", () => {
        const c = withProps(withProps(compliantContainer(), why), { capabilities: { adds: ["NET_ADMIN"], drops: ["all"] } });
        expect(runResource(restrictCapabilities, T.container, c)).toEqual([]);
    });
    test("requireDropAll flags a container that drops nothing", () => {
        const c = withProps(compliantContainer(), { capabilities: undefined });
        expect(runResource(restrictCapabilities, T.container, c, { requireDropAll: true })).toEqual(["capabilities.drops must include ALL in this stack."]);
    });
});
