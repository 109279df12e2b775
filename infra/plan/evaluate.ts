/**
 * Evaluates the real program for one stack under Pulumi's mock runtime, in
 * this process, and records every resource the way the engine would see it:
 * URN, type, parent, provider, dependencies and inputs. No credentials, no
 * Docker, no Pulumi CLI.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { decodeConfigValue, engineConfigFromJs, PROJECT_DIR, stackFileName, type EngineConfig } from "../context";
import type { ConfigProblem } from "../errors";
import { loadCheckedModel } from "../input/stackLoad";
import { parseStackSource, stackSourceToJs } from "../input/stackSource";
import type { HomelabModel } from "../model";
import { buildStack } from "../engine";
import type { HomelabOutputs } from "../program";

/** The engine's marker for a value that only exists after deployment. */
export const UNKNOWN = pulumi.runtime.unknownValue;
/** The engine's marker object key for a secret value. */
export const SECRET_SIG = pulumi.runtime.specialSigKey;

export interface RecordedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  readonly parent: string | undefined;
  /** Provider reference `urn::id` for custom resources with an explicit provider. */
  readonly provider: string | undefined;
  readonly dependencies: readonly string[];
  /** Inputs in the engine's wire form: secrets and unknowns keep their markers. */
  readonly inputs: Readonly<Record<string, unknown>>;
  /** Per top-level input, the resources its value came from (the engine's property dependencies). */
  readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
  readonly options: ResourceOptionsSeen;
}

/** The resource options the engine acts on that matter for data safety and replacement. */
export interface ResourceOptionsSeen {
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  readonly deleteBeforeReplace: boolean;
  /** Inputs whose differences the engine ignores when diffing. */
  readonly ignoreChanges: readonly string[];
  /** Inputs whose change the engine turns into a replacement. */
  readonly replaceOnChanges: readonly string[];
}

export interface Evaluation {
  readonly stack: string;
  readonly file: string;
  readonly model: HomelabModel;
  readonly resources: readonly RecordedResource[];
  readonly outputs: HomelabOutputs;
}

export interface EvaluateOptions {
  readonly stack: string;
  /** Stack file text; read from the project when omitted. */
  readonly stackFileText?: string;
  readonly projectDir?: string;
}

/** Outputs that a provider computes on create: unknown during a preview, never invented. */
export const COMPUTED: Readonly<Record<string, readonly string[]>> = {
  "docker:index/remoteImage:RemoteImage": ["imageId", "repoDigest"],
  "docker:index/container:Container": ["network_datas", "exitCode"],
  "docker:index/network:Network": ["scope"],
  "docker:index/volume:Volume": ["mountpoint"],
  "random:index/randomPassword:RandomPassword": ["result", "bcryptHash"],
  "cloudflare:index/zeroTrustTunnelCloudflared:ZeroTrustTunnelCloudflared": ["accountTag", "createdAt", "status"],
  "cloudflare:index/dnsRecord:DnsRecord": ["createdOn", "modifiedOn"],
  "cloudflare:index/zeroTrustAccessApplication:ZeroTrustAccessApplication": ["aud"],
  "cloudflare:index/zeroTrustTunnelCloudflaredConfig:ZeroTrustTunnelCloudflaredConfig": ["createdAt", "version"],
  "cloudflare:index/zeroTrustAccessPolicy:ZeroTrustAccessPolicy": ["appCount", "createdAt", "updatedAt", "reusable"],
  "random:index/randomBytes:RandomBytes": ["base64", "hex"],
  "github:index/actionsSecret:ActionsSecret": ["createdAt", "updatedAt", "remoteUpdatedAt", "repositoryId"],
};

/** Data sources the program calls, answered with unknowns because their answers need credentials. */
export const CALL_RESULTS: Readonly<Record<string, readonly string[]>> = {
  "cloudflare:index/getZeroTrustTunnelCloudflaredToken:getZeroTrustTunnelCloudflaredToken": ["token"],
};

/** Mocks that answer like a preview: inputs echoed, provider-computed outputs and data sources unknown. */
export const PREVIEW_MOCKS: pulumi.runtime.Mocks = {
  newResource: (args) => {
    const computed = Object.fromEntries((COMPUTED[args.type] ?? []).map((k) => [k, UNKNOWN]));
    return { id: undefined, state: { ...computed, ...args.inputs } };
  },
  call: (args) => Object.fromEntries((CALL_RESULTS[args.token] ?? []).map((k) => [k, UNKNOWN])),
};

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getProvider(): string;
  getDependenciesList(): string[];
  getProtect(): boolean | undefined;
  getRetainondelete(): boolean | undefined;
  getDeletebeforereplace(): boolean;
  getIgnorechangesList(): string[];
  getReplaceonchangesList(): string[];
  getPropertydependenciesMap?(): { forEach(cb: (deps: { getUrnsList(): string[] }, key: string) => void): void };
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
}

