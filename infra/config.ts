/**
 * The stack configuration schema: the single source of truth for what a user
 * may write under the `homelab:` namespace of `Pulumi.<stack>.yaml`.
 * Everything is strict: an unknown key is an error, because a typo silently
 * ignored is a service silently misconfigured.
 */
import { z } from "zod";
import { ALERTING_SECRET_PATHS, alertingSchema, customAlertSchema } from "./alerting/schema";
import { BACKUP_SECRET_PATHS, backupsSchema, serviceBackupSchema } from "./backups/schema";
import { swarmConfigFields, swarmHostFields, swarmNetworkFields, swarmServiceFields } from "./swarm/schema";

const name = z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/, "must be lowercase letters, digits, '_', '.' or '-'");
const hostname = z.string().regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, "must be a lowercase DNS hostname");
const portNumber = z.number().int().min(1).max(65535);
const duration = z.string().regex(/^\d+(ms|s|m|h)$/, "must be a duration such as 30s or 5m");
const stringMap = z.record(z.string(), z.string());

/** Compose long port syntax, with Compose's own key names so existing files carry over. */
const portLong = z.strictObject({
  target: portNumber,
  published: z.union([portNumber, z.string().regex(/^\d+$/)]).optional(),
  host_ip: z.string().optional(),
  protocol: z.enum(["tcp", "udp"]).optional(),
});

/** Compose long volume syntax. */
const volumeLong = z.strictObject({
  type: z.enum(["volume", "bind"]),
  source: z.string().min(1),
  target: z.string().min(1),
  read_only: z.boolean().optional(),
});

const healthcheck = z.strictObject({
  /** `["CMD", ...]`, `["CMD-SHELL", "..."]`, or a string run by the shell. */
  test: z.union([z.string().min(1), z.array(z.string()).min(1)]),
  interval: duration.optional(),
  timeout: duration.optional(),
  retries: z.number().int().min(0).optional(),
  startPeriod: duration.optional(),
});

const ingress = z.strictObject({
  hostname,
  /** Container port the tunnel forwards to; defaults to the service's `port`. */
  port: portNumber.optional(),
  /** `true` publishes without Cloudflare Access; anything else sits behind Access. */
  public: z.boolean().optional(),
  /** `http` or `https` between cloudflared and the container. */
  scheme: z.enum(["http", "https"]).optional(),
  /**
   * More hostnames routed to the same port, with the same Access setting: a
   * reverse proxy (Traefik) behind the tunnel that routes them by Host.
   */
  aliases: z.array(hostname).optional(),
});

const metrics = z.union([
  z.boolean(),
  z.strictObject({ port: portNumber.optional(), path: z.string().startsWith("/").optional() }),
]);

/**
 * A file of secrets written into the container before it starts, for
 * programs that read a `.env`-style file rather than their environment.
 * Each value becomes one `KEY=value` line.
 */
const secretFile = z.strictObject({
  /** Absolute path inside the container, for example `/app/.env`. */
  path: z.string().regex(/^\/[^\0]*[^/]$/, "must be an absolute file path inside the container"),
  /** Values must be `secure:` in the stack file. */
  values: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name"), z.string()),
  /** Octal file mode; only the owner may read secrets, so group and others get nothing. */
  mode: z.string().regex(/^0?[0-7]00$/, "must be an octal mode with no group or other bits, such as 0600 or 0400").optional(),
  /** Owner of the file (user name or numeric id), when the program does not run as root. */
  owner: z.string().min(1).optional(),
  group: z.string().min(1).optional(),
});

/** A plain (non-secret) file written into the container before it starts: a proxy's config, a model list. */
const configFile = z.strictObject({
  /** Absolute path inside the container, for example `/etc/nginx/conf.d/default.conf`. */
  path: z.string().regex(/^\/[^\0]*[^/]$/, "must be an absolute file path inside the container"),
  content: z.string(),
  /** Octal file mode. */
  mode: z.string().regex(/^0?[0-7]{3}$/, "must be an octal mode such as 0644").optional(),
  owner: z.string().min(1).optional(),
  group: z.string().min(1).optional(),
});

