/**
 * The backup resources of the shipped stacks under the mock runtime: who runs
 * where, what is mounted how, and where the secrets go.
 */
import { parse } from "yaml";
import type { RuleFile } from "../../infra/monitoring/alerts";
import type { PrometheusConfig } from "../../infra/monitoring/prometheus";
import { evaluateStack, SECRET_SIG, type Evaluation, type RecordedResource } from "../../infra/plan/evaluate";
import { CONTAINER, DOCKER_PROVIDER, editStack, named, ofType, VOLUME } from "../support/stacks";

type Upload = { file: string; content: string };
type Mount = { volumeName?: unknown; hostPath?: string; containerPath: string; readOnly?: boolean };

const uploads = (c: RecordedResource): Upload[] => (c.inputs.uploads as Upload[] | undefined) ?? [];
const mounts = (c: RecordedResource): Mount[] => (c.inputs.volumes as Mount[] | undefined) ?? [];
const envs = (c: RecordedResource): unknown[] => (c.inputs.envs as unknown[] | undefined) ?? [];
const plainEnv = (c: RecordedResource): Record<string, string> =>
  Object.fromEntries(envs(c).filter((x): x is string => typeof x === "string").map((x) => [x.slice(0, x.indexOf("=")), x.slice(x.indexOf("=") + 1)]));
const secretEnv = (c: RecordedResource): string[] =>
  envs(c).filter((x): x is { value: string } => typeof x === "object" && x !== null && SECRET_SIG in x).map((x) => x.value);
const labels = (c: RecordedResource): Record<string, string> =>
  Object.fromEntries(((c.inputs.labels as { label: string; value: string }[] | undefined) ?? []).map((l) => [l.label, l.value]));

const evaluations = new Map<string, Evaluation>();
beforeAll(async () => {
  for (const s of ["dev", "homelab", "prod"]) evaluations.set(s, await evaluateStack({ stack: s }));
});
const ev = (s: string): Evaluation => evaluations.get(s)!;

