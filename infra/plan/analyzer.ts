/**
 * Runs the homelab-guard policy pack the way `pulumi preview --policy-pack` does:
 * the pack is its own Node process, started through @pulumi/pulumi's
 * run-policy-pack entry point in the pack directory, and spoken to over the
 * Analyzer gRPC service on the port it prints to stdout.
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as pb from "@pulumi/pulumi/proto/analyzer_pb";
import { specialSecretSig, specialSigKey, unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";

export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** The engine's wire marker for a value known only after deployment. */
export const UNKNOWN_VALUE = unknownValue;
const SIG_KEY = specialSigKey;
const SECRET_SIG = specialSecretSig;

/** Wraps a value the way the engine sends a secret to analyzers. */
export function secret(value: JsonValue): { [key: string]: JsonValue } {
    return { [SIG_KEY]: SECRET_SIG, value };
}

export interface ResourceOptionsInput {
    readonly protect?: boolean;
    readonly ignoreChanges?: readonly string[];
    readonly deleteBeforeReplace?: boolean;
    readonly additionalSecretOutputs?: readonly string[];
    readonly aliases?: readonly string[];
    readonly parent?: string;
}

export interface ProviderInput {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly properties?: Readonly<Record<string, unknown>>;
}

export interface AnalyzerResourceInput {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    /** Inputs in wire form: plain JSON, unknowns as UNKNOWN_VALUE, secrets via secret(). `undefined` entries are dropped. */
    readonly properties: Readonly<Record<string, unknown>>;
    readonly parent?: string;
    /** A provider resource, or the engine's `urn::id` provider reference. */
    readonly provider?: ProviderInput | string;
    readonly dependencies?: readonly string[];
    readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
    readonly options?: ResourceOptionsInput;
}

export interface PolicyDiagnostic {
    readonly policyName: string;
    readonly policyPackName: string;
    readonly policyPackVersion: string;
    readonly enforcementLevel: EnforcementLevel;
    readonly urn: string;
    readonly message: string;
    readonly description: string;
}

export interface PolicyInfo {
    readonly name: string;
    readonly description: string;
    readonly enforcementLevel: EnforcementLevel;
    readonly kind: "resource" | "stack";
    readonly remediationSteps: string;
    readonly configSchema: Readonly<Record<string, JsonValue>>;
}

export interface PolicyPackInfo {
    readonly name: string;
    readonly version: string;
    readonly policies: readonly PolicyInfo[];
}

/** One policy's settings after normalisation: a level and rule properties. */
export interface PolicySettings {
    readonly enforcementLevel?: EnforcementLevel;
    readonly properties: Readonly<Record<string, JsonValue>>;
}
export type PolicyPackConfig = Readonly<Record<string, PolicySettings>>;

export class PolicyConfigError extends Error {
    /** Each problem on its own, for a caller that lists them under the config file's name. */
    readonly problems: readonly string[];

    constructor(message: string, problems: readonly string[] = [message]) {
        super(message);
        this.problems = problems;
    }
}
export class PolicyPackStartError extends Error {}

const LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];
const isLevel = (v: unknown): v is EnforcementLevel => typeof v === "string" && (LEVELS as readonly string[]).includes(v);

/**
 * Normalises a `--policy-pack-config` document ({policy: level | {enforcementLevel, ...props}}, plus "all").
 * With `knownPolicies`, names that are neither a policy nor "all" are rejected, listed together.
 */
export function parsePolicyPackConfig(raw: unknown, knownPolicies?: readonly string[], source = "policy pack config"): PolicyPackConfig {
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new PolicyConfigError(`${source}: expected a JSON object`);
    const out: Record<string, PolicySettings> = {};
    const problems: string[] = [];
    for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
        if (isLevel(value)) {
            out[name] = { enforcementLevel: value, properties: {} };
        } else if (typeof value === "object" && value !== null && !Array.isArray(value)) {
            const { enforcementLevel, ...properties } = value as Record<string, JsonValue>;
            if (enforcementLevel !== undefined && !isLevel(enforcementLevel)) problems.push(`${name}: invalid enforcementLevel ${JSON.stringify(enforcementLevel)}`);
            if (name === "all" && Object.keys(properties).length > 0) problems.push(`all: only enforcementLevel may be set`);
            out[name] = { enforcementLevel: isLevel(enforcementLevel) ? enforcementLevel : undefined, properties };
        } else {
            problems.push(`${name}: expected an enforcement level or an object`);
        }
    }
    if (knownPolicies) {
        const unknown = Object.keys(out).filter((n) => n !== "all" && !knownPolicies.includes(n));
        if (unknown.length > 0) problems.push(`unknown policy name(s): ${unknown.join(", ")} (known: ${knownPolicies.join(", ")})`);
    }
    if (problems.length > 0) throw new PolicyConfigError(`${source}: ${problems.join("; ")}`);
    return out;
}