export const serviceSchema = z.strictObject({
  image: z.string().min(1),
  containerName: name.optional(),
  /** Main port the service listens on inside the container. */
  port: portNumber.optional(),
  /** Other ports the service listens on, reachable on its networks but not published. */
  expose: z.array(portNumber).optional(),
  command: z.union([z.string(), z.array(z.string())]).optional(),
  entrypoint: z.union([z.string(), z.array(z.string())]).optional(),
  environment: stringMap.optional(),
  /** Values must be `secure:` in the stack file (`pulumi config set --secret --path ...`). */
  secretEnvironment: stringMap.optional(),
  /** `environment` names that look like secrets but are not (e.g. `PASSWORD_POLICY`): the secret check skips them. */
  notSecret: z.array(z.string()).optional(),
  ports: z.array(z.union([z.string(), portLong])).optional(),
  volumes: z.array(z.union([z.string(), volumeLong])).optional(),
  healthcheck: healthcheck.optional(),
  restart: z.enum(["no", "always", "on-failure", "unless-stopped"]).optional(),
  memory: z.union([z.string(), z.number()]).optional(),
  cpus: z.number().positive().optional(),
  labels: stringMap.optional(),
  dependsOn: z.array(z.string()).optional(),
  networks: z.array(z.string()).optional(),
  host: z.string().optional(),
  ingress: ingress.optional(),
  metrics: metrics.optional(),
  tracing: z.boolean().optional(),
  /** `owner/name` of the GitHub repository whose Actions build this image. */
  repo: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, "must be owner/name").optional(),
  watchtower: z.boolean().optional(),
  user: z.string().optional(),
  readOnly: z.boolean().optional(),
  capAdd: z.array(z.string()).optional(),
  capDrop: z.array(z.string()).optional(),
  /** Runs once to completion (setup jobs): no restart policy, not kept running. */
  oneShot: z.boolean().optional(),
  gpus: z.string().optional(),
  /** Compose's stop_grace_period: how long a stop (replace, destroy, daemon restart) waits before SIGKILL. */
  stopGracePeriod: duration.optional(),
  /** Compose's stop_signal, for images whose clean shutdown needs another signal than the image's own. */
  stopSignal: z.string().regex(/^SIG[A-Z0-9+-]+$|^\d+$/, "must be a signal name such as SIGINT, or a number").optional(),
  /** Custom Prometheus alerts for this service; `expr` must parse as PromQL. */
  alerts: z.array(customAlertSchema).optional(),
  /** Files by name, written into the container before it starts (a changed file replaces the container). */
  files: z.record(name, configFile).optional(),
  /** Name of a `homelab:resourceClasses` entry whose limits apply where the service sets none. */
  resourceClass: name.optional(),
  /** Secret files by name (a `.env` the program reads), each written with mode 0600 unless told otherwise. */
  secretFiles: z.record(name, secretFile).optional(),
  /** `false`, or `{ exclude, consistency }`: see the Backups section of the README. */
  backup: serviceBackupSchema.optional(),
  ...swarmServiceFields,
});

