import { tunnelCatchAll404 } from "../../../policies/rules/tunnel-catch-all-404";
import { describeCases, T, UNKNOWN_VALUE } from "../harness";

const app = { hostname: "app.example.com", service: "http://app:8080" };
const catchAll = { service: "http_status:404" };
const cfg = () => ({ accountId: "a", tunnelId: UNKNOWN_VALUE, config: { ingresses: [app, catchAll] } });

describe("tunnel-catch-all-404", () => {
    describeCases(tunnelCatchAll404, T.tunnelConfig, cfg, {
        fail: [
            ["no catch-all", { config: { ingresses: [app] } }, "last ingress rule is for app.example.com -> http://app:8080, not a catch-all http_status:404."],
            ["catch-all not 404", { config: { ingresses: [app, { service: "http://traefik:80" }] } }, "last ingress rule is hostname-less -> http://traefik:80, not a catch-all http_status:404."],
            ["catch-all with hostname", { config: { ingresses: [app, { hostname: "x.example.com", service: "http_status:404" }] } }, "last ingress rule is for x.example.com -> http_status:404, not a catch-all http_status:404."],
            ["catch-all in the middle", { config: { ingresses: [catchAll, app, catchAll] } }, "ingress rule 0 has no hostname and shadows the rules after it."],
            ["catch-all second of three", { config: { ingresses: [app, catchAll, catchAll] } }, "ingress rule 1 has no hostname and shadows the rules after it."],
            ["empty-string hostname before the end", { config: { ingresses: [{ hostname: "", service: "http://app:8080" }, app, catchAll] } }, "ingress rule 0 has no hostname and shadows the rules after it."],
            ["empty ingresses", { config: { ingresses: [] } }, "config.ingresses is empty; cloudflared would refuse or expose a default."],
            ["no config", { config: undefined }, "config.ingresses is empty; cloudflared would refuse or expose a default."],
        ],
        pass: [
            ["empty-string hostname on catch-all", { config: { ingresses: [app, { hostname: "", service: "http_status:404" }] } }],
            ["config unknown", { config: UNKNOWN_VALUE }],
            ["service of last rule unknown", { config: { ingresses: [app, { service: UNKNOWN_VALUE }] } }],
            ["the last entry unknown", { config: { ingresses: [app, UNKNOWN_VALUE] } }],
            ["only the catch-all", { config: { ingresses: [catchAll] } }],
            ["locally managed tunnel", { source: "local", config: undefined }],
        ],
    });
});