/** Reads policies/config/<stack>.json (or any path) and validates it. */
export function loadPolicyPackConfig(file: string, knownPolicies?: readonly string[]): PolicyPackConfig {
    let raw: unknown;
    try {
        raw = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
        throw new PolicyConfigError(`${file}: ${(e as Error).message}`);
    }
    return parsePolicyPackConfig(raw, knownPolicies, file);
}

/** Path of a stack's config under a pack directory, e.g. policies/config/prod.json. */
export function stackPolicyConfigPath(packDir: string, stack: string): string {
    return path.join(packDir, "config", `${stack}.json`);
}

// The engine checks each policy's config against its JSON schema before Configure; so does the plan.
const ajv = new Ajv({ strict: false, allErrors: true });
const compiled = new WeakMap<object, ValidateFunction>();

/** `/1/name` -> `[1].name`: a place inside a setting, written the way its key is. */
const inside = (pointer: string): string =>
    pointer.split("/").slice(1).map((k) => (/^\d+$/.test(k) ? `[${k}]` : `.${k.replace(/~1/g, "/").replace(/~0/g, "~")}`)).join("");

function schemaMessage(e: ErrorObject): string {
    return e.keyword === "pattern" ? `must match ${String(e.params["pattern"])}` : (e.message ?? `fails ${e.keyword}`);
}

/** Where a setting breaks its schema (type, items, pattern, ...), one problem each. */
function schemaProblems(at: string, schema: { [key: string]: JsonValue }, value: JsonValue): string[] {
    let validate = compiled.get(schema);
    if (validate === undefined) compiled.set(schema, (validate = ajv.compile(schema)));
    return validate(value) ? [] : (validate.errors ?? []).map((e) => `${at}${inside(e.instancePath)} ${schemaMessage(e)}`);
}

/**
 * What the engine sends in Configure: every policy, with its level (policy entry, else "all",
 * else the pack's default) and its schema defaults overlaid with the configured properties.
 */
export function reconcileConfig(info: PolicyPackInfo, config: PolicyPackConfig): Map<string, Required<PolicySettings>> {
    parsePolicyPackConfig(Object.fromEntries(Object.entries(config).map(([k, v]) => [k, { ...v.properties, ...(v.enforcementLevel ? { enforcementLevel: v.enforcementLevel } : {}) }])), info.policies.map((p) => p.name));
    const problems: string[] = [];
    const result = new Map<string, Required<PolicySettings>>();
    for (const p of info.policies) {
        const own = config[p.name];
        const props: Record<string, JsonValue> = {};
        for (const [key, s] of Object.entries(p.configSchema)) {
            const d = typeof s === "object" && s !== null && !Array.isArray(s) ? s["default"] : undefined;
            if (d !== undefined) props[key] = d;
        }
        for (const [key, value] of Object.entries(own?.properties ?? {})) {
            const s = p.configSchema[key];
            if (s === undefined) problems.push(`${p.name}.${key} is not a setting of this policy`);
            else if (typeof s === "object" && s !== null && !Array.isArray(s)) problems.push(...schemaProblems(`${p.name}.${key}`, s, value));
            props[key] = value;
        }
        result.set(p.name, { enforcementLevel: own?.enforcementLevel ?? config["all"]?.enforcementLevel ?? p.enforcementLevel, properties: props });
    }
    if (problems.length > 0) throw new PolicyConfigError(problems.join("; "), problems);
    return result;
}

export interface StartPolicyPackOptions {
    /** Directory holding PulumiPolicy.yaml and package.json. */
    readonly packDir: string;
    /** A normalised config, or a path to a --policy-pack-config JSON file. */
    readonly config?: PolicyPackConfig | string;
    /** Passed to ConfigureStack, as the engine does. */
    readonly stack?: { readonly stack: string; readonly project: string; readonly organization?: string; readonly dryRun?: boolean };
    /** Give up if the pack has not printed its port by then (it type-checks itself on start). Default 120 s. */
    readonly startTimeoutMs?: number;
}

