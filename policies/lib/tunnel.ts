/** Conventions the homelab program uses for Cloudflare tunnel routes. */
import { Props, str, UNKNOWN } from "./values";

export const ROUTE_COMMENT_PREFIX = "homelab:tunnel-route";
export const PUBLIC_ROUTE_COMMENT = "homelab:tunnel-route:public";

/** true / false, or undefined when the deciding inputs are unknown during preview. */
export function isTunnelRoute(record: Props): boolean | undefined {
    const comment = str(record["comment"]);
    const content = str(record["content"]);
    if (typeof comment === "string" && comment.startsWith(ROUTE_COMMENT_PREFIX)) return true;
    if (typeof content === "string" && content.toLowerCase().replace(/\.$/, "").endsWith(".cfargotunnel.com")) return true;
    return comment === UNKNOWN || content === UNKNOWN ? undefined : false;
}

/** Lower-case host without scheme (RFC 3986: a letter, then letters, digits, `+`, `-`, `.`), path or trailing dot. */
export function hostOf(value: string): string {
    return value.trim().toLowerCase().replace(/^[a-z][a-z0-9+.-]*:\/\//, "").split("/")[0].replace(/\.$/, "");
}

/** Whether an Access host pattern (possibly `*.example.com`) covers a DNS record name. */
export function hostCovers(pattern: string, recordName: string): boolean {
    const p = hostOf(pattern);
    const n = hostOf(recordName);
    if (p === n) return true;
    if (p.startsWith("*.") && n.endsWith(p.slice(1)) && !n.slice(0, -p.length + 1).includes(".")) return true;
    // A zone-relative record name ("app") matches an Access host in any zone ("app.example.com").
    return !n.includes(".") && p.startsWith(`${n}.`);
}
