/**
 * Maps each compose service onto a `homelab:services` entry, key by key,
 * and records for every key whether it was mapped, changed (and why) or
 * refused (and what to do instead). Uses the program's own parsers and
 * checks, so what the import accepts is what the stack loader accepts.
 */
import * as path from "path";
import { parseImageReference } from "../checks/imageReference";
import { containerNameProblem, networkAliasProblem } from "../checks/dockerNames";
import { hasUrlCredentials, looksSecret } from "../checks/secretNames";
import { parseMemory, parsePortString, VOLUME_NAME } from "../parse";
import { SERVICE_KEYS, type KeyStatus } from "./keys";
import type { ComposeProject, ComposeService } from "./load";
import { isMap, splitVolumeSpec, type Json, type JsonMap } from "./merge";
import type { KeyReport } from "./report";

export interface TargetStack {
  /** The name Docker networks of services without `networks:` get in this stack. */
  readonly defaultNetwork: string;
  /** Compose network key -> homelab network name. */
  readonly networkNames: ReadonlyMap<string, string>;
  /** The DNS zone and whether Access has allow rules, when the stack can route hostnames. */
  readonly ingressZone: string | undefined;
  /** Whether the stack's default host is a remote engine (relative bind paths then name the wrong machine). */
  readonly remoteHost: boolean;
  /** The network cloudflared is on (the stack's first network): routed services must join it. */
  readonly tunnelNetwork: string | undefined;
  /** Container names the platform itself uses in this stack. */
  readonly platformNames: ReadonlySet<string>;
}

export interface SecretValue {
  readonly service: string;
  readonly name: string;
  readonly value: string;
}

export interface MappedService {
  readonly name: string;
  readonly imported: boolean;
  /** The `homelab:services.<name>` body, secret values excluded. */
  readonly body: Record<string, unknown>;
  readonly secrets: readonly SecretValue[];
  readonly keys: readonly KeyReport[];
}

const ANY_ADDRESS = new Set(["0.0.0.0", "::", "*", ""]);
const LOOPBACK = "127.0.0.1";

/** Images the platform runs itself: importing them would run a second copy. */
const PLATFORM_IMAGES: readonly { pattern: RegExp; why: string }[] = [
  { pattern: /(^|\/)cloudflare\/cloudflared$/, why: "the tunnel is a homelab feature: set homelab:features.tunnel and homelab:cloudflare, and give each routed service `ingress: {hostname}` (see Public ingress)" },
  { pattern: /(^|\/)(containrrr|nickfury|beatkind)\/watchtower$/, why: "Watchtower is a homelab feature: set homelab:features.watchtower and `watchtower: true` on the services it may update" },
  { pattern: /(^|\/)(jaegertracing\/(all-in-one|jaeger)|prom\/prometheus|grafana\/(grafana|grafana-oss|loki|promtail|alloy)|cadvisor\/cadvisor|google\/cadvisor|prom\/node-exporter)$/, why: "the monitoring feature runs it (homelab:features.monitoring, homelab:monitoring); give services `metrics` and `tracing` instead" },
];

function platformReason(image: string): string | undefined {
  const ref = parseImageReference(image);
  const repo = ref.ok ? (ref.value.registry ? `${ref.value.registry}/${ref.value.path}` : ref.value.path) : image;
  return PLATFORM_IMAGES.find((p) => p.pattern.test(repo))?.why;
}

const note = (key: string, status: KeyStatus, text: string): KeyReport => ({ key, status, note: text });
const rule = (key: string): string => SERVICE_KEYS[key]?.note ?? "not a Compose service key homelab knows";

/** What one compose key became: its report lines and the stack keys it sets. */
interface KeyResult {
  readonly reports: KeyReport[];
  readonly body: Record<string, unknown>;
}

const result = (reports: KeyReport[], body: Record<string, unknown> = {}): KeyResult => ({ reports, body });

type Handler = (value: Json, svc: ComposeService, ctx: MapState) => KeyResult;

interface MapState {
  readonly target: TargetStack;
  readonly project: ComposeProject;
  readonly secrets: SecretValue[];
  /** Services that will be imported, for depends_on. */
  readonly importable: ReadonlySet<string>;
}

