import { classifyAddress, normalizeAddress, type AddressClass } from "../../../policies/lib/ip";

// Expectations are the address ranges as RFCs and Tailscale define them, written out by hand:
// 127/8 and ::1 loopback, 100.64/10 and fd7a:115c:a1e0::/48 Tailscale, RFC 1918 and fd00::/8 private.
const cases: ReadonlyArray<readonly [string, AddressClass]> = [
    // every interface
    ["", "all"], ["*", "all"], ["0.0.0.0", "all"], ["::", "all"], ["[::]", "all"], [" 0.0.0.0 ", "all"],
    ["0:0:0:0:0:0:0:0", "all"],
    // loopback
    ["127.0.0.1", "loopback"], ["127.1.2.3", "loopback"], ["::1", "loopback"], ["[::1]", "loopback"], [" [::1] ", "loopback"],
    ["0:0:0:0:0:0:0:1", "loopback"], ["::1%lo", "loopback"], ["::ffff:127.0.0.1", "loopback"], ["::ffff:7f00:1", "loopback"],
    // Tailscale: 100.64.0.0/10 is 100.64.0.0 .. 100.127.255.255
    ["100.64.0.1", "tailscale"], ["100.127.255.254", "tailscale"], ["100.63.255.255", "public"], ["100.128.0.1", "public"],
    ["8.64.0.1", "public"], ["100.1.0.1", "public"], ["100.200.0.1", "public"], ["::ffff:100.64.0.1", "tailscale"],
    ["fd7a:115c:a1e0::1", "tailscale"], ["fd7a:115c:a1e0:ab12:4843:cd96:6258:b240", "tailscale"],
    ["fd7a:115c:a1e1::1", "private"], ["fd7a:115d:a1e0::1", "private"], ["fd7b:115c:a1e0::1", "private"], ["fd7a:1::1", "private"],
    // RFC 1918 and unique local
    ["10.0.0.5", "private"], ["172.16.0.1", "private"], ["172.20.0.1", "private"], ["172.31.255.255", "private"],
    ["172.15.0.1", "public"], ["172.32.0.1", "public"], ["173.20.0.1", "public"], ["11.20.0.1", "public"],
    ["192.168.1.10", "private"], ["192.169.1.1", "public"], ["193.168.1.1", "public"], ["8.168.0.1", "public"],
    ["fd00::1", "private"], ["[fd00::1]", "private"], ["fd00::1%eth0", "private"], ["fd00:0:0:0:0:0:0:1", "private"],
    ["fd00:1:2::4:5:6:7", "private"], ["FD12::1", "private"],
    // IPv4-mapped addresses mean their IPv4 address; other forms with an IPv4 tail do not
    ["::ffff:10.0.0.1", "private"], ["::ffff:192.168.10.20", "private"], ["0:0:0:0:0:ffff:10.1.2.3", "private"],
    ["::ffff:8.8.8.8", "public"], ["::fffe:10.0.0.1", "public"], ["2001:db8:0:0:0:ffff:a00:1", "public"],
    ["2001:0:0:0:0:ffff:a00:1", "public"], ["64:ff9b::1.2.3.4", "public"],
    // only ::1 of the all-but-last-zero addresses is loopback
    ["::2", "public"], ["0:0:0:0:0:0:0:101", "public"],
    // public
    ["8.8.8.8", "public"], ["203.0.113.7", "public"], ["0.1.2.3", "public"], ["2001:db8::1", "public"], ["fc00::1", "public"],
    ["fe80::1%eth0", "public"],
    // not an address Docker could bind
    ["256.0.0.1", "invalid"], ["10.0.0.300", "invalid"], ["1.2.3", "invalid"], ["1.2.3.4.5", "invalid"], ["10.0.0.0001", "invalid"],
    ["10.+1.0.1", "invalid"], ["localhost", "invalid"], ["1::2::3", "invalid"], ["::12345", "invalid"], ["fd00::xyz", "invalid"],
    ["1:2:3:4:5:6:7", "invalid"], ["1:2:3:4::5:6:7:8", "invalid"], ["::ffff:300.1.1.1", "invalid"], ["::ffff:1.2.3.4x", "invalid"],
    ["1[::1]", "invalid"], ["[::1]1", "invalid"],
];

describe("classifyAddress", () => {
    it.each(cases)("%j is %s", (input, expected) => {
        expect(classifyAddress(input)).toBe(expected);
    });
});

describe("normalizeAddress", () => {
    it.each([
        [" [FD00::1] ", "fd00::1"],
        ["[::1]", "::1"],
        ["ABC", "abc"],
        ["x[::1]", "x[::1]"],
        ["[::1]x", "[::1]x"],
        ["[]", ""],
    ])("%j becomes %j", (input, expected) => {
        expect(normalizeAddress(input)).toBe(expected);
    });
});
