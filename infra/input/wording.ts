/**
 * Schema problems in words: what the key accepts, with an example, instead
 * of the validator's own text. The words come from the schema itself (so a
 * key added later is described too) and from a table of examples keyed by
 * key-path pattern; keys homelab refuses by design say why and what to use.
 * No message quotes the value that was given: it may be a secret.
 */
import type { z } from "zod";
import { configSchema } from "../config";
import { formatPath, type ConfigProblem } from "../errors";

/** Marks an issue the schema gave no message of its own, so it is worded here. */
export const UNWORDED = "\u0000unworded";

/** The per-parse error map: schema-specific messages (regex hints) win, every other issue is worded here. */
export const markUnworded = (): string => UNWORDED;

/** Examples by key-path pattern: `*` is any map key, `[]` any list item. */
export const EXAMPLES: Readonly<Record<string, string>> = {
  profile: "homelab",
  "hosts.*.docker": "ssh://admin@nas.lan",
  "hosts.*.sshOpts": '["-o", "StrictHostKeyChecking=accept-new"]',
  "networks.*.subnet": "172.28.0.0/16",
  "services.*.image": "ghcr.io/owner/app:1.2.3",
  "services.*.containerName": "api",
  "services.*.port": "8000",
  "services.*.expose": "[9000]",
  "services.*.command": "uvicorn main:app --port 8000",
  "services.*.entrypoint": '["/bin/sh", "-c"]',
  "services.*.environment": "{LOG_LEVEL: info}",
  "services.*.environment.*": '"info"',
  "services.*.secretEnvironment": "set each with pulumi config set --secret --path 'homelab:services.<name>.secretEnvironment.<VAR>' <value>",
  "services.*.notSecret": "[PASSWORD_POLICY]",
  "services.*.ports": '["127.0.0.1:8080:80"]',
  "services.*.ports.[]": '"127.0.0.1:8080:80" or {target: 80, published: 8080, host_ip: 127.0.0.1}',
  "services.*.volumes": '["data:/var/lib/data"]',
  "services.*.volumes.[]": '"data:/var/lib/data:ro" or {type: volume, source: data, target: /var/lib/data}',
  "services.*.healthcheck": '{test: ["CMD", "curl", "-f", "http://localhost:8000/"], interval: 30s}',
  "services.*.healthcheck.test": '["CMD", "curl", "-f", "http://localhost:8000/"]',
  "services.*.memory": "512m",
  "services.*.cpus": "0.5",
  "services.*.labels": '{com.example.team: "web"}',
  "services.*.dependsOn": "[postgres]",
  "services.*.networks": "[homelab-net]",
  "services.*.host": "server",
  "services.*.ingress": "{hostname: api.example.com, port: 8000}",
  "services.*.ingress.hostname": "api.example.com",
  "monitoring.grafanaHostname": "grafana.example.com",
  "monitoring.jaegerHostname": "jaeger.example.com",
  "monitoring.prometheusHostname": "prometheus.example.com",
  "cloudflare.accountId": "3f1c9a0d2b7e4c58a9d6e0f1b2c3d4e5",
  "cloudflare.zoneId": "9b8a7c6d5e4f3a2b1c0d9e8f7a6b5c4d",
  "services.*.metrics": "true or {port: 9100, path: /metrics}",
  "services.*.repo": "owner/app",
  "services.*.user": '"1000:1000"',
  "services.*.capAdd": "[NET_BIND_SERVICE]",
  "services.*.capDrop": "[ALL]",
  "services.*.gpus": "all",
  "cloudflare.zone": "example.com",
  "cloudflare.tunnelName": "home",
  "access.emails": "[you@example.com]",
  "access.emails.[]": "you@example.com",
  "access.emailDomains": "[example.com]",
  "access.sessionDuration": "24h",
  "github.owner": "your-github-user",
  "github.secretName": "GHCR_PAT",
  "monitoring.retentionDays": "30",
  "monitoring.diskAlertPercent": "85",
  "monitoring.errorRateAlert": "0.05",
  "release.immutableTag": '"^sha-[0-9a-f]{7,40}$"',
  "watchtower.image": "containrrr/watchtower:1.7.1",
  "watchtower.intervalSeconds": "300",
};

interface RefusedKey {
  readonly why: string;
  readonly instead: string;
}