function portText(hostIp: string, published: number | undefined, target: number, protocol: string): string {
  const ip = hostIp.includes(":") ? `[${hostIp}]` : hostIp;
  return `${ip}:${published ?? ""}:${target}${protocol === "udp" ? "/udp" : ""}`;
}

const ports: Handler = (value) => {
  const list = Array.isArray(value) ? value : [];
  const out: unknown[] = [];
  const reports = list.map((p, i): KeyReport => {
    const key = `ports[${i}]`;
    if (isMap(p)) {
      const published = p.published === undefined ? undefined : String(p.published);
      if (published !== undefined && !/^\d+$/.test(published)) return note(key, "refused", `published "${published}" is a range: list each port`);
      const hostIp = typeof p.host_ip === "string" ? p.host_ip : "";
      const bound = ANY_ADDRESS.has(hostIp) ? LOOPBACK : hostIp;
      const protocol = p.protocol === "udp" ? "udp" : "tcp";
      out.push({ target: Number(p.target), ...(published ? { published: Number(published) } : {}), host_ip: bound, protocol });
      const extra = ["mode", "app_protocol", "name"].filter((k) => k in p);
      const why = ANY_ADDRESS.has(hostIp) ? `bound to ${LOOPBACK} because homelab never binds all interfaces` : "";
      return note(key, why || extra.length ? "changed" : "mapped", [why, extra.length ? `${extra.join(", ")} left out` : ""].filter(Boolean).join("; "));
    }
    const text = String(p);
    const r = parsePortString(text);
    if (!r.ok) return note(key, "refused", r.error);
    const { hostIp, published, target, protocol } = r.value;
    if (hostIp !== undefined && !ANY_ADDRESS.has(hostIp)) {
      out.push(text);
      return note(key, "mapped", `"${text}"`);
    }
    const mapped = portText(LOOPBACK, published, target, protocol);
    out.push(mapped);
    return note(key, "changed", `"${text}" becomes "${mapped}" because homelab never binds all interfaces; public access goes through the tunnel`);
  });
  if (out.length > 0) return result(reports, { ports: out });
  return result(reports.length > 0 ? reports : [note("ports", "mapped", "empty")]);
};

const expose: Handler = (value) => {
  const nums: number[] = [];
  const reports: KeyReport[] = [];
  (Array.isArray(value) ? value : []).forEach((e, i) => {
    const m = /^(\d+)(\/(tcp|udp))?$/.exec(String(e));
    if (m) nums.push(Number(m[1]));
    else reports.push(note(`expose[${i}]`, "refused", `"${String(e)}" is not one port: list each port`));
  });
  reports.unshift(note("expose", "mapped", nums.join(", ")));
  return result(reports, nums.length > 0 ? { expose: [...new Set(nums)] } : {});
};

function namedVolumeDevice(name: string, project: ComposeProject): { device?: string; external: boolean; realName: string } {
  const def = isMap(project.top.volumes) ? project.top.volumes[name] : undefined;
  const d = isMap(def) ? def : {};
  const opts = isMap(d.driver_opts) ? d.driver_opts : {};
  const binds = String(opts.o ?? "").split(",").includes("bind") && typeof opts.device === "string";
  const external = d.external === true || isMap(d.external);
  const realName = typeof d.name === "string" ? d.name : external ? name : `${project.name}_${name}`;
  return { device: binds ? String(opts.device) : undefined, external, realName };
}

