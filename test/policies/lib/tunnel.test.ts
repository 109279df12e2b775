import { hostCovers, hostOf, isTunnelRoute } from "../../../policies/lib/tunnel";

const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

describe("isTunnelRoute", () => {
    it.each([
        [{ comment: "homelab:tunnel-route:protected" }, true],
        [{ comment: "homelab:tunnel-route:public" }, true],
        [{ comment: "homelab:tunnel-route" }, true],
        [{ content: "6ff42ae2-765d-4adf-8112-31c55c1551ef.cfargotunnel.com" }, true],
        [{ content: "ABC.CFARGOTUNNEL.COM." }, true],
        [{ comment: "x homelab:tunnel-route", content: "203.0.113.7" }, false],
        [{ content: "cfargotunnel.com.example.net" }, false],
        [{ content: "abc.cfargotunnel.com.." }, false],
        [{ comment: "manual", content: "203.0.113.7" }, false],
        [{}, false],
        [{ comment: UNKNOWN_STRING, content: "203.0.113.7" }, undefined],
        [{ comment: "manual", content: UNKNOWN_STRING }, undefined],
        [{ comment: UNKNOWN_STRING, content: "abc.cfargotunnel.com" }, true],
        [{ comment: "homelab:tunnel-route:public", content: UNKNOWN_STRING }, true],
    ])("%j is a tunnel route: %s", (record, expected) => expect(isTunnelRoute(record)).toBe(expected));
});

describe("hostOf", () => {
    it.each([
        [" HTTPS://App.Example.com/path ", "app.example.com"],
        ["app.example.com.", "app.example.com"],
        ["ftp://x/y", "x"],
        ["app.example.com/", "app.example.com"],
        ["app:8080", "app:8080"],
    ])("%j is %j", (value, host) => expect(hostOf(value)).toBe(host));
});

describe("hostCovers", () => {
    it.each([
        ["app.example.com", "APP.example.com.", true],
        ["app.example.com", "other.example.com", false],
        ["app.example.com", "xapp.example.com", false],
        ["*.example.com", "app.example.com", true],
        ["*.example.com", "a.b.example.com", false],
        ["*.example.com", "example.com", false],
        ["*.example.com", "app.evil-example.com", false],
        ["*.example.com", "app", false],
        ["app.example.com", "app", true],
        ["https://app.example.com/login", "app", true],
        ["h2c://app.example.com", "app.example.com", true],
        ["git+ssh://app.example.com/x", "app.example.com", true],
        ["apps.example.com", "app", false],
        ["app.example.com", "app.example", false],
        ["example.com", "app", false],
    ])("%j covers %j: %s", (pattern, name, expected) => expect(hostCovers(pattern, name)).toBe(expected));
});
