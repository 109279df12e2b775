/**
 * `importCompose`: compose files in, a stack file and a report out. Loads
 * and validates the compose files, maps every service, decides what to do
 * with secrets, renders the stack file, proves the result loads the way
 * `npm run plan` loads it, and only then writes it (atomically).
 */
import * as fs from "fs";
import * as path from "path";
import { ConfigError, formatProblem, type ConfigProblem } from "../errors";
import { platformContainerNames } from "../model";
import { loadStack } from "../plan/evaluate";
import { stackFilePath, writeFileAtomic } from "../stackfile";
import { defaultProfileFor, PROFILES, type Features, type ProfileName } from "../../stacks/profiles";
import { conflictReports, dropClashingPorts, keptSecrets, obj, type Existing } from "./conflicts";
import { TOP_LEVEL_KEYS } from "./keys";
import { loadCompose, type ComposeProject } from "./load";
import { isRemoteDocker, mapServices, type MappedService, type TargetStack } from "./map";
import { isMap, type JsonMap } from "./merge";
import { expectedFindings, policyLevels } from "./findings";
import { serviceStatus, type ImportReport, type KeyReport, type ServiceReport } from "./report";
import { existingEncrypter, newEncrypter, secretCommand, secretPath, type Encrypter } from "./secrets";
import { editStackText, newStackText, type StackAdditions } from "./write";
import { parse as parseYaml } from "yaml";

export interface ImportOptions {
  readonly files: readonly string[];
  readonly stack: string;
  readonly projectDir: string;
  readonly envFile?: string;
  readonly profiles?: readonly string[];
  /** The shell environment (interpolation, PULUMI_CONFIG_PASSPHRASE). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly dryRun?: boolean;
  readonly replace?: boolean;
}

export interface ImportResult {
  readonly report: ImportReport;
  /** The stack file as written (or as it would be, under dry run). */
  readonly text: string;
  readonly file: string;
}

function readExisting(file: string): Existing {
  if (!fs.existsSync(file)) return undefined;
  const text = fs.readFileSync(file, "utf8");
  let js: unknown;
  try {
    js = parseYaml(text);
  } catch (err) {
    throw new ConfigError([{ file: path.basename(file), path: "", message: `does not parse: ${(err as Error).message.split("\n")[0]}` }]);
  }
  const doc = (isMap(js as JsonMap) ? js : {}) as { config?: unknown; encryptionsalt?: unknown };
  const config = isMap(doc.config as JsonMap) ? (doc.config as Record<string, unknown>) : {};
  return { config, salt: typeof doc.encryptionsalt === "string" ? doc.encryptionsalt : undefined, text };
}

/** Compose network key -> homelab network name; `default` is Compose's `<project>_default`. */
function networkPlan(project: ComposeProject): { names: Map<string, string>; defaultName: string } {
  const defaultName = `${project.name || "compose"}_default`;
  const names = new Map<string, string>([["default", defaultName]]);
  for (const k of Object.keys(isMap(project.top.networks) ? project.top.networks : {})) if (k !== "default") names.set(k, k);
  return { names, defaultName };
}

function targetStack(project: ComposeProject, stack: string, existing: Existing): { target: TargetStack; features: Features; profileName: ProfileName } {
  const cfg = existing?.config ?? {};
  const profileName = (typeof cfg["homelab:profile"] === "string" ? cfg["homelab:profile"] : defaultProfileFor(stack)) as ProfileName;
  const profile = PROFILES[profileName] ?? PROFILES.homelab;
  const features: Features = { ...profile.features, ...obj(cfg["homelab:features"]) } as Features;
  const cloudflare = obj(cfg["homelab:cloudflare"]);
  const access = obj(cfg["homelab:access"]);
  const hasRules = ["emails", "emailDomains", "groups"].some((k) => Array.isArray(access[k]) && (access[k] as unknown[]).length > 0);
  const zone = features.tunnel && typeof cloudflare.zone === "string" && hasRules ? cloudflare.zone : undefined;
  const hosts = Object.values(obj(cfg["homelab:hosts"])).map(obj);
  const { names, defaultName } = networkPlan(project);
  const nodeExporter = obj(cfg["homelab:monitoring"]).nodeExporter === true;
  return {
    target: {
      defaultNetwork: defaultName,
      networkNames: names,
      ingressZone: zone,
      tunnelNetwork: Object.keys(obj(cfg["homelab:networks"]))[0] ?? (existing === undefined ? undefined : "homelab-net"),
      remoteHost: isRemoteDocker(hosts[0]?.docker as string | undefined),
      platformNames: new Set(platformContainerNames(features, nodeExporter)),
    },
    features,
    profileName: profile.name,
  };
}

