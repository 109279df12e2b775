import type { ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs } from "@pulumi/policy";
import { resourceRule, schema, stackRule, TYPES, viewProps, type StackResource } from "../../../policies/lib/policy";

const texts = { name: "example-rule", description: "d", remediationSteps: "r" };
const serviceProps = { taskSpec: { containerSpec: { image: "nginx:1.27" } } };

type Validate = ((args: ResourceValidationArgs, report: (message: string) => void) => void) & { __pulumiType?: string };
const validate = (rule: ResourceValidationPolicy): Validate => rule.validateResource as Validate;

type Call = { props: unknown; config: unknown; type: string };

function resourceArgs(type: string, props: object, config: object = {}): ResourceValidationArgs {
    return { type, props, urn: "urn", name: "n", getConfig: () => config } as unknown as ResourceValidationArgs;
}

function containerRule(extra: { services?: boolean; types?: string[] } = {}) {
    const calls: Call[] = [];
    const rule = resourceRule({
        ...texts,
        types: extra.types ?? [TYPES.container],
        services: extra.services,
        defaults: { a: 1, b: 2 },
        check: (props, config, report, type) => {
            calls.push({ props, config, type });
            report(`seen ${type}`);
        },
    });
    return { rule, calls };
}

describe("resourceRule", () => {
    it("checks its own type with the defaults under the stack's config, reading through the library's proxy", () => {
        const { rule, calls } = containerRule();
        const reports: string[] = [];
        const target = { image: "nginx:1.27" };
        validate(rule)(resourceArgs(TYPES.container, { __getSpecialProxyTarget: target }, { b: 3 }), (m: string) => reports.push(m));
        expect(calls).toEqual([{ props: target, config: { a: 1, b: 3 }, type: TYPES.container }]);
        expect(reports).toEqual([`seen ${TYPES.container}`]);
    });

    it("checks a Swarm service through its container view unless the rule opts out", () => {
        const { rule, calls } = containerRule();
        validate(rule)(resourceArgs(TYPES.service, serviceProps), () => undefined);
        expect(calls).toHaveLength(1);
        expect(calls[0].type).toBe(TYPES.service);
        expect((calls[0].props as { image: string }).image).toBe("nginx:1.27");
        const optedOut = containerRule({ services: false });
        validate(optedOut.rule)(resourceArgs(TYPES.service, serviceProps), () => undefined);
        expect(optedOut.calls).toEqual([]);
    });

    it("skips other types, and a non-container rule never sees services", () => {
        const { rule, calls } = containerRule();
        validate(rule)(resourceArgs(TYPES.volume, {}), () => undefined);
        const dns = containerRule({ types: [TYPES.dnsRecord] });
        validate(dns.rule)(resourceArgs(TYPES.service, serviceProps), () => undefined);
        expect([...calls, ...dns.calls]).toEqual([]);
    });

    it("names its single type to the server so other resources are skipped without a call", () => {
        const typeOf = (r: ResourceValidationPolicy) => validate(r).__pulumiType;
        expect(typeOf(containerRule().rule)).toBeUndefined();
        expect(typeOf(containerRule({ services: false }).rule)).toBe(TYPES.container);
        expect(typeOf(containerRule({ types: [TYPES.dnsRecord] }).rule)).toBe(TYPES.dnsRecord);
        expect(typeOf(containerRule({ types: [TYPES.dnsRecord, TYPES.tunnelConfig] }).rule)).toBeUndefined();
    });

    it("starts advisory unless the rule says otherwise, and carries its texts", () => {
        const { rule } = containerRule();
        expect(rule).toMatchObject({ name: "example-rule", description: "d", remediationSteps: "r", enforcementLevel: "advisory" });
        const mandatory = resourceRule({ ...texts, enforcementLevel: "mandatory", severity: "high", types: [TYPES.container], defaults: {}, check: () => undefined });
        expect(mandatory).toMatchObject({ enforcementLevel: "mandatory", severity: "high" });
    });
});

describe("stackRule", () => {
    it("gives each resource once, with its dependencies, provider and a Swarm service as a flagged container", () => {
        const image = { type: TYPES.remoteImage, urn: "urn:image", name: "img", props: { name: "nginx:1.27" }, dependencies: [], propertyDependencies: {} };
        const svc = {
            type: TYPES.service,
            urn: "urn:svc",
            name: "svc",
            props: serviceProps,
            provider: { urn: "urn:provider::id" },
            dependencies: [image],
            propertyDependencies: { image: [image] },
        };
        const seen: StackResource[][] = [];
        const reports: [string, string][] = [];
        const rule = stackRule({
            ...texts,
            defaults: { x: 1 },
            check: (resources, config, report) => {
                seen.push([...resources]);
                report(`config ${JSON.stringify(config)}`, resources[0].urn);
            },
        });
        const args = { resources: [svc, image], getConfig: () => ({ x: 2 }) } as unknown as StackValidationArgs;
        rule.validateStack(args, (m, urn) => reports.push([m, urn as string]));
        const [s, i] = seen[0];
        expect(s).toMatchObject({ type: TYPES.container, urn: "urn:svc", name: "svc", provider: "urn:provider::id", swarmService: true });
        expect(s.props["image"]).toBe("nginx:1.27");
        expect(i).toMatchObject({ type: TYPES.remoteImage, provider: undefined, props: { name: "nginx:1.27" } });
        expect(i.swarmService).toBeUndefined();
        expect(s.dependencies[0]).toBe(i);
        expect(s.propertyDependencies["image"][0]).toBe(i);
        expect(reports).toEqual([['config {"x":2}', "urn:svc"]]);
        expect(rule.enforcementLevel).toBe("advisory");
    });
});

describe("viewProps and schema", () => {
    it("reads only services through the container view", () => {
        expect(viewProps(TYPES.container, { image: "a" })).toEqual({ image: "a" });
        expect(viewProps(TYPES.service, serviceProps)["image"]).toBe("nginx:1.27");
    });
    it("builds JSON-schema fragments with their defaults", () => {
        expect(schema.bool(true, "d")).toEqual({ type: "boolean", default: true, description: "d" });
        const list = ["a"] as const;
        const s = schema.strings(list, "d");
        expect(s).toEqual({ type: "array", items: { type: "string" }, default: ["a"], description: "d" });
        expect(s.default).not.toBe(list);
    });
});