export interface AnalyzeAllOptions {
    /** Unary calls kept in flight at once. Default 32. */
    readonly concurrency?: number;
}

export interface PolicyPackClient {
    readonly info: PolicyPackInfo;
    readonly pid: number;
    /** Applies a stack's policy config (the engine's Configure call). */
    configure(config: PolicyPackConfig): Promise<void>;
    analyze(resource: AnalyzerResourceInput): Promise<PolicyDiagnostic[]>;
    /** Analyze for many resources with several calls in flight; results keep input order. */
    analyzeAll(resources: readonly AnalyzerResourceInput[], options?: AnalyzeAllOptions): Promise<PolicyDiagnostic[]>;
    analyzeStack(resources: readonly AnalyzerResourceInput[]): Promise<PolicyDiagnostic[]>;
    close(): Promise<void>;
}

const LEVEL_BY_ENUM = new Map<number, EnforcementLevel>([
    [pb.EnforcementLevel.ADVISORY, "advisory"],
    [pb.EnforcementLevel.MANDATORY, "mandatory"],
    [pb.EnforcementLevel.DISABLED, "disabled"],
    [pb.EnforcementLevel.REMEDIATE, "remediate"],
]);
const ENUM_BY_LEVEL = new Map<EnforcementLevel, pb.EnforcementLevel>([...LEVEL_BY_ENUM].map(([k, v]) => [v, k as pb.EnforcementLevel]));

/** Drops `undefined` (Struct rejects it) and checks the value is JSON. */
function toJson(v: unknown, where: string): JsonValue | undefined {
    if (v === undefined) return undefined;
    if (v === null || typeof v === "string" || typeof v === "boolean") return v;
    if (typeof v === "number") return Number.isFinite(v) ? v : String(v);
    if (Array.isArray(v)) return v.map((x, i) => toJson(x, `${where}[${i}]`) ?? null);
    if (typeof v === "object") {
        const out: { [key: string]: JsonValue } = {};
        for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
            const j = toJson(x, `${where}.${k}`);
            if (j !== undefined) out[k] = j;
        }
        return out;
    }
    throw new TypeError(`${where}: ${typeof v} is not a JSON value`);
}

function struct(props: Readonly<Record<string, unknown>>, where: string): Struct {
    return Struct.fromJavaScript((toJson(props, where) ?? {}) as { [key: string]: JsonValue });
}

function optionsOf(r: AnalyzerResourceInput): pb.AnalyzerResourceOptions {
    const o = r.options ?? {};
    const opts = new pb.AnalyzerResourceOptions();
    // The policy server refuses requests without options (it reads them as "CLI too old").
    opts.setProtect(o.protect ?? false);
    opts.setIgnorechangesList([...(o.ignoreChanges ?? [])]);
    opts.setAliasesList([...(o.aliases ?? [])]);
    opts.setAdditionalsecretoutputsList([...(o.additionalSecretOutputs ?? [])]);
    if (o.deleteBeforeReplace !== undefined) {
        opts.setDeletebeforereplace(o.deleteBeforeReplace);
        opts.setDeletebeforereplacedefined(true);
    }
    const parent = o.parent ?? r.parent;
    if (parent) opts.setParent(parent);
    opts.setCustomtimeouts(new pb.AnalyzerResourceOptions.CustomTimeouts());
    return opts;
}

function providerOf(r: AnalyzerResourceInput): pb.AnalyzerProviderResource | undefined {
    if (!r.provider) return undefined;
    let p: ProviderInput;
    if (typeof r.provider === "string") {
        // `urn:pulumi:stack::project::pulumi:providers:docker::name::id`
        const urn = r.provider.split("::").slice(0, 4).join("::");
        const parts = urn.split("::");
        p = { urn, type: (parts[2] ?? "").split("$").pop() ?? "", name: parts[3] ?? "" };
    } else {
        p = r.provider;
    }
    const out = new pb.AnalyzerProviderResource();
    out.setUrn(p.urn);
    out.setType(p.type);
    out.setName(p.name);
    out.setProperties(struct(p.properties ?? {}, `${p.urn}.properties`));
    return out;
}

