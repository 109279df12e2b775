/**
 * The `homelab:backups` config schema and the per-service `backup` key.
 * Kept apart from infra/config.ts, which plugs both in with one line each.
 */
import { z } from "zod";

/** Five-field cron (minute hour day-of-month month day-of-week): numbers, `*`, lists, ranges and steps. */
const cronField = "(\\*|\\d+(-\\d+)?)(\\/\\d+)?(,(\\*|\\d+(-\\d+)?)(\\/\\d+)?)*";
/** Allowed values per field: minute, hour, day of month, month, day of week (0 is Sunday). */
const CRON_RANGES: readonly (readonly [number, number])[] = [[0, 59], [0, 23], [1, 31], [1, 12], [0, 6]];
const CRON = new RegExp(`^${cronField}( ${cronField}){4}$`);
export const cronSchema = z
  .string()
  .regex(CRON, "must be a five-field cron expression such as \"30 3 * * *\"")
  .refine(
    // A malformed expression has its own message above; this one judges only well-formed ones.
    (expr) =>
      !CRON.test(expr) ||
      expr.split(" ").every((field, i) =>
        field.split(",").every((part) => {
          const [range, step] = part.split("/");
          const bounds = range === "*" ? [] : range.split("-").map(Number);
          const [lo, hi] = CRON_RANGES[i] ?? [0, 0];
          return bounds.every((n) => n >= lo && n <= hi) && (step === undefined || Number(step) > 0);
        }),
      ),
    "has a value out of range (minute 0-59, hour 0-23, day 1-31, month 1-12, weekday 0-6) or a zero step",
  );

const absolutePath = z.string().regex(/^\/[^\0]*$/, "must be an absolute path");
/** A Prometheus duration: the recovery-point objective is compared in PromQL. */
const promDuration = z.string().regex(/^\d+(m|h|d)$/, "must be a duration such as 26h or 2d");

/** restic repository kinds; secrets (keys, passwords) are `secure:` values, see SECRET_PATHS. */
const repository = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("local"),
    /** Directory on each Docker host, bind-mounted into the runner. */
    path: absolutePath,
  }),
  z.strictObject({
    type: z.literal("sftp"),
    /** `user@host`. */
    host: z.string().regex(/^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+$/, "must be user@host"),
    port: z.number().int().min(1).max(65535).optional(),
    path: z.string().min(1),
    /** Private key (secure). */
    privateKey: z.string().min(1),
    /** The server's known_hosts line(s): host keys are checked, never accepted blindly. */
    knownHosts: z.string().min(1),
  }),
  z.strictObject({
    type: z.literal("s3"),
    /** `https://s3.amazonaws.com`, or an S3-compatible endpoint (MinIO, R2, Wasabi). */
    endpoint: z.string().regex(/^https?:\/\/[^\s/]+$/, "must be http(s)://host[:port] without a path"),
    bucket: z.string().min(1),
    path: z.string().optional(),
    accessKeyId: z.string().min(1),
    /** Secret access key (secure). */
    secretAccessKey: z.string().min(1),
  }),
  z.strictObject({
    type: z.literal("b2"),
    bucket: z.string().min(1),
    path: z.string().optional(),
    accountId: z.string().min(1),
    /** Application key (secure). */
    accountKey: z.string().min(1),
  }),
  z.strictObject({
    type: z.literal("rest"),
    /** rest-server URL without credentials, for example `https://backup.lan:8000/homelab`. */
    url: z.string().regex(/^https?:\/\/[^\s@]+$/, "must be an http(s) URL without credentials"),
    username: z.string().optional(),
    /** HTTP basic-auth password (secure). */
    password: z.string().optional(),
  }),
]);

const retention = z.strictObject({
  keepDaily: z.number().int().min(0).optional(),
  keepWeekly: z.number().int().min(0).optional(),
  keepMonthly: z.number().int().min(0).optional(),
  keepYearly: z.number().int().min(0).optional(),
});

export const backupsSchema = z.strictObject({
  repository,
  /** restic repository password (secure). */
  password: z.string().min(1),
  /** When backups run (runner's local time, UTC unless TZ is set). */
  schedule: cronSchema.optional(),
  /** When the restore drill runs. */
  drillSchedule: cronSchema.optional(),
  retention: retention.optional(),
  /** Recovery-point objective: BackupStale fires when the newest backup is older. */
  rpo: promDuration.optional(),
  /** Share of pack data `restic check` reads in a drill, for example `5%`. */
  drillReadData: z.string().regex(/^(100|[1-9]?\d)(\.\d+)?%$/, "must be a percentage such as 5%").optional(),
});

/** Per service: `backup: false`, or which volumes to skip and how to get a consistent copy. */
export const serviceBackupSchema = z.union([
  z.literal(false),
  z.strictObject({
    /** Named volumes of this service that are not backed up. */
    exclude: z.array(z.string()).optional(),
    /**
     * `stop`: stop the container for the snapshot and start it after; `{ preCommand }`: run
     * a command in the container first (a dump into a volume); `none`: copy as is.
     */
    consistency: z.union([z.literal("none"), z.literal("stop"), z.strictObject({ preCommand: z.union([z.string().min(1), z.array(z.string()).min(1)]) })]).optional(),
  }),
]);

/** Key paths under `homelab:` that must be `secure:`, appended to SECRET_PATHS. */
export const BACKUP_SECRET_PATHS: readonly string[] = [
  "backups.password",
  "backups.repository.privateKey",
  "backups.repository.secretAccessKey",
  "backups.repository.accountKey",
  "backups.repository.password",
];

export type BackupsConfig = z.infer<typeof backupsSchema>;
export type RepositoryConfig = z.infer<typeof repository>;
export type ServiceBackupConfig = z.infer<typeof serviceBackupSchema>;
