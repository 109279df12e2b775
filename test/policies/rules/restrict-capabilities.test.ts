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
            ["padded name", { capabilities: { adds: [" NET_ADMIN "], drops: ["ALL"] } }, "capabilities.adds includes NET_ADMIN without a homelab.capabilities.justification label."],
            ["two adds without drops", { capabilities: { adds: ["CHOWN", "SETUID"] } }, `capabilities.adds [CHOWN, SETUID] without drops: ["ALL"] keeps Docker's default set too.`],
            ["only a leading CAP_ is a prefix", { capabilities: { adds: ["cap_chown", "NET_CAP_X"] } }, `capabilities.adds [CHOWN, NET_CAP_X] without drops: ["ALL"] keeps Docker's default set too.`],
            ["two dangerous adds", { capabilities: { adds: ["NET_ADMIN", "SYS_ADMIN"], drops: ["ALL"] } }, "capabilities.adds includes NET_ADMIN, SYS_ADMIN without a homelab.capabilities.justification label."],
            [
                "dangerous add with a blank justification",
                { capabilities: { adds: ["NET_ADMIN"], drops: ["ALL"] }, labels: [{ label: "homelab.capabilities.justification", value: "  " }] },
                "capabilities.adds includes NET_ADMIN without a homelab.capabilities.justification label.",
            ],
        ],
        pass: [
            ["no capabilities block", { capabilities: undefined }],
            ["benign add with drops ALL", { capabilities: { adds: ["NET_BIND_SERVICE"], drops: ["ALL"] } }],
            ["unknown capabilities", { capabilities: UNKNOWN_VALUE }],
            ["unknown adds", { capabilities: { adds: UNKNOWN_VALUE, drops: ["ALL"] } }],
            ["unknown drops", { capabilities: { adds: ["CHOWN"], drops: UNKNOWN_VALUE } }],
            ["one unknown drop", { capabilities: { adds: ["CHOWN"], drops: [UNKNOWN_VALUE] } }],
        ],
    });
    test("dangerous add passes with a justification label", () => {
        const c = withProps(withProps(compliantContainer(), why), { capabilities: { adds: ["NET_ADMIN"], drops: ["all"] } });
        expect(runResource(restrictCapabilities, T.container, c)).toEqual([]);
    });
    describe("with requireDropAll", () => {
        describeCases(
            restrictCapabilities,
            T.container,
            compliantContainer,
            {
                fail: [
                    ["drops nothing", { capabilities: undefined }, "capabilities.drops must include ALL in this stack."],
                    ["adds without drops: one finding, about the adds", { capabilities: { adds: ["CHOWN"] } }, `capabilities.adds [CHOWN] without drops: ["ALL"] keeps Docker's default set too.`],
                ],
                pass: [["benign add with drops ALL", { capabilities: { adds: ["NET_BIND_SERVICE"], drops: ["ALL"] } }]],
            },
            { requireDropAll: true },
        );
    });
});
