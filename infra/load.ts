/**
 * Turns the raw `homelab:*` config of one stack into the typed model, or
 * throws one ConfigError listing every problem. Pure: no Pulumi runtime, no
 * files, so tests and the plan command call it directly.
 */
import { configSchema, SECRET_PATHS, type RawConfig, type RawService } from "./config";
import { ConfigError, declaredNames, formatPath, NAMESPACE, type ConfigProblem } from "./errors";
import { DEFAULT_FILE_MODE, DEFAULT_SECRET_FILE_MODE, type ConfigFile, type HomelabModel, type Healthcheck, type HostSpec, type NetworkSpec, type SecretFile, type Service } from "./model";
import { isIp, parseMemory, parsePortString, splitCommand, volumeFrom, parseVolumeString, type VolumeMount } from "./parse";
import { defaultProfileFor, PROFILES, type Features, type Profile } from "../stacks/profiles";
import { crossFieldProblems } from "./validate";
import { defaultStopGraceSeconds, durationSeconds } from "./lifecycle";
import { backupSection } from "./backups/model";
import { rawValueProblems } from "./input/valueChecks";
import { markUnworded, wordedSchemaProblems } from "./input/wording";
import { swarmSpecFrom } from "./swarm/model";
import { swarmProblems } from "./swarm/validate";


export interface ConfigInput {
  /** Stack file name used in messages, for example `Pulumi.prod.yaml`. */
  readonly file: string;
  readonly stack: string;
  /** Config as the engine gives it: namespaced keys, structured values already parsed. */
  readonly values: Readonly<Record<string, unknown>>;
  /**
   * Key paths (`homelab:services.api.secretEnvironment.TOKEN`) written as `secure:` in
   * the stack file; undefined when the file cannot be read, which skips that check.
   */
  readonly secureLeaves: ReadonlySet<string> | undefined;
}

/** Every concrete key path in `raw` that matches a SECRET_PATHS pattern. */
export function secretLeafPaths(raw: unknown): string[] {
  const out: string[] = [];
  const walk = (value: unknown, pattern: string[], at: string[]): void => {
    if (pattern.length === 0) {
      if (value !== undefined) out.push(formatPath(at));
      return;
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) return;
    const [head, ...rest] = pattern;
    const keys = head === "*" ? Object.keys(value) : [head];
    for (const k of keys) walk((value as Record<string, unknown>)[k], rest, [...at, k]);
  };
  for (const p of SECRET_PATHS) walk(raw, p.split("."), []);
  return out;
}

function plainTextSecretProblems(input: ConfigInput, raw: Record<string, unknown>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (input.secureLeaves) {
    for (const path of secretLeafPaths(raw)) {
      if (!input.secureLeaves.has(path)) {
        problems.push({ file: input.file, path, message: `must be a secret, not plain text: pulumi config set --secret --path '${path}' <value>` });
      }
    }
  }
  // Environment entries that look like secrets, names and images: infra/input/valueChecks.ts.
  problems.push(...rawValueProblems(input.file, raw, input.secureLeaves));
  return problems;
}

/** Strips the namespace; keys of other namespaces (provider settings) are not ours to judge. */
function ownKeys(values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) {
    if (k.startsWith(`${NAMESPACE}:`)) raw[k.slice(NAMESPACE.length + 1)] = v;
  }
  return raw;
}

/** Both lists, but a key the first already reports on is not reported again by the second. */
function mergeProblems(first: readonly ConfigProblem[], second: readonly ConfigProblem[]): ConfigProblem[] {
  const seen = new Set(first.map((p) => p.path));
  return [...first, ...second.filter((p) => !seen.has(p.path))];
}

export function loadModel(input: ConfigInput): HomelabModel {
  const raw = ownKeys(input.values);
  const parsed = configSchema.safeParse(raw, { error: markUnworded });
  const problems = plainTextSecretProblems(input, raw);
  if (!parsed.success) throw new ConfigError(mergeProblems(problems, wordedSchemaProblems(input.file, parsed.error, raw)));
  const docker = normalize(input, parsed.data, problems);
  const swarm = swarmSpecFrom(input.file, parsed.data, docker.services, problems);
  const model: HomelabModel = swarm ? { ...docker, swarm } : docker;
  problems.push(...(swarm ? swarmProblems(model) : crossFieldProblems(model)));
  if (problems.length > 0) throw new ConfigError(problems);
  return model;
}

