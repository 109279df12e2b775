import { tunnelRoutesRequireAccess } from "../../../policies/rules/tunnel-routes-require-access";
import { runStack, StackInput, T, UNKNOWN_VALUE, Wire } from "../harness";

const record = (name: string, props: Wire = {}): StackInput => ({
    type: T.dnsRecord, name, props: { name, type: "CNAME", proxied: true, content: UNKNOWN_VALUE, comment: "homelab:tunnel-route:protected", ...props },
});
const access = (name: string, props: Wire): StackInput => ({ type: T.access, name: `access-${name}`, props: { type: "self_hosted", ...props } });

describe("tunnel-routes-require-access", () => {
    test("protected route with matching Access app passes", () => {
        expect(runStack(tunnelRoutesRequireAccess, [record("app.example.com"), access("app", { domain: "app.example.com" })])).toEqual([]);
    });
    test("protected route without Access app fails, on the record's URN", () => {
        const out = runStack(tunnelRoutesRequireAccess, [record("app.example.com"), access("other", { domain: "other.example.com" })]);
        expect(out).toEqual([{ message: "app.example.com is routed through the tunnel without a Cloudflare Access application.", urn: "urn:pulumi:test::homelab::cloudflare:index/dnsRecord:DnsRecord::app.example.com" }]);
    });
    test("route marked public passes without Access", () => {
        expect(runStack(tunnelRoutesRequireAccess, [record("blog.example.com", { comment: "homelab:tunnel-route:public" })])).toEqual([]);
    });
    test("route found by content only needs Access", () => {
        expect(runStack(tunnelRoutesRequireAccess, [record("x.example.com", { comment: undefined, content: "id.cfargotunnel.com" })])).toEqual([{ message: "x.example.com is routed through the tunnel without a Cloudflare Access application.", urn: "urn:pulumi:test::homelab::cloudflare:index/dnsRecord:DnsRecord::x.example.com" }]);
    });
    test("Access domain with path, wildcard, selfHostedDomains and destinations all count", () => {
        expect(runStack(tunnelRoutesRequireAccess, [record("a.example.com"), access("a", { domain: "a.example.com/admin" })])).toEqual([]);
        expect(runStack(tunnelRoutesRequireAccess, [record("b.example.com"), access("b", { domain: "*.example.com" })])).toEqual([]);
        expect(runStack(tunnelRoutesRequireAccess, [record("c.example.com"), access("c", { selfHostedDomains: ["c.example.com"] })])).toEqual([]);
        expect(runStack(tunnelRoutesRequireAccess, [record("d.example.com"), access("d", { destinations: [{ type: "public", uri: "d.example.com" }] })])).toEqual([]);
        expect(runStack(tunnelRoutesRequireAccess, [record("f.example.com"), access("f", { destinations: [{ type: "private", hostname: "f.example.com" }] })])).toEqual([]);
    });
    test("wildcard does not cover a deeper name", () => {
        expect(runStack(tunnelRoutesRequireAccess, [record("a.b.example.com"), access("w", { domain: "*.example.com" })])).toEqual([{ message: "a.b.example.com is routed through the tunnel without a Cloudflare Access application.", urn: "urn:pulumi:test::homelab::cloudflare:index/dnsRecord:DnsRecord::a.b.example.com" }]);
    });
    test("unknown record name is skipped; unknown Access domain does not protect", () => {
        expect(runStack(tunnelRoutesRequireAccess, [record("n", { name: UNKNOWN_VALUE })])).toEqual([]);
        expect(runStack(tunnelRoutesRequireAccess, [record("e.example.com"), access("e", { domain: UNKNOWN_VALUE })])).toEqual([{ message: "e.example.com is routed through the tunnel without a Cloudflare Access application.", urn: "urn:pulumi:test::homelab::cloudflare:index/dnsRecord:DnsRecord::e.example.com" }]);
    });
    test("only Access applications protect: an Email Security domain of the same name does not", () => {
        const emailDomain: StackInput = { type: "cloudflare:index/emailSecurityDomain:EmailSecurityDomain", name: "mail-domain", props: { domain: "app.example.com" } };
        expect(runStack(tunnelRoutesRequireAccess, [record("app.example.com"), emailDomain])).toEqual([{ message: "app.example.com is routed through the tunnel without a Cloudflare Access application.", urn: "urn:pulumi:test::homelab::cloudflare:index/dnsRecord:DnsRecord::app.example.com" }]);
    });
    test("only DNS records are routes: a virtual network with a route's name and comment is not judged", () => {
        const vnet: StackInput = { type: "cloudflare:index/zeroTrustTunnelCloudflaredVirtualNetwork:ZeroTrustTunnelCloudflaredVirtualNetwork", name: "vnet", props: { name: "lan.example.com", comment: "homelab:tunnel-route:protected" } };
        expect(runStack(tunnelRoutesRequireAccess, [vnet])).toEqual([]);
    });
    test("non-tunnel records are ignored", () => {
        expect(runStack(tunnelRoutesRequireAccess, [record("mx.example.com", { comment: "mail", content: "mx.example.net", type: "MX" })])).toEqual([]);
    });
});
