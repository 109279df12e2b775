/** Classifying the host address a port is published on. */

export type AddressClass = "all" | "loopback" | "tailscale" | "private" | "public" | "invalid";

function parseV4(s: string): number[] | undefined {
    const parts = s.split(".");
    if (parts.length !== 4) return undefined;
    const octets = parts.map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : NaN));
    // NaN (not 1-3 digits) fails the comparison too.
    return octets.every((o) => o <= 255) ? octets : undefined;
}

/** Expands an IPv6 literal to eight 16-bit groups (an IPv4 tail becomes two groups). */
function parseV6(s: string): number[] | undefined {
    // Drops a zone (`%eth0`). The anchors here are for the reader: `.*` runs to the end, and a
    // leftmost match of `(.*:)` starts at the beginning, with or without them.
    let text = s.toLowerCase().replace(/%.*$/, "");
    let tail: number[] = [];
    const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
    if (dotted) {
        const v4 = parseV4(dotted[2]);
        if (!v4) return undefined;
        tail = [(v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]];
        text = dotted[1].endsWith("::") ? dotted[1] : dotted[1].slice(0, -1);
    }
    const halves = text.split("::");
    if (halves.length > 2) return undefined;
    const groups = (h: string): number[] =>
        h === "" ? [] : h.split(":").map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? parseInt(g, 16) : NaN));
    const head = groups(halves[0]);
    // Without "::" only `head` is read below, so what `rest` holds then does not matter.
    const rest = halves.length === 2 ? groups(halves[1]) : [];
    if ([...head, ...rest].some(Number.isNaN)) return undefined;
    const want = 8 - tail.length;
    if (halves.length === 1) return head.length === want ? [...head, ...tail] : undefined;
    const fill = want - head.length - rest.length;
    if (fill < 1) return undefined;
    return [...head, ...new Array<number>(fill).fill(0), ...rest, ...tail];
}

export function classifyAddress(input: string): AddressClass {
    const s = input.trim().replace(/^\[(.*)\]$/, "$1");
    // Docker reads an empty or wildcard host IP as "every interface" (0.0.0.0 and :: are parsed below).
    if (s === "" || s === "*") return "all";
    const v4 = parseV4(s);
    if (v4) {
        const [a, b] = v4;
        if (v4.every((o) => o === 0)) return "all";
        if (a === 127) return "loopback";
        if (a === 100 && b >= 64 && b <= 127) return "tailscale";
        if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return "private";
        return "public";
    }
    const v6 = parseV6(s);
    if (!v6) return "invalid";
    if (v6.every((g) => g === 0)) return "all";
    if (v6.slice(0, 7).every((g) => g === 0) && v6[7] === 1) return "loopback";
    // IPv4-mapped addresses carry the IPv4 meaning.
    if (v6.slice(0, 5).every((g) => g === 0) && v6[5] === 0xffff) {
        return classifyAddress(`${v6[6] >> 8}.${v6[6] & 0xff}.${v6[7] >> 8}.${v6[7] & 0xff}`);
    }
    if (v6[0] === 0xfd7a && v6[1] === 0x115c && v6[2] === 0xa1e0) return "tailscale";
    if ((v6[0] & 0xff00) === 0xfd00) return "private";
    return "public";
}

/** Canonical text for comparing allow-listed addresses. */
export function normalizeAddress(input: string): string {
    return input.trim().replace(/^\[(.*)\]$/, "$1").toLowerCase();
}
