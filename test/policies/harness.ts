/**
 * Calls rules the way @pulumi/policy's server does: props come off a protobuf
 * Struct through the (secret-tracking) deserializer and are wrapped in the
 * library's unknown-checking proxy, so a rule that touches an unknown throws here too.
 */
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import type { PolicyResource, ResourceValidationArgs, ResourceValidationPolicy, StackValidationPolicy, Policy } from "@pulumi/policy";
import { deserializeWire } from "../../policies/lib/secrets";
import { secret, UNKNOWN_VALUE, type JsonValue } from "../../infra/plan/analyzer";

export { secret, UNKNOWN_VALUE };
export type Wire = { [key: string]: JsonValue | undefined };

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { unknownCheckingProxy } = require("@pulumi/policy/proxy") as { unknownCheckingProxy<T>(x: T): T };

export const T = {
    container: "docker:index/container:Container",
    remoteImage: "docker:index/remoteImage:RemoteImage",
    dnsRecord: "cloudflare:index/dnsRecord:DnsRecord",
    tunnelConfig: "cloudflare:index/zeroTrustTunnelCloudflaredConfig:ZeroTrustTunnelCloudflaredConfig",
    access: "cloudflare:index/zeroTrustAccessApplication:ZeroTrustAccessApplication",
    actionsSecret: "github:index/actionsSecret:ActionsSecret",
} as const;

/**
 * The harness is synchronous: a rule that returned a promise would report
 * after the test had already read an empty list, and pass vacuously. Every
 * rule of the pack is synchronous, so a promise here is refused outright.
 */
function settled(result: unknown, name: string): void {
    if (result !== undefined && typeof (result as { then?: unknown })?.then === "function") {
        throw new Error(`policy ${name} returned a promise; this harness only runs synchronous rules`);
    }
}

function wireProps(props: Wire): Record<string, unknown> {
    const json = JSON.parse(JSON.stringify(props)) as { [key: string]: JsonValue };
    return unknownCheckingProxy(deserializeWire(Struct.fromJavaScript(json)));
}

const urnOf = (type: string, name: string) => `urn:pulumi:test::homelab::${type}::${name}`;

export function runResource(policy: Policy, type: string, props: Wire, config: object = {}): string[] {
    const p = policy as ResourceValidationPolicy;
    const messages: string[] = [];
    const args: ResourceValidationArgs = {
        type,
        props: wireProps(props),
        urn: urnOf(type, "r"),
        name: "r",
        opts: { protect: false, ignoreChanges: [], aliases: [], additionalSecretOutputs: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 } },
        stackTags: new Map(),
        isType: () => false,
        asType: () => undefined,
        getConfig: <C extends object>() => config as C,
        notApplicable: (reason?: string): never => {
            throw new Error(reason);
        },
    };
    const validations = Array.isArray(p.validateResource) ? p.validateResource : p.validateResource ? [p.validateResource] : [];
    for (const v of validations) settled(v(args, (m: string) => messages.push(m)), policy.name);
    return messages;
}

export interface StackInput {
    readonly type: string;
    readonly name: string;
    readonly props: Wire;
    readonly dependsOn?: readonly string[];
    readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
    /** Provider URN, as the engine sends it (for Docker: which host). */
    readonly provider?: string;
}

export function runStack(policy: Policy, inputs: readonly StackInput[], config: object = {}): { message: string; urn?: string }[] {
    const p = policy as StackValidationPolicy;
    const byName = new Map<string, PolicyResource>();
    const resources = inputs.map((i) => {
        const r = {
            type: i.type, name: i.name, urn: urnOf(i.type, i.name), props: wireProps(i.props),
            opts: { protect: false, ignoreChanges: [], aliases: [], additionalSecretOutputs: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 } },
            dependencies: [], propertyDependencies: {}, isType: () => false, asType: () => undefined,
            provider: i.provider === undefined ? undefined : { type: "pulumi:providers:docker", name: i.provider.split("::").pop(), urn: i.provider, props: {} },
        } as unknown as PolicyResource;
        byName.set(i.name, r);
        return r;
    });
    inputs.forEach((i, n) => {
        resources[n].dependencies = (i.dependsOn ?? []).map((d) => byName.get(d)!);
        resources[n].propertyDependencies = Object.fromEntries(Object.entries(i.propertyDependencies ?? {}).map(([k, v]) => [k, v.map((d) => byName.get(d)!)]));
    });
    const out: { message: string; urn?: string }[] = [];
    const result = p.validateStack({ resources, stackTags: new Map(), getConfig: <C extends object>() => config as C, notApplicable: (r?: string): never => { throw new Error(r); } },
        (message: string, urn?: string) => out.push({ message, urn }));
    settled(result, policy.name);
    return out;
}

/** A container that passes every rule; each test changes one property of it. */
export function compliantContainer(): Wire {
    return {
        image: UNKNOWN_VALUE,
        name: "web",
        ports: [{ internal: 8080, external: 8080, ip: "127.0.0.1", protocol: "tcp" }],
        securityOpts: ["no-new-privileges:true"],
        capabilities: { drops: ["ALL"] },
        healthcheck: { tests: ["CMD", "wget", "-qO-", "http://127.0.0.1:8080/health"] },
        restart: "unless-stopped",
        memory: 256,
        cpus: "1.0",
        networksAdvanced: [{ name: "homelab-web" }],
        volumes: [{ containerPath: "/data", volumeName: "web-data" }],
        labels: [{ label: "homelab.component", value: "web" }],
    };
}

export const withProps = (base: Wire, patch: Wire): Wire => ({ ...base, ...patch });

export type Case = readonly [label: string, patch: Wire];
/** A must-fail case and the one violation message it must produce, so a test knows which check fired. */
export type FailCase = readonly [label: string, patch: Wire, fired: string];

/** Declares must-fail and must-pass cases, each one property away from `base`. */
export function describeCases(policy: Policy, type: string, base: () => Wire, cases: { fail: readonly FailCase[]; pass: readonly Case[] }, config: object = {}): void {
    test("baseline passes", () => expect(runResource(policy, type, base(), config)).toEqual([]));
    test.each(cases.fail.map((c) => [c[0], c[1], c[2]] as const))("fails: %s", (_label, patch, fired) => {
        expect(runResource(policy, type, withProps(base(), patch), config)).toEqual([fired]);
    });
    test.each(cases.pass.map((c) => [c[0], c[1]] as const))("passes: %s", (_label, patch) => {
        expect(runResource(policy, type, withProps(base(), patch), config)).toEqual([]);
    });
}