/** The fields an `Analyze` request and an `AnalyzeStack` resource share. */
interface ResourceMessage {
    setUrn(v: string): unknown;
    setType(v: string): unknown;
    setName(v: string): unknown;
    setProperties(v: Struct): unknown;
    setOptions(v: pb.AnalyzerResourceOptions): unknown;
    setProvider(v: pb.AnalyzerProviderResource): unknown;
}

function fill<M extends ResourceMessage>(msg: M, r: AnalyzerResourceInput): M {
    msg.setUrn(r.urn);
    msg.setType(r.type);
    msg.setName(r.name);
    msg.setProperties(struct(r.properties, r.urn));
    msg.setOptions(optionsOf(r));
    const provider = providerOf(r);
    if (provider) msg.setProvider(provider);
    return msg;
}

function analyzeRequest(r: AnalyzerResourceInput): pb.AnalyzeRequest {
    return fill(new pb.AnalyzeRequest(), r);
}

function stackResource(r: AnalyzerResourceInput): pb.AnalyzerResource {
    const res = fill(new pb.AnalyzerResource(), r);
    if (r.parent) res.setParent(r.parent);
    res.setDependenciesList([...(r.dependencies ?? [])]);
    const map = res.getPropertydependenciesMap();
    for (const [k, urns] of Object.entries(r.propertyDependencies ?? {})) {
        if (urns.length === 0) continue;
        const deps = new pb.AnalyzerPropertyDependencies();
        deps.setUrnsList([...urns]);
        map.set(k, deps);
    }
    return res;
}

function diagnostics(resp: pb.AnalyzeResponse, fallbackUrn: string): PolicyDiagnostic[] {
    return resp.getDiagnosticsList().map((d) => ({
        policyName: d.getPolicyname(),
        policyPackName: d.getPolicypackname(),
        policyPackVersion: d.getPolicypackversion(),
        enforcementLevel: LEVEL_BY_ENUM.get(d.getEnforcementlevel()) ?? "advisory",
        urn: d.getUrn() || fallbackUrn,
        message: d.getMessage(),
        description: d.getDescription(),
    }));
}

function packInfo(ai: pb.AnalyzerInfo): PolicyPackInfo {
    return {
        name: ai.getName(),
        version: ai.getVersion(),
        policies: ai.getPoliciesList().map((p) => ({
            name: p.getName(),
            description: p.getDescription(),
            enforcementLevel: LEVEL_BY_ENUM.get(p.getEnforcementlevel()) ?? "advisory",
            kind: p.getPolicyType() === pb.PolicyType.POLICY_TYPE_STACK ? "stack" : "resource",
            remediationSteps: p.getRemediationSteps(),
            configSchema: (p.getConfigschema()?.getProperties()?.toJavaScript() ?? {}) as Record<string, JsonValue>,
        })),
    };
}

function unary<Req, Res>(
    call: (req: Req, cb: (err: grpc.ServiceError | null, res: Res) => void) => grpc.ClientUnaryCall,
    req: Req,
): Promise<Res> {
    return new Promise((resolve, reject) => call(req, (err, res) => (err ? reject(err) : resolve(res))));
}

// Children still running when this process exits are killed, so an aborted run never leaks a pack.
const live = new Set<ChildProcess>();
process.once("exit", () => live.forEach((c) => c.kill("SIGKILL")));

/** The Node entry point the engine's `pulumi-analyzer-policy` shim runs, resolved from the pack directory. */
export function runPolicyPackEntry(packDir: string): string {
    return require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [path.resolve(packDir)] });
}

function waitForPort(child: ChildProcess, packDir: string, timeoutMs: number): Promise<number> {
    return new Promise((resolve, reject) => {
        let out = "";
        let err = "";
        const fail = (why: string) => {
            cleanup();
            child.kill("SIGKILL");
            reject(new PolicyPackStartError(`policy pack in ${packDir} failed to start: ${why}\n${err.trim()}`.trim()));
        };
        const onOut = (chunk: Buffer) => {
            out += chunk.toString();
            const line = out.split(/\r?\n/).find((l) => /^\d+$/.test(l.trim()));
            if (line !== undefined) {
                cleanup();
                resolve(Number(line.trim()));
            }
        };
        const onErr = (chunk: Buffer) => (err += chunk.toString());
        const onExit = (code: number | null, signal: string | null) => fail(`process exited (${signal ?? `code ${code}`}) before printing its port`);
        const onError = (e: Error) => fail(e.message);
        const timer = setTimeout(() => fail(`no port printed within ${timeoutMs} ms`), timeoutMs);
        const cleanup = () => {
            clearTimeout(timer);
            child.stdout?.off("data", onOut);
            child.off("exit", onExit);
            child.off("error", onError);
        };
        child.stdout?.on("data", onOut);
        child.stderr?.on("data", onErr);
        child.on("exit", onExit);
        child.on("error", onError);
    });
}