const volumes: Handler = (value, svc, ctx) => {
  const out: unknown[] = [];
  const reports = (Array.isArray(value) ? value : []).map((v, i): KeyReport => {
    const key = `volumes[${i}]`;
    let type: string;
    let source: string | undefined;
    let target: string;
    let readOnly = false;
    const dropped: string[] = [];
    if (isMap(v)) {
      type = String(v.type);
      source = typeof v.source === "string" ? v.source : undefined;
      target = String(v.target ?? "");
      readOnly = v.read_only === true || v.read_only === "true";
      for (const k of ["bind", "volume", "tmpfs", "consistency", "image"]) if (k in v) dropped.push(k);
    } else {
      const p = splitVolumeSpec(String(v));
      if (p.length === 1) return note(key, "refused", `anonymous volume "${p[0]}": give it a name (NAME:${p[0]}) so its data is kept`);
      [source, target] = p;
      const modes = (p[2] ?? "").split(",").filter((m) => m !== "");
      readOnly = modes.includes("ro");
      dropped.push(...modes.filter((m) => m !== "ro" && m !== "rw"));
      type = source.startsWith("/") || /^[A-Za-z]:[\\/]/.test(source) ? "bind" : "volume";
    }
    if (type !== "bind" && type !== "volume") return note(key, "refused", `a ${type} mount has no homelab equivalent`);
    if (source === undefined || source === "") return note(key, "refused", "anonymous volume: give it a name so its data is kept");
    const notes: string[] = [];
    let status: KeyStatus = dropped.length > 0 ? "changed" : "mapped";
    if (dropped.length > 0) notes.push(`${dropped.join(", ")} left out`);
    if (type === "volume") {
      if (!VOLUME_NAME.test(source)) return note(key, "refused", `volume name "${source}" may hold only letters, digits, '_', '.' and '-'`);
      const named = namedVolumeDevice(source, ctx.project);
      if (named.device !== undefined) {
        notes.unshift(`named volume "${source}" binds host path ${named.device} (driver_opts): imported as that bind mount, so no-sensitive-mounts judges the real path`);
        source = named.device;
        type = "bind";
        status = "changed";
      } else if (named.realName !== source) {
        notes.push(`Compose kept this data in the volume "${named.realName}"; homelab uses "${source}": copy the data over before the first deploy`);
        status = "changed";
      } else if (named.external) notes.push(`external volume "${source}": homelab will manage it (kept on destroy)`);
    } else if (source.startsWith(`${ctx.project.dir}${path.sep}`) || source === ctx.project.dir) {
      notes.push(`relative path resolved against ${ctx.project.dir}${ctx.target.remoteHost ? "; the stack's host is remote: this path must exist there" : ""}`);
      status = "changed";
    }
    // The stack's short syntax would read a one-letter volume name as a Windows drive: write it long.
    out.push(type === "volume" && source.length === 1 ? { type, source, target, read_only: readOnly } : `${source}:${target}${readOnly ? ":ro" : ""}`);
    return note(key, status, notes.join("; "));
  });
  return result(reports, out.length > 0 ? { volumes: out } : {});
};

const environment: Handler = (value, svc, ctx) => {
  const env = isMap(value) ? value : {};
  const plain: Record<string, string> = {};
  const secretNames: string[] = [];
  const unset: string[] = [];
  for (const [k, v] of Object.entries(env)) {
    if (v === null) unset.push(k);
    else if (looksSecret(k, String(v)) || secretIn(String(v), ctx.project) !== undefined) {
      secretNames.push(k);
      ctx.secrets.push({ service: svc.name, name: k, value: String(v) });
    } else plain[k] = String(v);
  }
  const notes: string[] = [];
  if (secretNames.length > 0) notes.push(`${secretNames.join(", ")} -> secretEnvironment (values never written in plain text)`);
  if (unset.length > 0) notes.push(`${unset.join(", ")} has no value here (not set in the environment): left out`);
  const fromFile = [...svc.fromEnvFile];
  if (fromFile.length > 0) notes.push(`${fromFile.length} from env_file`);
  const body: Record<string, unknown> = {};
  if (Object.keys(plain).length > 0) body.environment = plain;
  return result([note("environment", secretNames.length + unset.length > 0 ? "changed" : "mapped", notes.join("; "))], body);
};

function seconds(d: string): number | undefined {
  const re = /(\d+(?:\.\d+)?)(us|ms|s|m|h)/g;
  if (!/^((\d+(?:\.\d+)?)(us|ms|s|m|h))+$/.test(d)) return undefined;
  let total = 0;
  for (let m = re.exec(d); m; m = re.exec(d)) total += Number(m[1]) * { us: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 }[m[2] as "s"];
  return total;
}

