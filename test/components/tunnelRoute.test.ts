/**
 * TunnelRoute alone: the DNS record that sends a hostname to the tunnel, and the ingress rule the tunnel's
 * config collects. The record is what makes a hostname answer at all, and its comment is how the policy
 * pack tells a route meant to be public from one that must sit behind Access.
 */
import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import type { RecordedResource } from "../../infra/plan/evaluate";
import { TunnelRoute } from "../../components/tunnelRoute";
import { named, recordByUrn, type Recorded } from "./support";

const ZONE = "9b8a7c6d5e4f3a2b1c0d9e8f7a6b5c4d";
const TARGET = "f70ff985-a4ef-4643-bbbc-4a0ed4fc8415.cfargotunnel.com";
const STACK_URN = "urn:pulumi:unit::homelab::pulumi:pulumi:Stack::homelab-unit";
const CF_PROVIDER = "urn:pulumi:unit::homelab::pulumi:pulumi:Stack$pulumi:providers:cloudflare::cf::cf-id";
const GATE_URN = "urn:pulumi:unit::homelab::pulumi:pulumi:Stack$cloudflare:index/zeroTrustAccessApplication:ZeroTrustAccessApplication::gate";

const mocks: pulumi.runtime.Mocks = {
  newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
  call: () => ({}),
};

interface Routes {
  readonly app: TunnelRoute;
  readonly blog: TunnelRoute;
}

function program(): Routes {
  const cf = new cloudflare.Provider("cf", {});
  // Stands in for the Access application a protected route waits for.
  const gate = new cloudflare.ZeroTrustAccessApplication("gate", { accountId: "acct", domain: "app.example.net", type: "self_hosted" }, { provider: cf });
  const app = new TunnelRoute("route-app", {
    hostname: "app.example.net",
    service: "https://app:8443",
    public: false,
    zoneId: ZONE,
    cnameTarget: TARGET,
    provider: cf,
    noTlsVerify: true,
    after: [gate],
  });
  const blog = new TunnelRoute("route-blog", {
    hostname: "blog.example.net",
    service: "http://blog:2368",
    public: true,
    zoneId: ZONE,
    cnameTarget: TARGET,
    provider: cf,
  });
  return { app, blog };
}

describe("TunnelRoute", () => {
  let rec: Recorded<Routes>;
  let app: RecordedResource;
  let blog: RecordedResource;
  beforeAll(async () => {
    rec = await recordByUrn(program, mocks);
    app = named(rec.resources, "route-app-dns");
    blog = named(rec.resources, "route-blog-dns");
  });

  it("registers a component of its own type per route, with only the DNS record under it", () => {
    expect(named(rec.resources, "route-app")).toMatchObject({ type: "homelab:cloudflare:TunnelRoute", custom: false, parent: STACK_URN });
    expect(named(rec.resources, "route-blog")).toMatchObject({ type: "homelab:cloudflare:TunnelRoute", custom: false, parent: STACK_URN });
    const under = (name: string): string[] =>
      rec.resources.filter((r) => r.parent === `urn:pulumi:unit::homelab::pulumi:pulumi:Stack$homelab:cloudflare:TunnelRoute::${name}`).map((r) => r.name);
    expect(under("route-app")).toEqual(["route-app-dns"]);
    expect(under("route-blog")).toEqual(["route-blog-dns"]);
  });

  it("points a proxied CNAME with automatic TTL at the tunnel, marked protected unless the route is public", () => {
    expect(app.type).toBe("cloudflare:index/dnsRecord:DnsRecord");
    expect(app.inputs).toEqual({
      zoneId: ZONE,
      name: "app.example.net",
      type: "CNAME",
      content: "f70ff985-a4ef-4643-bbbc-4a0ed4fc8415.cfargotunnel.com",
      proxied: true,
      ttl: 1,
      comment: "homelab:tunnel-route:protected",
    });
    expect(blog.inputs).toEqual({
      zoneId: ZONE,
      name: "blog.example.net",
      type: "CNAME",
      content: "f70ff985-a4ef-4643-bbbc-4a0ed4fc8415.cfargotunnel.com",
      proxied: true,
      ttl: 1,
      comment: "homelab:tunnel-route:public",
    });
  });

  it("puts the record under its route, on the Cloudflare provider given", () => {
    expect(app.parent).toBe("urn:pulumi:unit::homelab::pulumi:pulumi:Stack$homelab:cloudflare:TunnelRoute::route-app");
    expect(blog.parent).toBe("urn:pulumi:unit::homelab::pulumi:pulumi:Stack$homelab:cloudflare:TunnelRoute::route-blog");
    expect(app.provider).toBe(CF_PROVIDER);
    expect(blog.provider).toBe(CF_PROVIDER);
  });

  it("creates the record only after what it is told to wait for (a protected name's Access application)", () => {
    expect(app.dependencies).toEqual([GATE_URN]);
    expect(blog.dependencies).toEqual([]);
  });

  it("sets no resource option that would keep or force-replace the record", () => {
    for (const r of [app, blog]) {
      expect(r.options).toEqual({ protect: false, retainOnDelete: false, deleteBeforeReplace: false, ignoreChanges: [], replaceOnChanges: [] });
    }
  });

  it("hands the tunnel an ingress rule for its hostname, skipping TLS verification only when asked", () => {
    expect(rec.result.app.hostname).toBe("app.example.net");
    expect(rec.result.blog.hostname).toBe("blog.example.net");
    expect(rec.result.app.ingressRule).toStrictEqual({ hostname: "app.example.net", service: "https://app:8443", originRequest: { noTlsVerify: true } });
    // No originRequest at all: the tunnel config then carries none for this hostname.
    expect(rec.result.blog.ingressRule).toEqual({ hostname: "blog.example.net", service: "http://blog:2368" });
    expect(rec.result.blog.ingressRule.originRequest).toBeUndefined();
  });

  it("exports the hostname, the origin and whether the route is public", () => {
    expect(rec.outputs.get("urn:pulumi:unit::homelab::pulumi:pulumi:Stack$homelab:cloudflare:TunnelRoute::route-app")).toEqual({
      hostname: "app.example.net",
      service: "https://app:8443",
      public: false,
    });
    expect(rec.outputs.get("urn:pulumi:unit::homelab::pulumi:pulumi:Stack$homelab:cloudflare:TunnelRoute::route-blog")).toEqual({
      hostname: "blog.example.net",
      service: "http://blog:2368",
      public: true,
    });
  });
});
