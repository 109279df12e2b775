/**
 * Turns the raw `homelab:*` config of one stack into the typed model, or
 * throws one ConfigError listing every problem. Pure: no Pulumi runtime, no
 * files, so tests and the plan command call it directly.
 */
import type { z } from "zod";
import { configSchema, SECRET_PATHS, type RawConfig, type RawService } from "./config";
import { ConfigError, formatPath, NAMESPACE, type ConfigProblem } from "./errors";
import type { HomelabModel, Healthcheck, HostSpec, NetworkSpec, Service } from "./model";
import { parseMemory, parsePortString, splitCommand, volumeFrom, parseVolumeString, type VolumeMount } from "./parse";
import { defaultProfileFor, PROFILES, type Features, type Profile } from "../stacks/profiles";
import { crossFieldProblems } from "./validate";


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

function schemaProblems(file: string, error: z.ZodError): ConfigProblem[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((k) => ({ file, path: formatPath([...issue.path, k]), message: "unknown key (check the spelling; see README)" }));
    }
    return [{ file, path: formatPath(issue.path), message: issue.message }];
  });
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

const SECRET_LOOKING_ENV = /(PASSWORD|PASSWD|SECRET|TOKEN|API_KEY|PRIVATE_KEY|ACCESS_KEY)$/;

function plainTextSecretProblems(input: ConfigInput, raw: Record<string, unknown>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (input.secureLeaves) {
    for (const path of secretLeafPaths(raw)) {
      if (!input.secureLeaves.has(path)) {
        problems.push({ file: input.file, path, message: `must be a secret, not plain text: pulumi config set --secret --path '${path}' <value>` });
      }
    }
  }
  const services = raw.services;
  if (services && typeof services === "object") {
    for (const [key, svc] of Object.entries(services as Record<string, { environment?: unknown }>)) {
      const env = svc?.environment;
      if (!env || typeof env !== "object") continue;
      for (const name of Object.keys(env)) {
        if (SECRET_LOOKING_ENV.test(name)) {
          problems.push({ file: input.file, path: formatPath(["services", key, "environment", name]), message: `looks like a secret: move it to secretEnvironment as a secure value` });
        }
      }
    }
  }
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

export function loadModel(input: ConfigInput): HomelabModel {
  const raw = ownKeys(input.values);
  const parsed = configSchema.safeParse(raw);
  const problems = plainTextSecretProblems(input, raw);
  if (!parsed.success) throw new ConfigError([...schemaProblems(input.file, parsed.error), ...problems]);
  const model = normalize(input, parsed.data, problems);
  problems.push(...crossFieldProblems(model));
  if (problems.length > 0) throw new ConfigError(problems);
  return model;
}

function normalize(input: ConfigInput, cfg: RawConfig, problems: ConfigProblem[]): HomelabModel {
  const profile: Profile = PROFILES[cfg.profile ?? defaultProfileFor(input.stack)];
  const features: Features = { ...profile.features, ...definedOnly(cfg.features ?? {}) };
  const hosts: HostSpec[] = Object.entries(cfg.hosts ?? { local: {} }).map(([name, h]) => ({
    name,
    docker: h.docker,
    ciDocker: h.ciDocker,
    sshOpts: h.sshOpts ?? [],
  }));
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
    defaultHost: hosts[0]?.name ?? "local",
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
  };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

interface ServiceDefaults {
  readonly file: string;
  readonly profile: Profile;
  readonly defaultHost: string;
  readonly defaultNetwork: string;
  readonly problems: ConfigProblem[];
}

function normalizeService(key: string, svc: RawService, ctx: ServiceDefaults): Service {
  const at = (...rest: PropertyKey[]): string => formatPath(["services", key, ...rest]);
  const problem = (path: string, message: string): void => {
    ctx.problems.push({ file: ctx.file, path, message });
  };

  const ports = (svc.ports ?? []).flatMap((p, i) => {
    if (typeof p === "string") {
      const r = parsePortString(p);
      if (!r.ok) problem(at("ports", i), r.error);
      return r.ok ? [{ ...r.value, hostIp: r.value.hostIp ?? ctx.profile.defaultBindAddress }] : [];
    }
    const published = p.published === undefined ? undefined : Number(p.published);
    return [{ hostIp: p.host_ip ?? ctx.profile.defaultBindAddress, published, target: p.target, protocol: p.protocol ?? "tcp" }];
  });

  const volumes = (svc.volumes ?? []).flatMap((v, i): VolumeMount[] => {
    const r = typeof v === "string" ? parseVolumeString(v) : volumeFrom(v.source, v.target, v.read_only ?? false, v.type);
    if (!r.ok) problem(at("volumes", i), r.error);
    return r.ok ? [r.value] : [];
  });

  let memoryMb: number | undefined;
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
    host: svc.host ?? ctx.defaultHost,
    networks: svc.networks ?? [ctx.defaultNetwork],
    port: svc.port,
    listens,
    command: svc.command === undefined ? undefined : typeof svc.command === "string" ? splitCommand(svc.command) : svc.command,
    entrypoint: svc.entrypoint === undefined ? undefined : typeof svc.entrypoint === "string" ? splitCommand(svc.entrypoint) : svc.entrypoint,
    environment: svc.environment ?? {},
    secretEnvironment: svc.secretEnvironment ?? {},
    ports,
    volumes,
    healthcheck: svc.healthcheck && toHealthcheck(svc.healthcheck),
    restart: oneShot ? "no" : (svc.restart ?? ctx.profile.restart),
    memoryMb,
    cpus: svc.cpus,
    labels: svc.labels ?? {},
    dependsOn: svc.dependsOn ?? [],
    ingress:
      svc.ingress && ingressPort !== undefined
        ? { hostname: svc.ingress.hostname, port: ingressPort, public: svc.ingress.public ?? false, scheme: svc.ingress.scheme ?? "http" }
        : undefined,
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
  };
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
