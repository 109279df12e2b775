/**
 * Runs the policy pack over a plan's resources through the analyzer gRPC
 * protocol, the way `pulumi preview --policy-pack` does: every resource goes
 * through Analyze, then the whole stack through AnalyzeStack. The pack is
 * started once and reconfigured per stack (the engine's Configure call).
 */
import * as fs from "fs";
import * as path from "path";
import { ConfigError } from "../errors";
import {
  loadPolicyPackConfig,
  PolicyConfigError,
  startPolicyPack,
  stackPolicyConfigPath,
  type AnalyzerResourceInput,
  type PolicyDiagnostic,
  type PolicyPackClient,
  type PolicyPackConfig,
} from "./analyzer";
import type { RecordedResource } from "./evaluate";
import { withProviderDefaults } from "../providers";
import { PROJECT_NAME } from "./project";

/** The policy pack shipped with the program. */
export const DEFAULT_PACK_DIR = path.resolve(__dirname, "..", "..", "policies");

export type ViolationLevel = "mandatory" | "advisory" | "remediate";

export interface Violation {
  readonly policy: string;
  readonly level: ViolationLevel;
  readonly urn: string;
  readonly message: string;
}

export interface PolicyResult {
  readonly pack: { readonly name: string; readonly version: string };
  /** The policy config file applied, relative to the pack directory. */
  readonly configFile: string;
  readonly violations: readonly Violation[];
}

/**
 * The analyzer's view of a recorded resource: wire-form inputs as the
 * provider's Check returns them (defaults filled, as the engine hands them
 * to analyzers), provider reference, options.
 */
export function analyzerInput(r: RecordedResource): AnalyzerResourceInput {
  return {
    urn: r.urn,
    type: r.type,
    name: r.name,
    properties: r.custom ? withProviderDefaults(r.type, r.inputs) : r.inputs,
    parent: r.parent,
    provider: r.provider,
    dependencies: r.dependencies,
    options: { protect: r.options.protect, deleteBeforeReplace: r.options.deleteBeforeReplace, parent: r.parent },
  };
}

/** Folder of a project that holds its own policy configs, one `<stack>.json` each. */
export const PROJECT_POLICY_CONFIG_DIR = "policy-config";

/** A project's own policy config for a stack: `<projectDir>/policy-config/<stack>.json`. */
export function projectPolicyConfigPath(projectDir: string, stack: string): string {
  return path.join(projectDir, PROJECT_POLICY_CONFIG_DIR, `${stack}.json`);
}

/** A file as messages name it: relative to the working directory. */
const shownPath = (file: string): string => path.relative(process.cwd(), file) || file;

/**
 * The stack's policy config: the project's own policy-config/<stack>.json
 * (an example project that allows its Tailscale or LAN addresses, without
 * loosening the pack's shared files), else policies/config/<stack>.json, else
 * the file of the stack's profile (a new stack named `staging` on the prod
 * profile gets prod's rules).
 */
export function policyConfigFile(packDir: string, stack: string, profile: string, projectDir?: string): string {
  if (projectDir !== undefined) {
    const project = projectPolicyConfigPath(projectDir, stack);
    if (fs.existsSync(project)) return project;
  }
  const own = stackPolicyConfigPath(packDir, stack);
  if (fs.existsSync(own)) return own;
  const byProfile = stackPolicyConfigPath(packDir, profile);
  if (fs.existsSync(byProfile)) return byProfile;
  const file = shownPath(own);
  throw new ConfigError([{ file, path: "", message: `no policy config for stack "${stack}" (nor ${path.basename(byProfile)} for its profile "${profile}")` }]);
}

/**
 * A policy config file read and checked (with `knownPolicies`, its names too);
 * a bad one is the user's to fix, so it is a ConfigError (exit 2).
 */
export function readPolicyConfig(file: string, knownPolicies?: readonly string[]): PolicyPackConfig {
  try {
    return loadPolicyPackConfig(file, knownPolicies);
  } catch (err) {
    if (err instanceof PolicyConfigError) throw new ConfigError([{ file: shownPath(file), path: "", message: err.message.replace(`${file}: `, "") }]);
    throw err;
  }
}

// The pack never runs a disabled policy, so no diagnostic comes back at that level.
function level(d: PolicyDiagnostic): ViolationLevel {
  return d.enforcementLevel === "mandatory" ? "mandatory" : d.enforcementLevel === "remediate" ? "remediate" : "advisory";
}

/** Every diagnostic the pack returned, in a stable order (the engine reports each one too). */
function toViolations(diags: readonly PolicyDiagnostic[]): Violation[] {
  const out: Violation[] = diags.map((d) => ({ policy: d.policyName, level: level(d), urn: d.urn, message: d.message }));
  const rank: Record<ViolationLevel, number> = { mandatory: 0, remediate: 1, advisory: 2 };
  return out.sort((a, b) => rank[a.level] - rank[b.level] || a.policy.localeCompare(b.policy) || a.urn.localeCompare(b.urn));
}

export interface PolicyRunnerOptions {
  readonly packDir?: string;
  /**
   * Unary Analyze calls in flight at once. Each call costs this process more
   * than the pack (an HTTP/2 stream and a Struct per resource), and more calls
   * in flight share that work out better: `npm run bench` measures it.
   */
  readonly concurrency?: number;
}

/** One policy pack process, shared by every stack a CLI run plans. */
export class PolicyRunner {
  private client: Promise<PolicyPackClient> | undefined;
  readonly packDir: string;
  private readonly concurrency: number;

  constructor(opts: PolicyRunnerOptions = {}) {
    this.packDir = path.resolve(opts.packDir ?? DEFAULT_PACK_DIR);
    this.concurrency = opts.concurrency ?? 32;
  }

  /** Starts the pack (once); `stack` is the name it is told in ConfigureStack. */
  start(stack: string): Promise<PolicyPackClient> {
    this.client ??= startPolicyPack({ packDir: this.packDir, stack: { stack, project: PROJECT_NAME, dryRun: true } });
    return this.client;
  }

  /** Loads the stack's policy config, checked against the pack's policy names. */
  async configFor(stack: string, profile: string, projectDir?: string): Promise<{ file: string; config: PolicyPackConfig }> {
    const file = policyConfigFile(this.packDir, stack, profile, projectDir);
    const client = await this.start(stack);
    return { file, config: readPolicyConfig(file, client.info.policies.map((p) => p.name)) };
  }

  /** `projectDir`: the project whose own policy-config/<stack>.json, if any, wins. */
  async analyze(stack: string, profile: string, resources: readonly RecordedResource[], projectDir?: string): Promise<PolicyResult> {
    const { file, config } = await this.configFor(stack, profile, projectDir);
    const client = await this.start(stack);
    try {
      await client.configure(config);
    } catch (err) {
      // A setting its policy's schema refuses is the user's to fix in that file (exit 2), each one listed.
      if (err instanceof PolicyConfigError) throw new ConfigError(err.problems.map((message) => ({ file: shownPath(file), path: "", message })));
      throw err;
    }
    const inputs = resources.map(analyzerInput);
    const [perResource, whole] = await Promise.all([client.analyzeAll(inputs, { concurrency: this.concurrency }), client.analyzeStack(inputs)]);
    return {
      pack: { name: client.info.name, version: client.info.version },
      configFile: path.relative(this.packDir, file),
      violations: toViolations([...perResource, ...whole]),
    };
  }

  async close(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    if (c) await c.then((x) => x.close(), () => undefined);
  }
}