const healthcheck: Handler = (value) => {
  const h = isMap(value) ? value : {};
  if (h.disable === true) return result([note("healthcheck", "changed", "disable: true: no healthcheck written")]);
  const hc: Record<string, unknown> = {};
  const notes: string[] = [];
  if (h.test !== undefined) {
    if (Array.isArray(h.test) && h.test[0] === "NONE") return result([note("healthcheck", "changed", "test NONE: no healthcheck written")]);
    hc.test = Array.isArray(h.test) ? h.test.map(String) : String(h.test);
  }
  for (const [from, to] of [["interval", "interval"], ["timeout", "timeout"], ["start_period", "startPeriod"]] as const) {
    if (h[from] === undefined) continue;
    const text = String(h[from]);
    if (/^\d+(ms|s|m|h)$/.test(text)) hc[to] = text;
    else {
      const s = seconds(text);
      if (s === undefined) notes.push(`${from} "${text}" is not a duration: left out`);
      else {
        hc[to] = s >= 1 ? `${Math.round(s)}s` : `${Math.max(1, Math.round(s * 1000))}ms`;
        notes.push(`${from} ${text} becomes ${String(hc[to])}`);
      }
    }
  }
  if (h.retries !== undefined) hc.retries = Number(h.retries);
  if (h.start_interval !== undefined) notes.push("start_interval left out (not configurable)");
  if (hc.test === undefined) return result([note("healthcheck", "refused", "no test: an inherited image healthcheck cannot be tuned here")]);
  return result([note("healthcheck", notes.length > 0 ? "changed" : "mapped", notes.join("; "))], { healthcheck: hc });
};

const restart: Handler = (value) => {
  const r = String(value);
  if (["no", "always", "unless-stopped", "on-failure"].includes(r)) return result([note("restart", "mapped", r)], { restart: r });
  if (r.startsWith("on-failure:")) return result([note("restart", "changed", `"${r}" becomes on-failure (no retry count)`)], { restart: "on-failure" });
  return result([note("restart", "refused", `"${r}" is not no, always, on-failure or unless-stopped`)]);
};

function memory(key: string, v: Json): KeyResult {
  const r = parseMemory(typeof v === "number" ? `${v}b` : String(v));
  if (!r.ok) return result([note(key, "refused", r.error)]);
  return result([note(key, "mapped", `memory: ${r.value}m`)], { memory: `${r.value}m` });
}

function cpus(key: string, v: Json): KeyResult {
  const n = Number(v);
  if (!(n > 0)) return result([note(key, "refused", `"${String(v)}" is not a positive number of CPUs`)]);
  return result([note(key, "mapped", `cpus: ${n}`)], { cpus: n });
}

function gpuReservation(devices: Json): KeyResult {
  const list = Array.isArray(devices) ? devices : [];
  const gpu = list.some((d) => isMap(d) && Array.isArray(d.capabilities) && d.capabilities.includes("gpu"));
  if (!gpu) return result([note("deploy.resources.reservations.devices", "refused", "only GPU reservations are supported")]);
  return result([note("deploy.resources.reservations.devices", "changed", "GPU reservation becomes gpus: all (a count or device ids is not kept)")], { gpus: "all" });
}

const deploy: Handler = (value) => {
  const d = isMap(value) ? value : {};
  const reports: KeyReport[] = [];
  const body: Record<string, unknown> = {};
  const take = (r: KeyResult): void => {
    reports.push(...r.reports);
    Object.assign(body, r.body);
  };
  for (const [k, v] of Object.entries(d)) {
    if (k !== "resources") {
      reports.push(note(`deploy.${k}`, "refused", k === "restart_policy" ? "use restart" : "a Swarm setting: one container per service here"));
      continue;
    }
    const res = isMap(v) ? v : {};
    for (const [rk, rv] of Object.entries(res)) {
      const lim = isMap(rv) ? rv : {};
      if (rk === "limits") {
        for (const [lk, lv] of Object.entries(lim)) {
          if (lk === "memory") take(memory("deploy.resources.limits.memory", lv));
          else if (lk === "cpus") take(cpus("deploy.resources.limits.cpus", lv));
          else reports.push(note(`deploy.resources.limits.${lk}`, "refused", "not configurable"));
        }
      } else if (rk === "reservations") {
        for (const [lk, lv] of Object.entries(lim)) {
          if (lk === "devices") take(gpuReservation(lv));
          else reports.push(note(`deploy.resources.reservations.${lk}`, "refused", "reservations are not configurable; use a limit"));
        }
      } else reports.push(note(`deploy.resources.${rk}`, "refused", "not configurable"));
    }
  }
  return result(reports, body);
};