const hostSchema = z.strictObject({
  /** `unix:///var/run/docker.sock`, `ssh://user@host`, `npipe:////./pipe/docker_engine` or `tcp://...`. */
  docker: z.string().regex(/^(unix|ssh|npipe|tcp):\/\//, "must start with unix://, ssh://, npipe:// or tcp://").optional(),
  /**
   * Where CI reaches this host (`HOMELAB_DOCKER_ENDPOINT=ci`, set by the workflows), when `docker` only works
   * on the machine itself. A runner reaches a host over the network only, hence ssh:// or tcp://.
   */
  ciDocker: z.string().regex(/^(ssh|tcp):\/\//, "must start with ssh:// or tcp:// (CI reaches the host over the network)").optional(),
  /** Extra ssh options, for example `["-o", "StrictHostKeyChecking=accept-new"]`. */
  sshOpts: z.array(z.string()).optional(),
  /** CPUs the host has: no container may ask for more (Docker refuses a cap above the host's count). */
  cpus: z.number().positive().optional(),
  /** Memory the host has (`8g`, or MiB): no container limit may be above it. */
  memory: z.union([z.string(), z.number()]).optional(),
  /**
   * Host address a published port binds to when the service names none, for
   * example the machine's Tailscale address (100.64.0.0/10) so its services
   * are reachable over the tailnet only.
   */
  bindAddress: z.string().optional(),
  ...swarmHostFields,
});

const networkSchema = z.strictObject({
  /** No route to the outside: for databases that never need the Internet. */
  internal: z.boolean().optional(),
  subnet: z.string().regex(/^\d+\.\d+\.\d+\.\d+\/\d+$/, "must be a CIDR such as 172.28.0.0/16").optional(),
  ...swarmNetworkFields,
});

const featuresSchema = z.strictObject({
  tunnel: z.boolean().optional(),
  monitoring: z.boolean().optional(),
  watchtower: z.boolean().optional(),
  ghcr: z.boolean().optional(),
});

const cloudflareSchema = z.strictObject({
  accountId: z.string().regex(/^[0-9a-f]{32}$/, "must be a 32-character Cloudflare account id"),
  zoneId: z.string().regex(/^[0-9a-f]{32}$/, "must be a 32-character Cloudflare zone id"),
  /** The DNS zone every public hostname lies in, for example `miravaz.com`. */
  zone: hostname,
  tunnelName: name.optional(),
  /** Scoped API token (secure); when absent the provider reads CLOUDFLARE_API_TOKEN. */
  apiToken: z.string().optional(),
  /** Host that runs the cloudflared connector; defaults to the first host. */
  host: z.string().optional(),
});

const accessSchema = z.strictObject({
  emails: z.array(z.string().email()).optional(),
  emailDomains: z.array(z.string()).optional(),
  /** Identity-provider groups, for example an Entra ID group. */
  groups: z.array(z.strictObject({ identityProviderId: z.string(), id: z.string() })).optional(),
  sessionDuration: z.string().regex(/^\d+(m|h)$/).optional(),
});

const githubSchema = z.strictObject({
  owner: z.string().min(1),
  /** Token that writes repository secrets (secure); when absent the provider reads GITHUB_TOKEN. */
  token: z.string().optional(),
  /** Name of the Actions secret put in each service repository. */
  secretName: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, "must be an upper-case secret name").optional(),
  /** The PAT stored in that secret, used by the repository's workflow to push to GHCR (secure). */
  ghcrPat: z.string().optional(),
  /** User and read:packages token the Docker hosts pull private GHCR images with (token secure). */
  pullUser: z.string().optional(),
  pullToken: z.string().optional(),
});

const monitoringSchema = z.strictObject({
  host: z.string().optional(),
  retentionDays: z.number().int().min(1).max(3650).optional(),
  /** Grafana admin password (secure); generated with @pulumi/random when absent. */
  grafanaAdminPassword: z.string().optional(),
  /** Public hostnames for the UIs (behind Access unless marked public elsewhere). */
  grafanaHostname: hostname.optional(),
  jaegerHostname: hostname.optional(),
  prometheusHostname: hostname.optional(),
  /** Host ports for the UIs, bound to loopback (dev). */
  grafanaPort: portNumber.optional(),
  jaegerPort: portNumber.optional(),
  prometheusPort: portNumber.optional(),
  /** Host port for Alertmanager's UI (silences), bound like the other UIs. */
  alertmanagerPort: portNumber.optional(),
  nodeExporter: z.boolean().optional(),
  diskAlertPercent: z.number().min(1).max(100).optional(),
  errorRateAlert: z.number().min(0).max(1).optional(),
});

const releaseSchema = z.strictObject({
  /** Tags matching this pattern count as immutable and may be promoted. */
  immutableTag: z.string().optional(),
  /** Require `@sha256:` digests on every image. */
  requireDigest: z.boolean().optional(),
});

const watchtowerSchema = z.strictObject({
  image: z.string().optional(),
  intervalSeconds: z.number().int().min(30).optional(),
  cleanup: z.boolean().optional(),
});

/** Limits shared by a class of services (web, databases, AI), as `cpus` and `memory` are on a service. */
const resourceClassSchema = z.strictObject({
  cpus: z.number().positive().optional(),
  memory: z.union([z.string(), z.number()]).optional(),
});

/** Top-level keys under the `homelab:` namespace. */
export const configSchema = z.strictObject({
  profile: z.enum(["dev", "homelab", "prod"]).optional(),
  hosts: z.record(z.string(), hostSchema).optional(),
  networks: z.record(z.string(), networkSchema).optional(),
  features: featuresSchema.optional(),
  services: z.record(z.string(), serviceSchema).optional(),
  cloudflare: cloudflareSchema.optional(),
  access: accessSchema.optional(),
  github: githubSchema.optional(),
  monitoring: monitoringSchema.optional(),
  release: releaseSchema.optional(),
  watchtower: watchtowerSchema.optional(),
  alerting: alertingSchema.optional(),
  resourceClasses: z.record(name, resourceClassSchema).optional(),
  backups: backupsSchema.optional(),
  ...swarmConfigFields,
});

export type RawConfig = z.infer<typeof configSchema>;
export type RawService = z.infer<typeof serviceSchema>;
export type CloudflareConfig = z.infer<typeof cloudflareSchema>;
export type AccessConfig = z.infer<typeof accessSchema>;
export type GithubConfig = z.infer<typeof githubSchema>;
export type MonitoringConfig = z.infer<typeof monitoringSchema>;
export type ReleaseConfig = z.infer<typeof releaseSchema>;
export type WatchtowerConfig = z.infer<typeof watchtowerSchema>;

/**
 * Key paths whose values must come from `secure:` entries. `*` matches any
 * map key. Checked against the stack file itself, because by the time the
 * engine hands config to the program every secret is already decrypted.
 */
export const SECRET_PATHS: readonly string[] = [
  "services.*.secretEnvironment.*",
  "services.*.secretFiles.*.values.*",
  "cloudflare.apiToken",
  "github.token",
  "github.ghcrPat",
  "github.pullToken",
  "monitoring.grafanaAdminPassword",
  ...ALERTING_SECRET_PATHS,
  ...BACKUP_SECRET_PATHS,
];
