/**
 * The ingress components under a mock runtime that does hand out ids, as a
 * real `pulumi up` would, to check what the plan can only show as unknown:
 * the CNAME target format, the tunnel id reaching the config and the token
 * lookup, and the token reaching the connector. These ids are test fixtures;
 * the plan (evaluateStack) never invents ids.
 */
import * as cloudflare from "@pulumi/cloudflare";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { AccessApplication } from "../../components/accessApplication";
import { CloudflareTunnel } from "../../components/cloudflareTunnel";
import type { HomelabService } from "../../components/homelabService";
import { TunnelRoute } from "../../components/tunnelRoute";

const TUNNEL_ID = "f70ff985-a4ef-4643-bbbc-4a0ed4fc8415";
const ACCOUNT = "3f1c9a0d2b7e4c58a9d6e0f1b2c3d4e5";
const TOKEN_CALL = "cloudflare:index/getZeroTrustTunnelCloudflaredToken:getZeroTrustTunnelCloudflaredToken";
const FAKE_TOKEN = "fixture-tunnel-token";

const calls: { token: string; inputs: Record<string, unknown> }[] = [];

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const id = args.type === "cloudflare:index/zeroTrustTunnelCloudflared:ZeroTrustTunnelCloudflared" ? TUNNEL_ID : `${args.name}-id`;
        const extra = args.type === "random:index/randomBytes:RandomBytes" ? { base64: "Zml4dHVyZS1zZWNyZXQtZml4dHVyZS1zZWNyZXQtMzI=" } : {};
        return { id, state: { ...args.inputs, ...extra } };
      },
      call: (args) => {
        calls.push({ token: args.token, inputs: args.inputs as Record<string, unknown> });
        return args.token === TOKEN_CALL ? { token: FAKE_TOKEN, accountId: ACCOUNT, tunnelId: TUNNEL_ID } : {};
      },
    },
    "homelab",
    "unit",
    false,
  );
});

const value = <T>(o: pulumi.Output<T>): Promise<T> => new Promise((resolve) => o.apply((v) => resolve(v)));

function build(): { tunnel: CloudflareTunnel; route: TunnelRoute; access: AccessApplication; config: cloudflare.ZeroTrustTunnelCloudflaredConfig } {
  const cf = new cloudflare.Provider("cf", {});
  const dockerProvider = new docker.Provider("local-docker", {});
  const tunnel = new CloudflareTunnel("tunnel", {
    accountId: ACCOUNT,
    tunnelName: "unit",
    cloudflareProvider: cf,
    dockerProvider,
    network: "homelab-net",
    stack: "unit",
    restart: "unless-stopped",
    logMaxSize: "10m",
    logMaxFiles: 3,
  });
  const access = new AccessApplication("access-app", { accountId: ACCOUNT, hostname: "app.example.net", allow: { emails: ["a@example.net"] }, provider: cf });
  const route = new TunnelRoute("route-app", {
    hostname: "app.example.net",
    service: "http://app:8080",
    public: false,
    zoneId: "9b8a7c6d5e4f3a2b1c0d9e8f7a6b5c4d",
    cnameTarget: tunnel.cnameTarget,
    provider: cf,
    after: [access],
  });
  const config = tunnel.setIngress([route]);
  return { tunnel, route, access, config };
}

describe("ingress components with real ids", () => {
  let built: ReturnType<typeof build>;
  // After the mocks are in place: resources created before would go to no runtime at all.
  beforeAll(() => {
    built = build();
  });

  it("points the CNAME at <tunnel id>.cfargotunnel.com", async () => {
    expect(await value(built.tunnel.cnameTarget)).toBe(`${TUNNEL_ID}.cfargotunnel.com`);
    expect(await value(built.route.record.content)).toBe(`${TUNNEL_ID}.cfargotunnel.com`);
  });

  it("configures that tunnel, with the route's rule then the catch-all", async () => {
    expect(await value(built.config.tunnelId)).toBe(TUNNEL_ID);
    expect(await value(built.config.config)).toEqual({ ingresses: [{ hostname: "app.example.net", service: "http://app:8080" }, { service: "http_status:404" }] });
  });

  it("asks Cloudflare for that tunnel's token and hands it to the connector (that it is a secret: stacks.test.ts)", async () => {
    // Without `swarm` the connector is a container.
    const envs = (built.tunnel.connector as HomelabService).container.envs;
    expect(await value(envs)).toEqual([`TUNNEL_TOKEN=${FAKE_TOKEN}`]);
    expect(calls.filter((c) => c.token === TOKEN_CALL).map((c) => c.inputs)).toEqual([{ accountId: ACCOUNT, tunnelId: TUNNEL_ID }]);
  });

  it("keeps the tunnel secret a secret", async () => {
    expect(await pulumi.isSecret(built.tunnel.tunnel.tunnelSecret)).toBe(true);
  });

  it("attaches the reusable allow policy to the application by id", async () => {
    expect(await value(built.access.application.policies)).toEqual([{ id: "access-app-policy-id", precedence: 1 }]);
  });

  it("refuses a second ingress config for the same tunnel", () => {
    expect(() => built.tunnel.setIngress([built.route])).toThrow("the tunnel's ingress is already set: Cloudflare keeps one configuration per tunnel");
  });
});
