/**
 * The restore plan: the exact Docker commands that put a snapshot back into a
 * service's volumes, against the service's host. Pure, so the CLI prints and
 * runs the same list the tests check and the README runbook repeats.
 *
 * 1. The runner restores and verifies the snapshot into its staging volume
 *    (the service keeps running meanwhile; the runner holds the secrets).
 * 2. The service is stopped.
 * 3. A throw-away container with no secrets and no network replaces the
 *    volume's content with the staged copy.
 * 4. The staging copy is removed and the service started.
 */
import { declaredNames, UsageError } from "../errors";
import type { HomelabModel } from "../model";
import { BACKUP_CONTAINERS, BACKUP_IMAGES, stagingVolumeName } from "./model";
import { BACKUP_SCRIPT_FILE, REPLACE_CONTENT, shq } from "./scripts";

export interface RestoreRequest {
  readonly service: string;
  /** Every backed-up volume of the service when undefined. */
  readonly volume?: string;
  /** `latest` or a snapshot id. */
  readonly snapshot: string;
}

export type StepKind = "stage" | "stop" | "replace" | "unstage" | "start";

export interface RestoreStep {
  readonly kind: StepKind;
  readonly title: string;
  /** `docker` and its arguments. */
  readonly argv: readonly string[];
}

export interface RestorePlan {
  readonly stack: string;
  readonly service: string;
  readonly host: string;
  /** The host's Docker endpoint, undefined for the workstation's own. */
  readonly endpoint: string | undefined;
  readonly volumes: readonly string[];
  readonly snapshot: string;
  readonly steps: readonly RestoreStep[];
  /** The step that starts the service again, run when staging fails. */
  readonly startAgain: RestoreStep;
}

const SNAPSHOT = /^(latest|[0-9a-f]{8,64})$/;

/** Every problem with the request at once, as UsageError (exit 2). */
export function restorePlan(model: HomelabModel, req: RestoreRequest): RestorePlan {
  const problems: string[] = [];
  const backups = model.backup.backups;
  if (backups === undefined) problems.push(`stack ${model.stack} has no homelab:backups: there is nothing to restore from`);
  const service = model.services.find((s) => s.key === req.service);
  if (!service) problems.push(`no service "${req.service}" in ${model.file} ${declaredNames(model.services.map((s) => s.key))}`);
  if (!SNAPSHOT.test(req.snapshot)) problems.push(`--snapshot must be "latest" or a snapshot id (8 to 64 hex digits), not "${req.snapshot}"`);
  const backedUp = model.backup.coverage.filter((c) => c.service === req.service && c.status === "backed-up").map((c) => c.volume);
  if (service && backups && backedUp.length === 0) problems.push(`service "${req.service}" has no backed-up volume`);
  if (service && req.volume !== undefined && backedUp.length > 0 && !backedUp.includes(req.volume)) {
    problems.push(`--volume ${req.volume} is not a backed-up volume of ${req.service} (backed up: ${backedUp.join(", ")})`);
  }
  if (problems.length > 0 || !service) throw new UsageError(problems.join("\n       "));
  const volumes = req.volume === undefined ? backedUp : [req.volume];
  const endpoint = model.hosts.find((h) => h.name === service.host)?.docker;
  const docker = (...args: string[]): string[] => ["docker", ...(endpoint === undefined ? [] : ["--host", endpoint]), ...args];
  const runner = BACKUP_CONTAINERS.runner;
  const staging = stagingVolumeName(model.stack);
  const startAgain: RestoreStep = { kind: "start", title: `start ${service.containerName}`, argv: docker("start", service.containerName) };
  const steps: RestoreStep[] = [
    ...volumes.map((v): RestoreStep => ({
      kind: "stage",
      title: `restore snapshot ${req.snapshot} of ${v} into the runner's staging volume, verified`,
      argv: docker("exec", runner, "sh", BACKUP_SCRIPT_FILE, "stage", v, req.snapshot),
    })),
    { kind: "stop", title: `stop ${service.containerName}`, argv: docker("stop", "--time", "120", service.containerName) },
    ...volumes.map((v): RestoreStep => ({
      kind: "replace",
      title: `replace the content of volume ${v} with the staged copy (no secrets, no network)`,
      argv: docker(
        "run", "--rm", "--network", "none", "--security-opt", "no-new-privileges:true",
        "--cap-drop", "ALL", "--cap-add", "CHOWN", "--cap-add", "DAC_OVERRIDE", "--cap-add", "FOWNER", "--cap-add", "FSETID",
        "--volume", `${staging}:/staging:ro`, "--volume", `${v}:/target`,
        "--entrypoint", "/bin/sh", BACKUP_IMAGES.restic, "-c", REPLACE_CONTENT, "sh", "/target", `/staging/${v}`,
      ),
    })),
    { kind: "unstage", title: "remove the staged copy", argv: docker("exec", runner, "sh", BACKUP_SCRIPT_FILE, "unstage", ...volumes) },
    startAgain,
  ];
  return { stack: model.stack, service: service.key, host: service.host, endpoint, volumes, snapshot: req.snapshot, steps, startAgain };
}

/** A step as a shell line a user can paste. */
export function shellLine(argv: readonly string[]): string {
  return argv.map((a) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : shq(a))).join(" ");
}

export function formatRestorePlan(plan: RestorePlan): string {
  const where = plan.endpoint === undefined ? "the local Docker engine" : plan.endpoint;
  const lines = [
    `Restore of ${plan.service} (stack ${plan.stack}, host ${plan.host} at ${where})`,
    `volumes: ${plan.volumes.join(", ")}; snapshot: ${plan.snapshot}`,
    "",
    ...plan.steps.flatMap((s, i) => [`${i + 1}. ${s.title}`, `   ${shellLine(s.argv)}`]),
  ];
  return lines.join("\n") + "\n";
}
