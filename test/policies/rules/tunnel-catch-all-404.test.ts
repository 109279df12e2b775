import { tunnelCatchAll404 } from "../../../policies/rules/tunnel-catch-all-404";
import { describeCases, T, UNKNOWN_VALUE } from "../harness";

const app = { hostname: "app.example.com", service: "http://app:8080" };
const catchAll = { service: "http_status:404" };
const cfg = () => ({ accountId: "a", tunnelId: UNKNOWN_VALUE, config: { ingresses: [app, catchAll] } });

describe("tunnel-catch-all-404", () => {
    describeCases(tunnelCatchAll404, T.tunnelConfig, cfg, {
        fail: [
            ["no catch-all", { config: { ingresses: [app] } }],
            ["catch-all not 404", { config: { ingresses: [app, { service: "http://traefik:80" }] } }],
            ["catch-all with hostname", { config: { ingresses: [app, { hostname: "x.example.com", service: "http_status:404" }] } }],
            ["catch-all in the middle", { config: { ingresses: [catchAll, app, catchAll] } }],
            ["empty ingresses", { config: { ingresses: [] } }],
            ["no config", { config: undefined }],
        ],
        pass: [
            ["empty-string hostname on catch-all", { config: { ingresses: [app, { hostname: "", service: "http_status:404" }] } }],
            ["config unknown", { config: UNKNOWN_VALUE }],
            ["service of last rule unknown", { config: { ingresses: [app, { service: UNKNOWN_VALUE }] } }],
            ["locally managed tunnel", { source: "local", config: undefined }],
        ],
    });
});