const dependsOn: Handler = (value, _svc, ctx) => {
  const deps = isMap(value) ? value : {};
  const kept: string[] = [];
  const notes: string[] = [];
  for (const [name, spec] of Object.entries(deps)) {
    if (!ctx.importable.has(name)) {
      notes.push(`${name} is not imported: left out`);
      continue;
    }
    kept.push(name);
    const cond = isMap(spec) ? spec.condition : undefined;
    if (cond !== undefined && cond !== "service_started") notes.push(`${name}: condition ${String(cond)} not kept (homelab orders creation only)`);
  }
  return result([note("depends_on", notes.length > 0 ? "changed" : "mapped", notes.join("; ") || kept.join(", "))], kept.length > 0 ? { dependsOn: kept } : {});
};

const networks: Handler = (value, _svc, ctx) => {
  const nets = isMap(value) ? value : {};
  const names: string[] = [];
  const notes: string[] = [];
  for (const [k, spec] of Object.entries(nets)) {
    names.push(ctx.target.networkNames.get(k) ?? k);
    if (isMap(spec)) {
      const extra = Object.keys(spec);
      if (extra.length > 0) notes.push(`${k}: ${extra.join(", ")} left out`);
    }
  }
  return result([note("networks", notes.length > 0 ? "changed" : "mapped", notes.join("; ") || names.join(", "))], { networks: [...new Set(names)] });
};

const TRAEFIK_RULE = /^traefik\.http\.routers\.([^.]+)\.rule$/;
const HOST_RULE = /^Host\(`([^`]+)`\)$/;

const labels: Handler = (value, svc, ctx) => {
  const all = isMap(value) ? value : {};
  const kept: Record<string, string> = {};
  const reports: KeyReport[] = [];
  const body: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(all)) {
    const text = v === null ? "" : String(v);
    if (k === "com.centurylinklabs.watchtower.enable") {
      body.watchtower = text === "true";
      reports.push(note(`labels.${k}`, "changed", `becomes watchtower: ${text === "true"}`));
      continue;
    }
    const r = TRAEFIK_RULE.exec(k);
    if (r) {
      const host = HOST_RULE.exec(text.trim());
      const zone = ctx.target.ingressZone;
      if (!host) reports.push(note(`labels.${k}`, "refused", `rule "${text}" is not a single Host(\`...\`): route it with ingress.hostname by hand`));
      else if (zone === undefined) reports.push(note(`labels.${k}`, "refused", `${host[1]}: this stack cannot route hostnames yet (needs features.tunnel, homelab:cloudflare and an homelab:access allow rule); then set ingress: {hostname: ${host[1]}}`));
      else if (host[1] !== zone && !host[1].endsWith(`.${zone}`)) reports.push(note(`labels.${k}`, "refused", `${host[1]} is not inside the zone ${zone}`));
      else if (body.ingress !== undefined) reports.push(note(`labels.${k}`, "refused", "a second router: one hostname per service"));
      else {
        const portLabel = Object.entries(all).find(([lk]) => /^traefik\.http\.services\.[^.]+\.loadbalancer\.server\.port$/.test(lk));
        const port = portLabel ? Number(portLabel[1]) : firstPort(svc);
        if (port === undefined) reports.push(note(`labels.${k}`, "refused", `${host[1]}: no container port known; add a loadbalancer.server.port label or expose`));
        else {
          body.ingress = { hostname: host[1] };
          body.port = port;
          reports.push(note(`labels.${k}`, "changed", `becomes ingress.hostname ${host[1]} -> port ${port} (behind Cloudflare Access)`));
        }
      }
      continue;
    }
    if (k.startsWith("traefik.")) {
      reports.push(note(`labels.${k}`, "changed", "Traefik setting consumed by the import, not kept as a label"));
      continue;
    }
    kept[k] = text;
  }
  if (Object.keys(kept).length > 0) body.labels = kept;
  reports.unshift(note("labels", "mapped", `${Object.keys(kept).length} kept as labels`));
  return result(reports, body);
};