function normalize(input: ConfigInput, cfg: RawConfig, problems: ConfigProblem[]): HomelabModel {
  const profile: Profile = PROFILES[cfg.profile ?? defaultProfileFor(input.stack)];
  const features: Features = { ...profile.features, ...definedOnly(cfg.features ?? {}) };
  const hosts: HostSpec[] = Object.entries(cfg.hosts ?? { local: {} }).map(([name, h]) => {
    if (h.bindAddress !== undefined && !isIp(h.bindAddress)) {
      problems.push({ file: input.file, path: formatPath(["hosts", name, "bindAddress"]), message: `"${h.bindAddress}" is not an IP address` });
    }
    return {
      name,
      bindAddress: h.bindAddress ?? profile.defaultBindAddress,
      docker: h.docker,
      ciDocker: h.ciDocker,
      sshOpts: h.sshOpts ?? [],
      cpus: h.cpus,
      memoryMb: hostMemory(input.file, name, h.memory, problems),
    };
  });
  const networks: NetworkSpec[] = Object.entries(cfg.networks ?? { "homelab-net": {} }).map(([name, n]) => ({
    name,
    internal: n.internal ?? false,
    subnet: n.subnet,
  }));
  if (hosts.length === 0) problems.push({ file: input.file, path: "homelab:hosts", message: "declare at least one host" });
  if (networks.length === 0) problems.push({ file: input.file, path: "homelab:networks", message: "declare at least one network" });
  const ctx: ServiceDefaults = {
    file: input.file,
    profile,
    resourceClasses: resourceClasses(input.file, cfg, problems),
    defaultHost: hosts[0]?.name ?? "local",
    bindAddresses: new Map(hosts.map((h) => [h.name, h.bindAddress])),
    defaultNetwork: networks[0]?.name ?? "homelab-net",
    problems,
  };
  const services = Object.entries(cfg.services ?? {}).map(([key, svc]) => normalizeService(key, svc, ctx));
  return {
    stack: input.stack,
    file: input.file,
    profile,
    features,
    hosts,
    networks,
    defaultNetwork: ctx.defaultNetwork,
    services,
    cloudflare: cfg.cloudflare,
    access: cfg.access,
    github: cfg.github,
    monitoring: cfg.monitoring ?? {},
    release: cfg.release ?? {},
    watchtower: cfg.watchtower ?? {},
    alerting: cfg.alerting ?? {},
    backup: backupSection(input.file, cfg.backups, Object.fromEntries(Object.entries(cfg.services ?? {}).map(([k, v]) => [k, v.backup])), services, problems),
  };
}

function hostMemory(file: string, host: string, memory: string | number | undefined, problems: ConfigProblem[]): number | undefined {
  if (memory === undefined) return undefined;
  const r = parseMemory(memory);
  if (!r.ok) problems.push({ file, path: formatPath(["hosts", host, "memory"]), message: r.error });
  return r.ok ? r.value : undefined;
}