describe("prod: postgres is dumped, then the dump volume is backed up to S3", () => {
  const runner = (): RecordedResource => named(ev("prod").resources, "vps-backup-runner-container");
  const hooks = (): RecordedResource => named(ev("prod").resources, "vps-backup-hooks-container");

  it("runs restic's pinned image on the vps, mounting pgdump read-only and not pgdata", () => {
    const r = runner();
    expect(r.inputs.image).toBeDefined();
    expect(named(ev("prod").resources, "vps-backup-runner-image").inputs.name).toBe("restic/restic:0.17.3");
    const provider = named(ofType(ev("prod").resources, DOCKER_PROVIDER), "vps-docker");
    expect(r.provider?.startsWith(`${provider.urn}::`)).toBe(true);
    expect(mounts(r).filter((m) => m.containerPath.startsWith("/data/"))).toEqual([{ volumeName: "pgdump", containerPath: "/data/pgdump", readOnly: true }]);
    expect(labels(r)["homelab.backup.excluded"]).toBe("pgdata");
    expect(labels(r)["homelab.backup.role"]).toBe("runner");
  });

  it("is hardened like every platform container, and has no Docker socket", () => {
    const r = runner();
    expect(r.inputs.securityOpts).toEqual(["no-new-privileges:true"]);
    expect(r.inputs.privileged).toBe(false);
    expect((r.inputs.capabilities as { drops: string[] }).drops).toEqual(["ALL"]);
    expect(typeof r.inputs.memory).toBe("number");
    expect(Number(r.inputs.cpus)).toBeGreaterThan(0);
    expect((r.inputs.healthcheck as { tests: string[] }).tests[0]).toBe("CMD-SHELL");
    expect(mounts(r).some((m) => m.hostPath !== undefined)).toBe(false);
  });

  it("passes the repository password and the S3 secret key only as secrets", () => {
    const r = runner();
    expect(secretEnv(r).sort()).toEqual(["AWS_SECRET_ACCESS_KEY=[secret]", "RESTIC_PASSWORD=[secret]"]);
    const plain = plainEnv(r);
    expect(plain.RESTIC_REPOSITORY).toBe("s3:https://s3.eu-central-003.backblazeb2.com/miravaz-backups/prod");
    expect(plain.AWS_ACCESS_KEY_ID).toBe("003f1c9a0d2b7e40000000001");
    expect(plain.PUSHGATEWAY_URL).toBe("http://pushgateway:9091");
    expect(Object.keys(plain).filter((k) => /PASSWORD|SECRET/.test(k))).toEqual([]);
    expect(JSON.stringify(r.inputs.labels)).not.toContain("[secret]");
    expect(JSON.stringify(r.inputs.command)).not.toContain("[secret]");
  });

  it("runs pg_dump through the hooks container, which alone mounts the socket, read-only, with no secrets", () => {
    const h = hooks();
    expect(named(ev("prod").resources, "vps-backup-hooks-image").inputs.name).toBe("docker:27.4.1-cli");
    expect(mounts(h)).toEqual([{ hostPath: "/var/run/docker.sock", containerPath: "/var/run/docker.sock", readOnly: true }]);
    expect(secretEnv(h)).toEqual([]);
    const script = uploads(h)[0].content;
    expect(script).toContain(`docker exec 'postgres' 'sh' '-c' 'pg_dump -U commander -d commander --format=custom --file=/dump/commander.dump'`);
    expect(uploads(runner())[0].content).toBe(script);
  });

  it("keeps the staging volume, like every volume", () => {
    const staging = ofType(ev("prod").resources, VOLUME).find((v) => v.inputs.name === "homelab-backup-staging-prod")!;
    expect(staging.options.retainOnDelete).toBe(true);
  });

  it("scrapes the Pushgateway (honouring its labels) and loads the backup alert rules with a 26h RPO", () => {
    const prometheus = named(ev("prod").resources, "monitoring-prometheus-container");
    const cfg = parse(uploads(prometheus).find((u) => u.file.endsWith("prometheus.yml"))!.content) as PrometheusConfig;
    const job = cfg.scrape_configs.find((j) => j.job_name === "pushgateway")!;
    expect(job.honor_labels).toBe(true);
    expect(job.static_configs[0].targets).toEqual(["pushgateway:9091"]);
    // One rule file: the backup group sits beside the other alerts.
    expect(cfg.rule_files).toEqual(["rules/homelab.rules.yml"]);
    const file = parse(uploads(prometheus).find((u) => u.file === "/etc/prometheus/rules/homelab.rules.yml")!.content) as RuleFile;
    const rules = { groups: file.groups.filter((g) => g.name === "homelab-backups") };
    expect(rules.groups).toHaveLength(1);
    const stale = rules.groups[0].rules.filter((r) => r.alert === "BackupStale");
    expect(stale[0].expr).toContain("> 93600");
    expect(stale[1].for).toBe("26h");
    expect(rules.groups[0].rules.map((r) => r.alert)).toContain("RestoreDrillFailed");
    const grafana = named(ev("prod").resources, "monitoring-grafana-container");
    const dash = JSON.parse(uploads(grafana).find((u) => u.file.endsWith("/backups.json"))!.content) as { panels: { targets: { expr: string }[] }[] };
    expect(dash.panels.flatMap((p) => p.targets.map((t) => t.expr)).join(" ")).toContain("homelab_backup_last_success_timestamp_seconds");
  });
});