function firstPort(svc: ComposeService): number | undefined {
  const e = Array.isArray(svc.data.expose) ? svc.data.expose[0] : undefined;
  if (e !== undefined) return Number(/^\d+/.exec(String(e))?.[0]);
  const p = Array.isArray(svc.data.ports) ? svc.data.ports[0] : undefined;
  if (isMap(p)) return Number(p.target);
  if (p !== undefined) {
    const r = parsePortString(String(p));
    return r.ok ? r.value.target : undefined;
  }
  return undefined;
}

/** A key copied as it is; the note names the stack key when it is spelled differently. */
const direct = (from: string, to: string, conv: (v: Json) => unknown = (v) => v): Handler => (value) => result([note(from, "mapped", from === to ? "" : `-> ${to}`)], { [to]: conv(value) });

const HANDLERS: Readonly<Record<string, Handler>> = {
  command: direct("command", "command"),
  entrypoint: direct("entrypoint", "entrypoint"),
  user: direct("user", "user", String),
  read_only: direct("read_only", "readOnly", (v) => v === true || v === "true"),
  cap_add: direct("cap_add", "capAdd", (v) => (Array.isArray(v) ? v.map(String) : [])),
  cap_drop: direct("cap_drop", "capDrop", (v) => (Array.isArray(v) ? v.map(String) : [])),
  gpus: () => result([note("gpus", "mapped", "gpus: all")], { gpus: "all" }),
  ports,
  expose,
  volumes,
  environment,
  healthcheck,
  restart,
  deploy,
  depends_on: dependsOn,
  networks,
  labels,
  mem_limit: (v) => memory("mem_limit", v),
  cpus: (v) => cpus("cpus", v),
  container_name: (v, svc) => {
    const name = String(v);
    if (name === svc.name) return result([note("container_name", "mapped", "same as the service name (the default)")]);
    const p = containerNameProblem(name) ?? (/^[a-z0-9][a-z0-9_.-]*$/.test(name) ? undefined : "homelab container names are lower-case");
    if (p) return result([note("container_name", "refused", `"${name}": ${p}`)]);
    return result([note("container_name", "mapped", `containerName: ${name}`)], { containerName: name });
  },
  hostname: (v, svc) => result([String(v) === svc.name ? note("hostname", "mapped", "same as the service name, which is already its network alias") : note("hostname", "refused", rule("hostname"))]),
  privileged: (v) => result([v === true ? note("privileged", "refused", rule("privileged")) : note("privileged", "mapped", "false is the default")]),
  env_file: (_v, svc) => result([note("env_file", "changed", `${svc.fromEnvFile.size} variable(s) copied into environment`)]),
  extends: (_v, svc) => result([note("extends", "changed", `merged from ${svc.extendsFrom ?? "its base"}`)]),
  profiles: (v) => result([note("profiles", "changed", `profile ${(Array.isArray(v) ? v : []).join(", ")} is active; homelab has no profiles, so it always runs`)]),
  image: (v) => result([note("image", "mapped", imageNote(String(v)))]),
};

function imageNote(image: string): string {
  const r = parseImageReference(image);
  if (!r.ok) return r.error;
  if (r.value.digest !== undefined) return "";
  if (r.value.tag === undefined) return "untagged (means :latest): promotion moves only immutable references; pin a version";
  if (r.value.tag === "latest") return ":latest is mutable: promotion moves only immutable references; pin a version";
  return "";
}

/** The secret variable whose value `text` holds, if any (never the value itself). */
function secretIn(text: string, project: ComposeProject): string | undefined {
  return project.secretVariables.find((s) => text.includes(s.value))?.name;
}

function stringLeaves(v: unknown): string[] {
  if (typeof v === "string") return [v];
  if (Array.isArray(v)) return v.flatMap(stringLeaves);
  if (v !== null && typeof v === "object") return Object.values(v).flatMap(stringLeaves);
  return [];
}

/**
 * Keys other than the environment that would carry a secret in plain text
 * (a password interpolated into `command`, a URL with credentials in a
 * label) are left out and reported: nothing secret is written unencrypted.
 */