/** Each class's limits, parsed once: a bad memory size is reported at the class, not at every service using it. */
function resourceClasses(file: string, cfg: RawConfig, problems: ConfigProblem[]): Map<string, { cpus: number | undefined; memoryMb: number | undefined }> {
  return new Map(
    Object.entries(cfg.resourceClasses ?? {}).map(([name, c]) => {
      let memoryMb: number | undefined;
      if (c.memory !== undefined) {
        const r = parseMemory(c.memory);
        if (r.ok) memoryMb = r.value;
        else problems.push({ file, path: formatPath(["resourceClasses", name, "memory"]), message: r.error });
      }
      return [name, { cpus: c.cpus, memoryMb }];
    }),
  );
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

interface ServiceDefaults {
  readonly file: string;
  readonly profile: Profile;
  readonly defaultHost: string;
  readonly resourceClasses: ReadonlyMap<string, { readonly cpus: number | undefined; readonly memoryMb: number | undefined }>;
  /** Per host, where a port binds when the service names no address. */
  readonly bindAddresses: ReadonlyMap<string, string>;
  readonly defaultNetwork: string;
  readonly problems: ConfigProblem[];
}

function normalizeService(key: string, svc: RawService, ctx: ServiceDefaults): Service {
  const at = (...rest: PropertyKey[]): string => formatPath(["services", key, ...rest]);
  const problem = (path: string, message: string): void => {
    ctx.problems.push({ file: ctx.file, path, message });
  };

  const host = svc.host ?? ctx.defaultHost;
  const bindAddress = ctx.bindAddresses.get(host) ?? ctx.profile.defaultBindAddress;
  const ports = (svc.ports ?? []).flatMap((p, i) => {
    // A port (or, below, a volume) that fails to parse is a problem, and the load throws: what it maps to is never read.
    if (typeof p === "string") {
      const r = parsePortString(p);
      if (!r.ok) problem(at("ports", i), r.error);
      return r.ok ? [{ ...r.value, hostIp: r.value.hostIp ?? bindAddress }] : [];
    }
    const published = p.published === undefined ? undefined : Number(p.published);
    return [{ hostIp: p.host_ip ?? bindAddress, published, target: p.target, protocol: p.protocol ?? "tcp" }];
  });

  const volumes = (svc.volumes ?? []).flatMap((v, i): VolumeMount[] => {
    const r = typeof v === "string" ? parseVolumeString(v) : volumeFrom(v.source, v.target, v.read_only ?? false, v.type);
    if (!r.ok) problem(at("volumes", i), r.error);
    return r.ok ? [r.value] : [];
  });

  // (Map#get of undefined is undefined too; the test keeps the types honest.)
  const cls = svc.resourceClass === undefined ? undefined : ctx.resourceClasses.get(svc.resourceClass);
  if (svc.resourceClass !== undefined && cls === undefined) {
    const declared = [...ctx.resourceClasses.keys()];
    problem(at("resourceClass"), `unknown resource class "${svc.resourceClass}" ${declaredNames(declared)}`);
  }
  let memoryMb: number | undefined = cls?.memoryMb;
  if (svc.memory !== undefined) {
    const r = parseMemory(svc.memory);
    if (r.ok) memoryMb = r.value;
    else problem(at("memory"), r.error);
  }

  const listens = uniq([...(svc.port === undefined ? [] : [svc.port]), ...(svc.expose ?? []), ...ports.map((p) => p.target)]);
  const ingressPort = svc.ingress?.port ?? svc.port;
  if (svc.ingress && ingressPort === undefined) problem(at("ingress", "port"), "give ingress.port or the service's port: the tunnel needs a port to forward to");
  const metricsPort = typeof svc.metrics === "object" ? (svc.metrics.port ?? svc.port) : svc.port;
  if (svc.metrics !== undefined && svc.metrics !== false && metricsPort === undefined) {
    problem(at("metrics"), "give metrics.port or the service's port: Prometheus needs a port to scrape");
  }

  const oneShot = svc.oneShot ?? false;
  return {
    key,
    containerName: svc.containerName ?? key,
    image: svc.image,
    host,
    networks: svc.networks ?? [ctx.defaultNetwork],
    port: svc.port,
    listens,
    // An absent command or entrypoint passes through as undefined either way; the first test is for the reader.
    command: svc.command === undefined ? undefined : typeof svc.command === "string" ? splitCommand(svc.command) : svc.command,
    entrypoint: svc.entrypoint === undefined ? undefined : typeof svc.entrypoint === "string" ? splitCommand(svc.entrypoint) : svc.entrypoint,
    environment: svc.environment ?? {},
    secretEnvironment: svc.secretEnvironment ?? {},
    ports,
    volumes,
    healthcheck: svc.healthcheck && toHealthcheck(svc.healthcheck),
    restart: oneShot ? "no" : (svc.restart ?? ctx.profile.restart),
    memoryMb,
    cpus: svc.cpus ?? cls?.cpus,
    labels: svc.labels ?? {},
    dependsOn: svc.dependsOn ?? [],
    ingress:
      svc.ingress && ingressPort !== undefined
        ? {
            hostname: svc.ingress.hostname,
            port: ingressPort,
            public: svc.ingress.public ?? false,
            scheme: svc.ingress.scheme ?? "http",
            aliases: svc.ingress.aliases ?? [],
          }
        : undefined,
    // Metrics without a port were refused above, so the load throws before this is read; `true.path` is undefined.
    metrics:
      svc.metrics !== undefined && svc.metrics !== false && metricsPort !== undefined
        ? { port: metricsPort, path: (typeof svc.metrics === "object" ? svc.metrics.path : undefined) ?? "/metrics" }
        : undefined,
    tracing: svc.tracing ?? false,
    repo: svc.repo,
    watchtower: svc.watchtower ?? ctx.profile.watchtowerByDefault,
    user: svc.user,
    readOnly: svc.readOnly ?? false,
    capAdd: svc.capAdd ?? [],
    capDrop: svc.capDrop ?? [],
    oneShot,
    gpus: svc.gpus,
    stopGraceSeconds: (svc.stopGracePeriod === undefined ? undefined : durationSeconds(svc.stopGracePeriod)) ?? defaultStopGraceSeconds(svc.image),
    stopSignal: svc.stopSignal,
    alerts: (svc.alerts ?? []).map((a) => ({ name: a.name, expr: a.expr, for: a.for ?? "5m", severity: a.severity ?? "warning", summary: a.summary })),
    resourceClass: svc.resourceClass,
    ...containerFiles(svc, problem, at),
  };
}

type Problem = (path: string, message: string) => void;
type At = (...rest: PropertyKey[]) => string;

/** Both kinds of file, with one check that no two write the same path. */
function containerFiles(svc: RawService, problem: Problem, at: At): { files: ConfigFile[]; secretFiles: SecretFile[] } {
  const files = Object.entries(svc.files ?? {}).map(([name, f]) => ({
    name,
    path: f.path,
    content: f.content,
    mode: (f.mode ?? DEFAULT_FILE_MODE).padStart(4, "0"),
    owner: f.owner,
    group: f.group,
  }));
  const secret = secretFiles(svc, problem, at);
  const paths = new Map<string, string>();
  const all = [...files.map((f) => ({ key: "files", f })), ...secret.map((f) => ({ key: "secretFiles", f }))];
  for (const { key, f } of all) {
    const first = paths.get(f.path);
    if (first !== undefined) problem(at(key, f.name, "path"), `"${f.path}" is already written by ${first}`);
    else paths.set(f.path, `${key}.${f.name}`);
  }
  return { files, secretFiles: secret };
}

/** Newlines would split a value across `.env` lines; the message never quotes the value. */
function secretFiles(svc: RawService, problem: Problem, at: At): SecretFile[] {
  const files = Object.entries(svc.secretFiles ?? {}).map(([name, f]) => {
    for (const [k, v] of Object.entries(f.values)) {
      if (/[\r\n]/.test(v)) problem(at("secretFiles", name, "values", k), "spans several lines, which one KEY=value line cannot hold");
      else if (/['\\]/.test(v)) problem(at("secretFiles", name, "values", k), "holds a single quote or a backslash, which .env readers unquote differently; choose another value");
    }
    return { name, path: f.path, mode: (f.mode ?? DEFAULT_SECRET_FILE_MODE).padStart(4, "0"), owner: f.owner, group: f.group, values: f.values };
  });
  return files;
}

function toHealthcheck(h: NonNullable<RawService["healthcheck"]>): Healthcheck {
  return {
    tests: typeof h.test === "string" ? ["CMD-SHELL", h.test] : h.test,
    interval: h.interval,
    timeout: h.timeout,
    retries: h.retries,
    startPeriod: h.startPeriod,
  };
}

function uniq<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}
