/** Small builders so each rule file only holds its check, texts and defaults. */
import type {
    EnforcementLevel,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { containerViewOfService } from "./serviceView";
import { Props, rawProps } from "./values";

export const TYPES = {
    container: "docker:index/container:Container",
    remoteImage: "docker:index/remoteImage:RemoteImage",
    network: "docker:index/network:Network",
    volume: "docker:index/volume:Volume",
    dnsRecord: "cloudflare:index/dnsRecord:DnsRecord",
    tunnel: "cloudflare:index/zeroTrustTunnelCloudflared:ZeroTrustTunnelCloudflared",
    tunnelConfig: "cloudflare:index/zeroTrustTunnelCloudflaredConfig:ZeroTrustTunnelCloudflaredConfig",
    accessApplication: "cloudflare:index/zeroTrustAccessApplication:ZeroTrustAccessApplication",
    actionsSecret: "github:index/actionsSecret:ActionsSecret",
    service: "docker:index/service:Service",
} as const;

/**
 * Whether a rule inspects `type`: its own types, and Swarm services (through
 * their container view) for every container rule that does not opt out.
 */
function covers(spec: { readonly types: readonly string[]; readonly services?: boolean }, type: string): boolean {
    return spec.types.includes(type) || (type === TYPES.service && spec.types.includes(TYPES.container) && spec.services !== false);
}

/** A resource's props as the rules read them: a Swarm service as its container view. */
export function viewProps(type: string, props: Props): Props {
    return type === TYPES.service ? containerViewOfService(props) : props;
}

interface RuleTexts {
    readonly name: string;
    readonly description: string;
    readonly remediationSteps: string;
    /** Default when the stack's policy config says nothing; most rules start advisory. */
    readonly enforcementLevel?: EnforcementLevel;
    readonly severity?: Severity;
    readonly configSchema?: PolicyConfigSchema;
}

export interface ResourceRuleSpec<C extends object> extends RuleTexts {
    /** One or more resource type tokens the rule inspects. */
    readonly types: readonly string[];
    readonly defaults: C;
    /**
     * A container rule also checks Swarm services (their task's container view).
     * @default true
     */
    readonly services?: boolean;
    /** `type` is the resource's own type: a Swarm service arrives as `docker:index/service:Service`. */
    readonly check: (props: Props, config: C, report: (message: string) => void, type: string) => void;
}

export interface StackResource {
    readonly type: string;
    readonly urn: string;
    readonly name: string;
    readonly props: Props;
    /** URN of the resource's provider; for Docker resources it tells which host they live on. */
    readonly provider: string | undefined;
    /** Set when this container-typed resource is a Swarm service seen through its container view. */
    readonly swarmService?: boolean;
    readonly dependencies: readonly StackResource[];
    readonly propertyDependencies: Readonly<Record<string, readonly StackResource[]>>;
}

export interface StackRuleSpec<C extends object> extends RuleTexts {
    readonly defaults: C;
    readonly check: (resources: readonly StackResource[], config: C, report: (message: string, urn: string) => void) => void;
}

function texts(spec: RuleTexts) {
    return {
        name: spec.name,
        description: spec.description,
        remediationSteps: spec.remediationSteps,
        enforcementLevel: spec.enforcementLevel ?? "advisory",
        severity: spec.severity,
        configSchema: spec.configSchema,
    };
}

export function resourceRule<C extends object>(spec: ResourceRuleSpec<C>): ResourceValidationPolicy {
    const validate = (args: ResourceValidationArgs, reportViolation: ReportViolation): void => {
        if (!covers(spec, args.type)) return;
        const config: C = { ...spec.defaults, ...args.getConfig<Partial<C>>() };
        spec.check(viewProps(args.type, rawProps(args.props)), config, (m) => reportViolation(m), args.type);
    };
    // The server skips a policy without calling it when the function carries a single type token.
    const only = [TYPES.service as string, ...spec.types].filter((t) => covers(spec, t));
    if (only.length === 1) Object.assign(validate, { __pulumiType: only[0] });
    return { ...texts(spec), validateResource: validate };
}

export function stackRule<C extends object>(spec: StackRuleSpec<C>): StackValidationPolicy {
    return {
        ...texts(spec),
        validateStack: (args: StackValidationArgs, reportViolation: ReportViolation): void => {
            const config: C = { ...spec.defaults, ...args.getConfig<Partial<C>>() };
            const converted = new Map<object, StackResource>();
            const convert = (r: StackValidationArgs["resources"][number]): StackResource => {
                const known = converted.get(r);
                if (known) return known;
                const deps: StackResource[] = [];
                const propDeps: Record<string, StackResource[]> = {};
                // Stack rules see a Swarm service as a container: its container view, flagged.
                const service = r.type === TYPES.service;
                const out: StackResource = {
                    type: service ? TYPES.container : r.type,
                    urn: r.urn,
                    name: r.name,
                    props: viewProps(r.type, rawProps(r.props)),
                    provider: r.provider?.urn,
                    ...(service ? { swarmService: true } : {}),
                    dependencies: deps,
                    propertyDependencies: propDeps,
                };
                converted.set(r, out);
                for (const d of r.dependencies) deps.push(convert(d));
                for (const [k, v] of Object.entries(r.propertyDependencies)) propDeps[k] = v.map(convert);
                return out;
            };
            const resources = args.resources.map(convert);
            spec.check(resources, config, (m, urn) => reportViolation(m, urn));
        },
    };
}

/** JSON-schema fragments reused by several rules. */
export const schema = {
    bool: (d: boolean, description: string) => ({ type: "boolean" as const, default: d, description }),
    strings: (d: readonly string[], description: string) => ({ type: "array" as const, items: { type: "string" as const }, default: [...d], description }),
    /** Absolute host paths: the engine validates the config against this schema before a rule sees it. */
    paths: (d: readonly string[], description: string) => ({ type: "array" as const, items: { type: "string" as const, pattern: "^/" }, default: [...d], description }),
};