/** Docker settings homelab leaves out on purpose, as a service's keys (and their Compose spellings). */
export const REFUSED_KEYS: Readonly<Record<string, RefusedKey>> = {
  networkMode: {
    why: "host or container network modes bypass the stack's networks, so nothing keeps the service off the LAN and the tunnel-only ingress no longer holds",
    instead: "networks (a network of the stack) and ports with a host IP for what must be reachable",
  },
  privileged: {
    why: "a privileged container has every capability and the host's devices: root on the Docker host",
    instead: "capAdd with the one capability the service needs (e.g. [NET_ADMIN])",
  },
  publishAllPorts: {
    why: "it publishes every exposed port on all interfaces, where nobody decided it should be reachable",
    instead: 'ports, one entry per port, with the host IP it binds (e.g. ["127.0.0.1:8080:80"])',
  },
  pidMode: {
    why: "sharing the host's process table lets the container see and signal every process on the host",
    instead: "nothing: run the tool that needs it on the host itself",
  },
  securityOpts: {
    why: "security options turn off seccomp, AppArmor or no-new-privileges, the confinement every container keeps",
    instead: "capAdd for a specific capability; homelab keeps the default profiles",
  },
};
const REFUSED_ALIASES: Readonly<Record<string, string>> = {
  network_mode: "networkMode",
  publish_all_ports: "publishAllPorts",
  pid: "pidMode",
  security_opt: "securityOpts",
  securityOpt: "securityOpts",
};

export function refusedKeyMessage(key: string): string | undefined {
  const r = REFUSED_KEYS[key] ?? REFUSED_KEYS[REFUSED_ALIASES[key] ?? ""];
  return r && `homelab does not allow ${key}: ${r.why}; use ${r.instead}`;
}

type Schema = z.ZodType;
interface Def {
  readonly type: string;
  readonly shape?: Record<string, Schema>;
  readonly valueType?: Schema;
  readonly element?: Schema;
  readonly innerType?: Schema;
  readonly options?: readonly Schema[];
  readonly entries?: Record<string, string>;
  readonly values?: readonly unknown[];
  readonly checks?: readonly { _zod: { def: Record<string, unknown> } }[];
}
const defOf = (s: Schema): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

function unwrap(s: Schema): Schema {
  let cur = s;
  for (let d = defOf(cur); ["optional", "nullable", "default", "readonly"].includes(d.type) && d.innerType; d = defOf(cur)) cur = d.innerType;
  return cur;
}

/** The sub-schema at `path` and the pattern of that path (`services.*.ports.[]`), as far as the schema goes. */
function schemaAt(path: readonly PropertyKey[]): { schema: Schema | undefined; pattern: string } {
  let s: Schema | undefined = configSchema;
  const pattern: string[] = [];
  for (const seg of path) {
    if (!s) {
      pattern.push(typeof seg === "number" ? "[]" : "*");
      continue;
    }
    const d = defOf(unwrap(s));
    if (d.type === "object" && d.shape) {
      pattern.push(String(seg));
      s = d.shape[String(seg)];
    } else if (d.type === "record") {
      pattern.push("*");
      s = d.valueType;
    } else if (d.type === "array") {
      pattern.push("[]");
      s = d.element;
    } else {
      pattern.push(typeof seg === "number" ? "[]" : String(seg));
      s = undefined;
    }
  }
  return { schema: s, pattern: pattern.join(".") };
}

function numberRange(d: Def): { int: boolean; text: string; example: number } {
  let min: number | undefined;
  let max: number | undefined;
  let above = false;
  let int = false;
  for (const c of d.checks ?? []) {
    const cd = c._zod.def;
    if (cd.check === "number_format" && String(cd.format).includes("int")) int = true;
  }
  for (const c of d.checks ?? []) {
    const cd = c._zod.def;
    if (cd.check === "greater_than") {
      min = Number(cd.value);
      // `positive()` is "greater than 0": a whole number then starts at 1, any other number is "above 0".
      if (cd.inclusive === false) [min, above] = int ? [min + 1, false] : [min, true];
    }
    if (cd.check === "less_than") max = Number(cd.value);
  }
  const lower = min === undefined ? undefined : above ? `above ${min}` : `of at least ${min}`;
  const range = min !== undefined && max !== undefined && !above ? ` from ${min} to ${max}` : lower !== undefined ? ` ${lower}${max === undefined ? "" : ` and at most ${max}`}` : max !== undefined ? ` of at most ${max}` : "";
  return { int, text: `${int ? "a whole number" : "a number"}${range}`, example: min === undefined ? 1 : above ? min + 1 : min };
}