function withoutPlainSecrets(body: Record<string, unknown>, project: ComposeProject): { body: Record<string, unknown>; reports: KeyReport[] } {
  const out = { ...body };
  const reports: KeyReport[] = [];
  for (const [key, value] of Object.entries(body)) {
    if (key === "secretEnvironment" || key === "image") continue;
    const leaves = stringLeaves(value);
    const variable = leaves.map((l) => secretIn(l, project)).find((n) => n !== undefined);
    const url = leaves.some((l) => hasUrlCredentials(l));
    if (variable === undefined && !url) continue;
    delete out[key];
    const what = variable !== undefined ? `the value of ${variable}, a secret` : "a URL with credentials";
    reports.push(note(key, "refused", `holds ${what}: not written in plain text; pass it to the container through secretEnvironment and read it from there`));
  }
  return { body: out, reports };
}

/** Why a service cannot be imported at all, or undefined. */
function serviceRefusal(svc: ComposeService, target: TargetStack): string | undefined {
  const image = svc.data.image;
  if (typeof image !== "string" || image === "") {
    return svc.data.build !== undefined ? `it is built, not pulled: ${rule("build")}` : "it has no image";
  }
  const ref = parseImageReference(image);
  if (!ref.ok) return `image "${image}": ${ref.error}`;
  const platform = platformReason(image);
  if (platform) return platform;
  const alias = networkAliasProblem(svc.name);
  if (alias) return `service name "${svc.name}": ${alias}; rename it in the compose file`;
  if (target.platformNames.has(svc.name)) return `the platform already runs a container named "${svc.name}" in this stack; rename the service`;
  const mode = svc.data.network_mode;
  if (typeof mode === "string" && mode !== "") return `network_mode: ${mode}: ${rule("network_mode")}`;
  if (svc.data.pid === "host") return `pid: host: ${rule("pid")}`;
  return undefined;
}

/** Maps one service. `importable` holds every service that `serviceRefusal` lets through. */
export function mapService(svc: ComposeService, state: MapState): MappedService {
  const refusal = serviceRefusal(svc, state.target);
  if (refusal !== undefined) {
    return { name: svc.name, imported: false, body: {}, secrets: [], keys: svc.keys.map((k, i) => note(k, "refused", i === 0 ? `service not imported: ${refusal}` : "service not imported (see above)")) };
  }
  const secrets: SecretValue[] = [];
  const local: MapState = { ...state, secrets };
  const body: Record<string, unknown> = { image: svc.data.image };
  const keys: KeyReport[] = [];
  for (const key of svc.keys) {
    const value = svc.data[key];
    const handler = HANDLERS[key];
    if (key.startsWith("x-")) {
      keys.push(note(key, "refused", "extension field: not read"));
      continue;
    }
    if (handler === undefined) {
      if (key === "build") keys.push(note(key, "refused", `image ${String(svc.data.image)} is used; ${rule("build")}`));
      else keys.push(note(key, "refused", rule(key)));
      continue;
    }
    if (value === undefined && key !== "env_file" && key !== "extends") continue;
    const r = handler(value ?? null, svc, local);
    Object.assign(body, r.body);
    keys.push(...r.reports);
  }
  const guarded = withoutPlainSecrets(body, state.project);
  for (const k of Object.keys(body)) if (!(k in guarded.body)) delete body[k];
  keys.push(...guarded.reports);
  if (body.networks === undefined) body.networks = [state.target.defaultNetwork];
  const tunnel = state.target.tunnelNetwork;
  if (body.ingress !== undefined && tunnel !== undefined && !(body.networks as string[]).includes(tunnel)) {
    body.networks = [...(body.networks as string[]), tunnel];
    keys.push(note("networks", "changed", `joins ${tunnel} too, the tunnel connector's network, so cloudflared can reach it`));
  }
  state.secrets.push(...secrets);
  return { name: svc.name, imported: true, body, secrets, keys };
}

export function mapServices(project: ComposeProject, target: TargetStack): MappedService[] {
  const importable = new Set(project.services.filter((s) => serviceRefusal(s, target) === undefined).map((s) => s.name));
  const state: MapState = { target, project, secrets: [], importable };
  return project.services.map((s) => mapService(s, state));
}

export function isRemoteDocker(docker: string | undefined): boolean {
  return docker !== undefined && !docker.startsWith("unix://") && !docker.startsWith("npipe://");
}
