/**
 * Refresh-stable: for every resource of every shipped stack and of the
 * bench's synthetic stack, what the program sends (after the provider's
 * Check) is what the provider reads back after create, so
 * `pulumi preview --refresh --expect-no-changes` right after `pulumi up` is clean.
 */
import { evaluateStack, type Evaluation } from "../../infra/plan/evaluate";
import { behaviourOf, readBack, withProviderDefaults } from "../../infra/providers";
import { SYNTHETIC_STACK, syntheticStackText } from "../../bench/synthetic";
import { SHIPPED_STACKS } from "../support/stacks";
import { SWARM_DIR, SWARM_STACK } from "../swarm/support";

jest.setTimeout(180_000);

const evaluations: Evaluation[] = [];
beforeAll(async () => {
  for (const stack of SHIPPED_STACKS) evaluations.push(await evaluateStack({ stack }));
  evaluations.push(await evaluateStack({ stack: SYNTHETIC_STACK, stackFileText: syntheticStackText({ services: 12 }) }));
  evaluations.push(await evaluateStack({ stack: SWARM_STACK, projectDir: SWARM_DIR }));
});

/** Provider resources are configuration, never read back by a refresh. */
const isProvider = (type: string): boolean => type.startsWith("pulumi:providers:");
const modelled = (e: Evaluation) => e.resources.filter((r) => r.custom && !isProvider(r.type));

test("the evaluations register every resource type the program uses", () => {
  const types = new Set(evaluations.flatMap((e) => modelled(e).map((r) => r.type)));
  expect([...types].sort()).toEqual([
    "cloudflare:index/dnsRecord:DnsRecord",
    "cloudflare:index/zeroTrustAccessApplication:ZeroTrustAccessApplication",
    "cloudflare:index/zeroTrustAccessPolicy:ZeroTrustAccessPolicy",
    "cloudflare:index/zeroTrustTunnelCloudflared:ZeroTrustTunnelCloudflared",
    "cloudflare:index/zeroTrustTunnelCloudflaredConfig:ZeroTrustTunnelCloudflaredConfig",
    "docker:index/container:Container",
    "docker:index/network:Network",
    "docker:index/remoteImage:RemoteImage",
    "docker:index/secret:Secret",
    "docker:index/service:Service",
    "docker:index/volume:Volume",
    "github:index/actionsSecret:ActionsSecret",
    "random:index/randomBytes:RandomBytes",
    "random:index/randomPassword:RandomPassword",
  ]);
});

test("every registered custom resource type has a provider model entry", () => {
  const missing = [...new Set(evaluations.flatMap((e) => modelled(e).map((r) => r.type)))].filter((t) => behaviourOf(t) === undefined);
  expect(missing).toEqual([]);
});

test.each(["dev", "homelab", "prod", SYNTHETIC_STACK, SWARM_STACK])("%s: every resource reads back as it was sent", (stack) => {
  const e = evaluations.find((x) => x.stack === stack)!;
  const resources = modelled(e);
  expect(resources.length).toBeGreaterThan(10);
  const sent = resources.map((r) => ({ urn: r.urn, inputs: withProviderDefaults(r.type, r.inputs) }));
  const back = sent.map((s, i) => ({ urn: s.urn, inputs: readBack(resources[i].type, s.inputs) }));
  expect(back).toEqual(sent);
});