/** What a schema accepts, in words. */
export function describe(schema: Schema, depth = 0): string {
  const d = defOf(unwrap(schema));
  const inner = (s: Schema | undefined): string => (s && depth < 2 ? describe(s, depth + 1) : "values");
  switch (d.type) {
    case "string": {
      const checks = (d.checks ?? []).map((c) => c._zod.def);
      const format = checks.find((c) => c.check === "string_format");
      if (format?.format === "email") return "an e-mail address";
      if (format?.format === "regex" && format.pattern instanceof RegExp) return `a text of the form ${format.pattern.source}`;
      const prefix = checks.find((c) => c.check === "string_format" && c.format === "starts_with");
      if (prefix) return `a text starting with ${String(prefix.prefix)}`;
      return checks.some((c) => c.check === "min_length") ? "a non-empty text" : "a text";
    }
    case "number":
      return numberRange(d).text;
    case "boolean":
      return "true or false";
    case "enum":
      return `one of ${Object.values(d.entries ?? {}).join(", ")}`;
    case "literal":
      return `exactly ${(d.values ?? []).map(String).join(" or ")}`;
    case "array":
      return `a list (each item ${inner(d.element)})`;
    case "record":
      return `a map of names (each to ${inner(d.valueType)})`;
    case "object":
      return `a map with the keys ${Object.keys(d.shape ?? {}).join(", ")}`;
    case "union":
      return (d.options ?? []).map((o) => describe(o, depth + 1)).join(" or ");
    default:
      return "a value of another form";
  }
}

/** A generic example when the table has none. */
function exampleFor(schema: Schema | undefined): string | undefined {
  if (!schema) return undefined;
  const d = defOf(unwrap(schema));
  if (d.type === "boolean") return "true";
  if (d.type === "enum") return Object.values(d.entries ?? {})[0];
  if (d.type === "number") return String(numberRange(d).example);
  if (d.type === "union") return exampleFor((d.options ?? [])[0]);
  return undefined;
}

function kindOf(value: unknown): string {
  if (value === null) return "an empty value";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a map";
  if (typeof value === "string") return "a text";
  if (typeof value === "number") return "a number";
  if (typeof value === "boolean") return "true/false";
  return typeof value;
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let v = raw;
  for (const seg of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = Object.prototype.hasOwnProperty.call(v, seg) ? (v as Record<PropertyKey, unknown>)[seg] : undefined;
  }
  return v;
}

/** The words for one schema issue at `path`, given the raw value there; `wrongType` adds what kind of value was found. */
export function wordedIssue(path: readonly PropertyKey[], value: unknown, wrongType = true): string {
  const { schema, pattern } = schemaAt(path);
  const accepts = schema ? describe(schema) : "a different value";
  const example = EXAMPLES[pattern] ?? exampleFor(schema);
  const eg = example === undefined ? "" : `, e.g. ${example}`;
  if (value === undefined) return `is required: give ${accepts}${eg}`;
  return `expects ${accepts}${eg}${wrongType ? ` (found ${kindOf(value)})` : ""}`;
}

/** Every schema issue as a problem in words; unknown keys say so, refused keys say why. */
export function wordedSchemaProblems(file: string, error: z.ZodError, raw: unknown): ConfigProblem[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((k) => ({
        file,
        path: formatPath([...issue.path, k]),
        message: refusedKeyMessage(k) ?? "unknown key (check the spelling; see README)",
      }));
    }
    if (issue.message === UNWORDED || issue.message === "Invalid input") {
      return [{ file, path: formatPath(issue.path), message: wordedIssue(issue.path, valueAt(raw, issue.path), issue.code === "invalid_type" || issue.code === "invalid_union") }];
    }
    // The schema's own words (a pattern's hint) get the table's example when they give none.
    const example = EXAMPLES[schemaAt(issue.path).pattern];
    const message = example === undefined || issue.message.includes("e.g.") ? issue.message : `${issue.message}, e.g. ${example}`;
    return [{ file, path: formatPath(issue.path), message }];
  });
}