interface Monitor {
  registerResource(req: RegisterRequest, cb: (err: unknown, res?: { getUrn(): string }) => void): void;
}

type Settings = { getMonitor(): Monitor };
type State = { withLocalStorage<T>(cb: () => T): T };
type StackModule = { runInPulumiStack(init: () => Promise<unknown>): Promise<unknown> };
type SettingsWait = { waitForRPCs(): Promise<void> };

/* eslint-disable @typescript-eslint/no-require-imports */
const settings = require("@pulumi/pulumi/runtime/settings") as Settings & SettingsWait;
const state = require("@pulumi/pulumi/runtime/state") as State;
const stackModule = require("@pulumi/pulumi/runtime/stack") as StackModule;

/** One stack's config, read and validated: what an evaluation needs, before any resource exists. */
export interface LoadedStack {
  readonly stack: string;
  readonly file: string;
  readonly engine: EngineConfig;
  readonly model: HomelabModel;
  /** Legal but almost certainly unintended (a stack with no services), each naming file and key. */
  readonly warnings?: readonly ConfigProblem[];
}

/** Reads and validates one stack's config as the program will; throws ConfigError listing every problem. */
export function loadStack(opts: EvaluateOptions): LoadedStack {
  const projectDir = opts.projectDir ?? PROJECT_DIR;
  const file = stackFileName(opts.stack);
  const text = opts.stackFileText ?? readStackFile(path.join(projectDir, file));
  const src = parseStackSource(text, file);
  const js = stackSourceToJs(src);
  const engine = engineConfigFromJs(js, file);
  const values: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(engine.values)) values[k] = decodeConfigValue(v);
  const { model, warnings } = loadCheckedModel({ file, stack: opts.stack, values, source: { src, js } });
  return { stack: opts.stack, file, engine, model, warnings };
}

export function evaluateStack(opts: EvaluateOptions): Promise<Evaluation> {
  // Validation comes first: invalid config registers no resource at all.
  return evaluateLoaded(loadStack(opts));
}

/** Runs the program for a stack whose config `loadStack` has already validated. */
export async function evaluateLoaded(loaded: LoadedStack): Promise<Evaluation> {
  const { stack, file, engine, model } = loaded;
  const { resources, result } = await recordProgram(() => buildStack(model).outputs, { stack, config: engine });
  return { stack, file, model, resources, outputs: result };
}

/** Where `recordProgram` runs: the stack name and its config, as the engine would pass them. */
export interface RecordOptions {
  readonly stack: string;
  /** @default no config */
  readonly config?: Pick<EngineConfig, "values" | "secretKeys">;
  /** @default PREVIEW_MOCKS: no ids, computed outputs unknown, as `pulumi preview` */
  readonly mocks?: pulumi.runtime.Mocks;
}

/**
 * Runs `program` under the mock runtime and records every resource it registers, with its options, in
 * registration order. Each call gets a fresh runtime store, so several programs can run in one process.
 */
export function recordProgram<T>(program: () => T, opts: RecordOptions): Promise<{ resources: RecordedResource[]; result: T }> {
  return state.withLocalStorage(async () => {
    const resources: RecordedResource[] = [];
    await pulumi.runtime.setMocks(opts.mocks ?? PREVIEW_MOCKS, "homelab", opts.stack, true);
    pulumi.runtime.setAllConfig(opts.config?.values ?? {}, opts.config?.secretKeys ?? []);
    recordRegistrations(settings.getMonitor(), resources);
    let result: T | undefined;
    await stackModule.runInPulumiStack(async () => {
      result = program();
      return undefined;
    });
    await settings.waitForRPCs();
    return { resources, result: result as T };
  });
}

function readStackFile(file: string): string {
  if (!fs.existsSync(file)) throw new Error(`${path.basename(file)}: no such stack file in ${path.dirname(file)}`);
  return fs.readFileSync(file, "utf8");
}

function propertyDependencies(req: RegisterRequest): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  req.getPropertydependenciesMap?.().forEach((deps, key) => {
    const urns = deps.getUrnsList();
    if (urns.length > 0) out[key] = [...urns].sort();
  });
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

function recordRegistrations(monitor: Monitor, into: RecordedResource[]): void {
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    original(req, (err, res) => {
      if (!err && res) {
        into.push({
          urn: res.getUrn(),
          type: req.getType(),
          name: req.getName(),
          custom: req.getCustom(),
          parent: req.getParent() || undefined,
          provider: req.getProvider() || undefined,
          dependencies: req.getDependenciesList(),
          inputs: req.getObject()?.toJavaScript() ?? {},
          propertyDependencies: propertyDependencies(req),
          options: {
            protect: req.getProtect() ?? false,
            retainOnDelete: req.getRetainondelete() ?? false,
            deleteBeforeReplace: req.getDeletebeforereplace(),
            ignoreChanges: req.getIgnorechangesList(),
            replaceOnChanges: req.getReplaceonchangesList(),
          },
        });
      }
      cb(err, res);
    });
  };
}
