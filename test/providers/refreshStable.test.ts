/**
 * Refresh-stable: for every resource of every shipped stack, of each
 * example project (files and secret files as uploads with a mode, host bind
 * addresses, resource classes) and of the bench's synthetic stack, what the program sends (after the provider's
 * Check) is what the provider reads back after create, so
 * `pulumi preview --refresh --expect-no-changes` right after `pulumi up` is clean.
 */
import { evaluateStack, type Evaluation } from "../../infra/plan/evaluate";
import { behaviourOf, readBack, withProviderDefaults } from "../../infra/providers";
import { SYNTHETIC_STACK, syntheticStackText } from "../../bench/synthetic";
import { SHIPPED_STACKS } from "../support/stacks";
import * as path from "path";
import { PROJECT_DIR } from "../../infra/context";
import { SWARM_DIR, SWARM_STACK } from "../swarm/support";

/** Each example project's stacks, evaluated from its own folder. */
const EXAMPLES: readonly (readonly [example: string, stack: string])[] = [
  ["openmates", "dev"],
  ["openmates", "prod"],
  ["millyweb", "homelab"],
  ["phase5", "homelab"],
  ["miket", "homelab"],
];

jest.setTimeout(180_000);

const evaluations: Evaluation[] = [];
const examples = new Map<string, Evaluation>();
beforeAll(async () => {
  for (const stack of SHIPPED_STACKS) evaluations.push(await evaluateStack({ stack }));
  evaluations.push(await evaluateStack({ stack: SYNTHETIC_STACK, stackFileText: syntheticStackText({ services: 12 }) }));
  evaluations.push(await evaluateStack({ stack: SWARM_STACK, projectDir: SWARM_DIR }));
  for (const [example, stack] of EXAMPLES) examples.set(`${example}/${stack}`, await evaluateStack({ stack, projectDir: path.join(PROJECT_DIR, "examples", example) }));
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
    "docker:index/serviceConfig:ServiceConfig",
    "docker:index/volume:Volume",
    "github:index/actionsSecret:ActionsSecret",
    "random:index/randomBytes:RandomBytes",
    "random:index/randomPassword:RandomPassword",
  ]);
});

test("every registered custom resource type has a provider model entry", () => {
  const missing = [...new Set([...evaluations, ...examples.values()].flatMap((e) => modelled(e).map((r) => r.type)))].filter((t) => behaviourOf(t) === undefined);
  expect(missing).toEqual([]);
});

const readsBackAsSent = (e: Evaluation): void => {
  const resources = modelled(e);
  expect(resources.length).toBeGreaterThan(10);
  const sent = resources.map((r) => ({ urn: r.urn, inputs: withProviderDefaults(r.type, r.inputs) }));
  const back = sent.map((s, i) => ({ urn: s.urn, inputs: readBack(resources[i].type, s.inputs) }));
  expect(back).toEqual(sent);
};

test.each(["dev", "homelab", "prod", SYNTHETIC_STACK, SWARM_STACK])("%s: every resource reads back as it was sent", (stack) => {
  readsBackAsSent(evaluations.find((x) => x.stack === stack)!);
});

test.each(EXAMPLES.map(([example, stack]) => `${example}/${stack}`))("example %s: every resource reads back as it was sent", (key) => {
  const e = examples.get(key)!;
  // The examples write files into containers: their uploads (content and octal mode) are part of what is sent.
  expect(e.resources.length).toBeGreaterThan(10);
  readsBackAsSent(e);
});