describe("homelab: commander is stopped for its snapshot; the repository is a rest-server", () => {
  it("stops and starts commander around the backup of commander-data", () => {
    const e = ev("homelab");
    const runner = named(e.resources, "server-backup-runner-container");
    expect(plainEnv(runner).RESTIC_REPOSITORY).toBe("rest:https://nas.miravaz.com:8000/homelab");
    expect(plainEnv(runner).RESTIC_REST_USERNAME).toBe("homelab");
    expect(secretEnv(runner).sort()).toEqual(["RESTIC_PASSWORD=[secret]", "RESTIC_REST_PASSWORD=[secret]"]);
    const script = uploads(named(e.resources, "server-backup-hooks-container"))[0].content;
    const stop = script.indexOf("docker stop -t 120 'commander'");
    const backup = script.indexOf("in_runner backup 'commander-data'");
    const start = script.indexOf("docker start 'commander'");
    expect(stop).toBeGreaterThan(0);
    expect(backup).toBeGreaterThan(stop);
    expect(start).toBeGreaterThan(backup);
  });
});

describe("dev: no backups", () => {
  it("creates no runner and no Pushgateway", () => {
    const e = ev("dev");
    expect(e.resources.filter((r) => r.type === "homelab:backups:BackupRunner")).toEqual([]);
    expect(ofType(e.resources, CONTAINER).filter((c) => c.inputs.name === "pushgateway")).toEqual([]);
    expect(e.model.backup.coverage.map((c) => [c.volume, c.status])).toEqual([["pgdata-dev", "not-configured"]]);
  });
});

describe("a local repository", () => {
  it("bind-mounts the host directory and keeps the password a secret", async () => {
    const text = editStack("dev", [
      [["homelab:backups"], { repository: { type: "local", path: "/srv/restic" }, password: { secure: "v1:AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" } }],
    ]);
    const e = await evaluateStack({ stack: "dev", stackFileText: text });
    const runner = named(e.resources, "laptop-backup-runner-container");
    expect(mounts(runner)).toContainEqual({ hostPath: "/srv/restic", containerPath: "/repository", readOnly: false });
    expect(plainEnv(runner).RESTIC_REPOSITORY).toBe("/repository");
    expect(secretEnv(runner)).toEqual(["RESTIC_PASSWORD=[secret]"]);
    // Nothing is stopped or exec'd into, so no hooks container and no socket.
    expect(e.resources.some((r) => r.name === "laptop-backup-hooks-container")).toBe(false);
  });
});

describe("a second host", () => {
  it("gets its own runner on its own provider, on a default network created there, without the Pushgateway", async () => {
    const text = editStack("dev", [
      [["homelab:hosts", "nas"], { docker: "ssh://admin@nas.lan" }],
      [["homelab:services", "files"], { image: "ghcr.io/example/files:1.0.0", host: "nas", volumes: ["files-data:/srv"], memory: "128m", cpus: 0.5 }],
      [["homelab:backups"], { repository: { type: "local", path: "/srv/restic" }, password: { secure: "v1:AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" } }],
    ]);
    const e = await evaluateStack({ stack: "dev", stackFileText: text });
    const runner = named(e.resources, "nas-backup-runner-container");
    const provider = named(ofType(e.resources, DOCKER_PROVIDER), "nas-docker");
    expect(runner.provider?.startsWith(`${provider.urn}::`)).toBe(true);
    expect(mounts(runner).filter((m) => m.containerPath.startsWith("/data/"))).toEqual([{ volumeName: "files-data", containerPath: "/data/files-data", readOnly: true }]);
    const network = named(e.resources, "nas-miravaz-net-network");
    expect(network.provider?.startsWith(`${provider.urn}::`)).toBe(true);
    expect(runner.inputs.networksAdvanced).toEqual([{ name: "miravaz-net", aliases: ["homelab-backup"] }]);
    expect(plainEnv(runner).PUSHGATEWAY_URL).toBeUndefined();
    // The laptop's runner backs up the laptop's volume only.
    const laptop = named(e.resources, "laptop-backup-runner-container");
    expect(mounts(laptop).filter((m) => m.containerPath.startsWith("/data/")).map((m) => m.volumeName)).toEqual(["pgdata-dev"]);
    expect(plainEnv(laptop).PUSHGATEWAY_URL).toBe("http://pushgateway:9091");
  });
});