/** `homelab:networks` entries for the networks the imported services use, and the report on each. */
function networksFor(project: ComposeProject, mapped: readonly MappedService[], names: ReadonlyMap<string, string>): { add: Record<string, unknown>; reports: KeyReport[] } {
  const used = new Set(mapped.filter((m) => m.imported).flatMap((m) => (m.body.networks as string[] | undefined) ?? []));
  const declared = isMap(project.top.networks) ? project.top.networks : {};
  const add: Record<string, unknown> = {};
  const reports: KeyReport[] = [];
  for (const [key, name] of names) {
    if (!used.has(name)) continue;
    const def = isMap(declared[key]) ? (declared[key] as JsonMap) : {};
    const spec: Record<string, unknown> = {};
    const notes: string[] = [];
    if (def.internal === true) spec.internal = true;
    const ipam = isMap(def.ipam) ? def.ipam : {};
    const subnet = Array.isArray(ipam.config) && isMap(ipam.config[0]) ? ipam.config[0].subnet : undefined;
    if (typeof subnet === "string") spec.subnet = subnet;
    if (def.external === true || isMap(def.external)) notes.push("external in Compose: homelab creates and owns it; remove the old network first or it will clash");
    if (typeof def.name === "string") notes.push(`Compose named it "${def.name}"`);
    if (def.driver !== undefined && def.driver !== "bridge") notes.push(`driver ${String(def.driver)} is not kept (bridge)`);
    const other = Object.keys(def).filter((k) => !["internal", "ipam", "external", "name", "driver"].includes(k));
    if (other.length > 0) notes.push(`${other.join(", ")} left out`);
    if (key === "default") notes.push(`Compose's implicit default network, named ${name} as Compose names it`);
    add[name] = spec;
    reports.push({ key: `networks.${key}`, status: notes.length > 0 ? "changed" : "mapped", note: [`homelab:networks.${name}`, ...notes].join("; ") });
  }
  return { add, reports };
}

function topLevelReports(project: ComposeProject): KeyReport[] {
  const out: KeyReport[] = [];
  for (const key of Object.keys(project.top)) {
    if (key === "services" || key === "networks" || key.startsWith("x-")) continue;
    const value = project.top[key];
    if (key === "volumes" || key === "secrets" || key === "configs") {
      for (const [name, def] of Object.entries(isMap(value) ? value : {})) {
        const d = isMap(def) ? def : {};
        if (key !== "volumes") out.push({ key: `${key}.${name}`, status: "refused", note: TOP_LEVEL_KEYS[key].note.replace("see the service key", "see the service key") });
        else if (d.external === true || isMap(d.external)) out.push({ key: `volumes.${name}`, status: "changed", note: "external in Compose: homelab will manage it and keep it on destroy" });
        else if (d.driver !== undefined && d.driver !== "local") out.push({ key: `volumes.${name}`, status: "refused", note: `driver ${String(d.driver)} is not supported (local volumes only)` });
        else out.push({ key: `volumes.${name}`, status: isMap(d.driver_opts) ? "changed" : "mapped", note: isMap(d.driver_opts) ? "driver_opts: mounts become bind mounts of the device path where they bind one" : "created by homelab, kept on destroy" });
      }
      continue;
    }
    const rule = TOP_LEVEL_KEYS[key];
    out.push({ key, status: rule?.status ?? "refused", note: rule?.note ?? "not a Compose key homelab knows" });
  }
  return out;
}


interface Bodies {
  readonly services: Record<string, unknown>;
  readonly secretPaths: string[];
  readonly commands: string[];
}

/** The passphrase encrypter, when PULUMI_CONFIG_PASSPHRASE is set and the stack file can hold ciphertext. */
function encrypterFor(env: ImportOptions["env"], existing: Existing, name: string): Encrypter | undefined {
  const passphrase = env.PULUMI_CONFIG_PASSPHRASE;
  if (passphrase === undefined || passphrase === "") return undefined;
  if (existing === undefined) return newEncrypter(passphrase);
  // A stack file without encryptionsalt uses another secrets provider: leave it to pulumi config set.
  return existing.salt === undefined ? undefined : existingEncrypter(passphrase, existing.salt, name);
}

/** Each imported service's stack body with its secrets (encrypted, or as commands to run). */
function stackBodies(imported: readonly MappedService[], existing: Existing, enc: Encrypter | undefined, opts: ImportOptions): Bodies {
  const out: Bodies = { services: {}, secretPaths: [], commands: [] };
  for (const m of imported) {
    const body = { ...m.body };
    // A replaced service keeps the secure values it had (ciphertext as written); imported ones win.
    const kept = opts.replace ? keptSecrets(existing, m.name) : {};
    const fresh = enc ? Object.fromEntries(m.secrets.map((s) => [s.name, { secure: enc.encrypt(s.value) }])) : {};
    if (Object.keys(kept).length + Object.keys(fresh).length > 0) body.secretEnvironment = { ...kept, ...fresh };
    for (const s of m.secrets) {
      out.secretPaths.push(secretPath(m.name, s.name));
      out.commands.push(secretCommand(opts.stack, m.name, s.name));
    }
    out.services[m.name] = body;
  }
  return out;
}

const WATCHTOWER_IMAGE = /(^|\/)(containrrr|nickfury|beatkind)\/watchtower(:|@|$)/;

