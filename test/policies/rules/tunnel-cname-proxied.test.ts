import { tunnelCnameProxied } from "../../../policies/rules/tunnel-cname-proxied";
import { describeCases, T, UNKNOWN_VALUE } from "../harness";

const route = () => ({ zoneId: "z", name: "app.example.com", type: "CNAME", ttl: 1, proxied: true, content: UNKNOWN_VALUE, comment: "homelab:tunnel-route:protected" });

describe("tunnel-cname-proxied", () => {
    describeCases(tunnelCnameProxied, T.dnsRecord, route, {
        fail: [
            ["proxied omitted (Cloudflare default false)", { proxied: undefined }, "tunnel route app.example.com is not proxied."],
            ["proxied false", { proxied: false }, "tunnel route app.example.com is not proxied."],
            ["type A", { type: "A" }, "tunnel route has type A, expected CNAME."],
            ["detected by content alone", { comment: undefined, content: "0000.cfargotunnel.com", proxied: false }, "tunnel route app.example.com is not proxied."],
        ],
        pass: [
            ["proxied unknown", { proxied: UNKNOWN_VALUE }],
            ["not a tunnel route", { comment: "mail", content: "mx.example.com", proxied: false }],
            ["comment and content unknown", { comment: UNKNOWN_VALUE, proxied: false }],
        ],
    });
});
