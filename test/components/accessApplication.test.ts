/**
 * AccessApplication alone: the reusable allow policy and the self-hosted application that applies it to
 * one hostname. Who may log in, and for how long, is exactly what these inputs say.
 */
import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import { AccessApplication, accessIncludes } from "../../components/accessApplication";
import type { RecordedResource } from "../../infra/plan/evaluate";
import { failure, named, recordByUrn, type Recorded } from "./support";

const CF_PROVIDER = "urn:pulumi:unit::homelab::pulumi:pulumi:Stack$pulumi:providers:cloudflare::cf::cf-id";
const STACK_URN = "urn:pulumi:unit::homelab::pulumi:pulumi:Stack::homelab-unit";
const ENTRA = "2b7c1f9e-0d4a-4e8b-9c3f-5a6d7e8f9a0b";
const NO_OPTIONS = { protect: false, retainOnDelete: false, deleteBeforeReplace: false, ignoreChanges: [], replaceOnChanges: [] };

const mocks: pulumi.runtime.Mocks = {
  newResource: (args) => {
    const aud = args.type === "cloudflare:index/zeroTrustAccessApplication:ZeroTrustAccessApplication" ? { aud: `${args.name}-aud` } : {};
    return { id: `${args.name}-id`, state: { ...args.inputs, ...aud } };
  },
  call: () => ({}),
};

function program(): void {
  const cf = new cloudflare.Provider("cf", {});
  new AccessApplication("access-app", {
    accountId: "acct",
    hostname: "app.example.net",
    allow: {
      emails: ["ana@example.net", "bo@example.org"],
      emailDomains: ["example.net"],
      groups: [{ identityProviderId: ENTRA, id: "c0ffee00-1111-2222-3333-444455556666" }],
    },
    sessionDuration: "8h",
    provider: cf,
  });
  // Each kind of rule alone: the others left out, not empty.
  new AccessApplication("access-wiki", { accountId: "acct", hostname: "wiki.example.net", allow: { emailDomains: ["example.org"] }, provider: cf });
  new AccessApplication("access-ops", { accountId: "acct", hostname: "ops.example.net", allow: { groups: [{ identityProviderId: ENTRA, id: "ops-group" }] }, provider: cf });
  new AccessApplication("access-cv", { accountId: "acct", hostname: "cv.example.net", allow: { emails: ["ana@example.net"] }, provider: cf });
}

describe("accessIncludes", () => {
  it("makes one include rule per email, then per email domain, then per group", () => {
    expect(
      accessIncludes({
        emails: ["ana@example.net", "bo@example.org"],
        emailDomains: ["example.net", "example.com"],
        groups: [
          { identityProviderId: ENTRA, id: "g1" },
          { identityProviderId: "other-idp", id: "g2" },
        ],
      }),
    ).toEqual([
      { email: { email: "ana@example.net" } },
      { email: { email: "bo@example.org" } },
      { emailDomain: { domain: "example.net" } },
      { emailDomain: { domain: "example.com" } },
      { azureAd: { id: "g1", identityProviderId: ENTRA } },
      { azureAd: { id: "g2", identityProviderId: "other-idp" } },
    ]);
  });

  it("makes none for a kind left out or empty", () => {
    expect(accessIncludes({})).toEqual([]);
    expect(accessIncludes({ emails: [], emailDomains: [], groups: [] })).toEqual([]);
    expect(accessIncludes({ groups: [{ identityProviderId: ENTRA, id: "g1" }] })).toEqual([{ azureAd: { id: "g1", identityProviderId: ENTRA } }]);
  });
});

describe("AccessApplication", () => {
  let rec: Recorded<void>;
  const res = (name: string): RecordedResource => named(rec.resources, name);
  beforeAll(async () => {
    rec = await recordByUrn(program, mocks);
  });

  it("registers a component per hostname with its policy and application under it", () => {
    expect(res("access-app")).toMatchObject({ type: "homelab:cloudflare:AccessApplication", custom: false, parent: STACK_URN });
    const urn = "urn:pulumi:unit::homelab::pulumi:pulumi:Stack$homelab:cloudflare:AccessApplication::access-app";
    expect(rec.resources.filter((r) => r.parent === urn).map((r) => [r.name, r.type])).toEqual([
      ["access-app-policy", "cloudflare:index/zeroTrustAccessPolicy:ZeroTrustAccessPolicy"],
      ["access-app-app", "cloudflare:index/zeroTrustAccessApplication:ZeroTrustAccessApplication"],
    ]);
  });

  it("allows every listed email, email domain and Entra ID group, in one allow policy named after the hostname", () => {
    expect(res("access-app-policy").inputs).toEqual({
      accountId: "acct",
      name: "app.example.net allow",
      decision: "allow",
      includes: [
        { email: { email: "ana@example.net" } },
        { email: { email: "bo@example.org" } },
        { emailDomain: { domain: "example.net" } },
        { azureAd: { id: "c0ffee00-1111-2222-3333-444455556666", identityProviderId: ENTRA } },
      ],
    });
  });

  it("allows only what is listed when a kind of rule is left out", () => {
    expect(res("access-wiki-policy").inputs.includes).toEqual([{ emailDomain: { domain: "example.org" } }]);
    expect(res("access-ops-policy").inputs.includes).toEqual([{ azureAd: { id: "ops-group", identityProviderId: ENTRA } }]);
    expect(res("access-cv-policy").inputs.includes).toEqual([{ email: { email: "ana@example.net" } }]);
  });

  it("guards the hostname with a self-hosted application that applies the policy first", () => {
    expect(res("access-app-app").inputs).toEqual({
      accountId: "acct",
      name: "app.example.net",
      type: "self_hosted",
      domain: "app.example.net",
      sessionDuration: "8h",
      policies: [{ id: "access-app-policy-id", precedence: 1 }],
    });
    expect(res("access-app-app").dependencies).toEqual([
      "urn:pulumi:unit::homelab::homelab:cloudflare:AccessApplication$cloudflare:index/zeroTrustAccessPolicy:ZeroTrustAccessPolicy::access-app-policy",
    ]);
  });

  it("keeps a login for 24 hours unless told otherwise", () => {
    expect(res("access-wiki-app").inputs).toMatchObject({ domain: "wiki.example.net", sessionDuration: "24h", policies: [{ id: "access-wiki-policy-id", precedence: 1 }] });
  });

  it("puts both on the Cloudflare provider given, with no resource option", () => {
    for (const name of ["access-app-policy", "access-app-app"]) {
      expect(res(name).provider).toBe(CF_PROVIDER);
      expect(res(name).options).toEqual(NO_OPTIONS);
    }
  });

  it("exports the hostname and the application's AUD tag", () => {
    expect(rec.outputs.get("urn:pulumi:unit::homelab::pulumi:pulumi:Stack$homelab:cloudflare:AccessApplication::access-app")).toEqual({
      hostname: "app.example.net",
      aud: "access-app-app-aud",
    });
  });
});

describe("AccessApplication without an allow rule", () => {
  it("refuses to build a policy that would match nobody", async () => {
    const build = (allow: ConstructorParameters<typeof AccessApplication>[1]["allow"]) => () =>
      new AccessApplication("access-x", { accountId: "acct", hostname: "x.example.net", allow, provider: new cloudflare.Provider("cf", {}) });
    expect(await failure(build({}))).toBe("Access for x.example.net needs at least one allow rule");
    expect(await failure(build({ emails: [], emailDomains: [], groups: [] }))).toBe("Access for x.example.net needs at least one allow rule");
  });
});