function additionsFor(project: ComposeProject, existing: Existing, features: Features, services: Record<string, unknown>, networksAdded: Record<string, unknown>, replaced: readonly string[]): StackAdditions {
  const watchtowerAsked = project.services.some((s) => typeof s.data.image === "string" && WATCHTOWER_IMAGE.test(s.data.image));
  // A new stack gets the feature the compose file ran; an existing stack's features are the user's to change.
  const topKeys: Record<string, unknown> = watchtowerAsked && !features.watchtower && existing === undefined ? { "homelab:features": { watchtower: true } } : {};
  // A stack that declared no networks had homelab-net as every service's default: keep it first.
  const hadNetworks = existing !== undefined && Object.keys(obj(existing.config["homelab:networks"])).length > 0;
  const hadServices = existing !== undefined && Object.keys(obj(existing.config["homelab:services"])).length > 0;
  const networks = !hadNetworks && hadServices && Object.keys(networksAdded).length > 0 ? { "homelab-net": {}, ...networksAdded } : networksAdded;
  return { services, replace: new Set(replaced), networks, topKeys };
}

function warningsFor(project: ComposeProject, features: Features, additions: StackAdditions): string[] {
  const warnings = project.unsetVariables.map((v) => `variable ${v} is not set and has no default: Compose substitutes an empty string, and so did the import`);
  const watchtowerAsked = project.services.some((s) => typeof s.data.image === "string" && WATCHTOWER_IMAGE.test(s.data.image));
  if (watchtowerAsked && !features.watchtower) {
    warnings.push(Object.keys(additions.topKeys).length > 0 ? "the compose file ran Watchtower: homelab:features.watchtower set to true" : "the compose file ran Watchtower, this stack does not: set homelab:features.watchtower to true if it should");
  }
  return warnings;
}

function serviceReports(project: ComposeProject, mapped: readonly MappedService[]): ServiceReport[] {
  return [
    ...mapped.map((m) => ({ name: m.name, status: serviceStatus(m.imported, m.keys), keys: m.keys })),
    ...project.inactive.map((s) => ({ name: s.name, status: "refused" as const, keys: [{ key: "profiles", status: "refused" as const, note: `profile ${s.profiles.join(", ")} is not active: pass --profile ${s.profiles[0]} to import it` }] })),
  ];
}

/** Runs the whole import; throws ConfigError for input it cannot accept (nothing is written then). */
export function importCompose(opts: ImportOptions): ImportResult {
  const project = loadCompose({ files: opts.files, envFile: opts.envFile, profiles: opts.profiles, env: opts.env });
  if (project.top.include !== undefined) throw new ConfigError([{ file: path.basename(project.files[0]), path: "include", message: TOP_LEVEL_KEYS.include.note }]);
  const file = stackFilePath(opts.projectDir, opts.stack);
  const name = path.basename(file);
  const existing = readExisting(file);
  const { target, features, profileName } = targetStack(project, opts.stack, existing);
  const replace = opts.replace === true;
  const mapped = dropClashingPorts(conflictReports(mapServices(project, target), existing, replace), existing, replace);
  const imported = mapped.filter((m) => m.imported);
  const nets = networksFor(project, imported, target.networkNames);
  const enc = encrypterFor(opts.env, existing, name);
  const bodies = stackBodies(imported, existing, enc, opts);
  const additions = additionsFor(project, existing, features, bodies.services, nets.add, replace ? imported.map((m) => m.name) : []);
  const header = ` Imported by npm run import from ${project.files.map((f) => path.relative(opts.projectDir, f)).join(" + ")}.\n Review the import report; secrets are ${enc ? "encrypted with PULUMI_CONFIG_PASSPHRASE" : "set with pulumi config set --secret"}.`;
  const text = existing === undefined ? newStackText(header, enc?.salt, additions) : editStackText(existing.text, name, additions);
  proveItLoads(opts, text, name);
  const report: ImportReport = {
    stack: opts.stack,
    file: name,
    services: serviceReports(project, mapped),
    topLevel: [...nets.reports, ...topLevelReports(project)],
    secrets: { mode: enc ? "encrypted" : "commands", paths: bodies.secretPaths, commands: enc ? [] : bodies.commands },
    expectedFindings: expectedFindings(bodies.services, policyLevels(opts.stack, profileName)),
    warnings: warningsFor(project, features, additions),
    written: opts.dryRun !== true,
  };
  if (opts.dryRun !== true) writeFileAtomic(file, text);
  return { report, text, file };
}

/** An import that succeeds must give a stack the plan accepts: load it exactly as the plan does. */
function proveItLoads(opts: ImportOptions, text: string, name: string): void {
  try {
    loadStack({ stack: opts.stack, stackFileText: text, projectDir: opts.projectDir });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const problems: ConfigProblem[] = err.problems.map((p) => ({ ...p, message: `${p.message} (in the imported result; nothing was written)` }));
    throw new ConfigError(problems.length > 0 ? problems : [{ file: name, path: "", message: formatProblem(err.problems[0]) }]);
  }
}