export async function startPolicyPack(options: StartPolicyPackOptions): Promise<PolicyPackClient> {
    const packDir = path.resolve(options.packDir);
    if (!fs.existsSync(path.join(packDir, "PulumiPolicy.yaml"))) throw new PolicyPackStartError(`${packDir} has no PulumiPolicy.yaml`);
    let entry: string;
    try {
        entry = runPolicyPackEntry(packDir);
    } catch {
        throw new PolicyPackStartError(`@pulumi/pulumi is not installed for ${packDir}; run npm install there`);
    }
    // Same argv as the engine: <engine address> <pack program>, cwd = pack directory. The pack never dials the address.
    const child = spawn(process.execPath, [entry, "127.0.0.1:0", "."], { cwd: packDir, stdio: ["ignore", "pipe", "pipe"] });
    live.add(child);
    child.once("exit", () => live.delete(child));
    const port = await waitForPort(child, packDir, options.startTimeoutMs ?? 120_000);
    // Keep draining output so a chatty pack cannot block on a full pipe.
    child.stdout?.resume();
    child.stderr?.resume();

    const client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
        "grpc.max_receive_message_length": 400 * 1024 * 1024,
        "grpc.max_send_message_length": 400 * 1024 * 1024,
    });
    let closed = false;
    const close = async (): Promise<void> => {
        if (closed) return;
        closed = true;
        client.close();
        if (child.exitCode === null && child.signalCode === null) {
            const exited = new Promise<void>((r) => child.once("exit", () => r()));
            child.kill("SIGTERM");
            await exited;
        }
    };

    try {
        const info = packInfo(await unary(client.getAnalyzerInfo.bind(client), new Empty()));
        if (options.stack) {
            const req = new pb.AnalyzerStackConfigureRequest();
            req.setStack(options.stack.stack);
            req.setProject(options.stack.project);
            req.setOrganization(options.stack.organization ?? "organization");
            req.setDryRun(options.stack.dryRun ?? true);
            await unary(client.configureStack.bind(client), req);
        }
        const configure = async (config: PolicyPackConfig): Promise<void> => {
            const req = new pb.ConfigureAnalyzerRequest();
            const map = req.getPolicyconfigMap();
            for (const [name, s] of reconcileConfig(info, config)) {
                const pc = new pb.PolicyConfig();
                pc.setEnforcementlevel(ENUM_BY_LEVEL.get(s.enforcementLevel) ?? pb.EnforcementLevel.ADVISORY);
                pc.setProperties(Struct.fromJavaScript(s.properties as { [key: string]: JsonValue }));
                map.set(name, pc);
            }
            await unary(client.configure.bind(client), req);
        };
        if (options.config !== undefined) {
            const names = info.policies.map((p) => p.name);
            await configure(typeof options.config === "string" ? loadPolicyPackConfig(options.config, names) : options.config);
        }
        const analyze = async (r: AnalyzerResourceInput) => diagnostics(await unary(client.analyze.bind(client), analyzeRequest(r)), r.urn);
        return {
            info,
            pid: child.pid ?? -1,
            configure,
            analyze,
            analyzeAll: async (resources, opts) => {
                const results: PolicyDiagnostic[][] = new Array(resources.length);
                let next = 0;
                const worker = async () => {
                    while (next < resources.length) {
                        const i = next++;
                        results[i] = await analyze(resources[i]);
                    }
                };
                const n = Math.max(1, Math.min(opts?.concurrency ?? 32, resources.length));
                await Promise.all(Array.from({ length: n }, worker));
                return results.flat();
            },
            analyzeStack: async (resources) => {
                const req = new pb.AnalyzeStackRequest();
                req.setResourcesList(resources.map(stackResource));
                return diagnostics(await unary(client.analyzeStack.bind(client), req), "");
            },
            close,
        };
    } catch (e) {
        await close();
        throw e;
    }
}
