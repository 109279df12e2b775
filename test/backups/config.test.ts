import { decodeConfigValue, engineConfigFromStackFile } from "../../infra/context";
import { loadModel } from "../../infra/load";
import type { HomelabModel } from "../../infra/model";
import { editStack, problemsOf } from "../support/stacks";

function load(stack: string, text: string): HomelabModel {
  const file = `Pulumi.${stack}.yaml`;
  const engine = engineConfigFromStackFile(text, file);
  const values = Object.fromEntries(Object.entries(engine.values).map(([k, v]) => [k, decodeConfigValue(v)]));
  return loadModel({ file, stack, values, secureLeaves: engine.secureLeaves });
}
const SECRET = { secure: "v1:AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" };
const local = { repository: { type: "local", path: "/srv/restic" }, password: SECRET };
const problems = (stack: string, edits: Parameters<typeof editStack>[1]): string[] => problemsOf(() => load(stack, editStack(stack, edits)));

describe("homelab:backups", () => {
  it("applies the documented defaults", () => {
    const b = load("dev", editStack("dev", [[["homelab:backups"], local]])).backup.backups!;
    expect(b.schedule).toBe("30 3 * * *");
    expect(b.drillSchedule).toBe("0 5 * * 0");
    expect(b.rpo).toBe("26h");
    expect(b.drillReadData).toBe("5%");
    expect(b.retention).toEqual({ keepDaily: 7, keepWeekly: 4, keepMonthly: 6, keepYearly: 1 });
    expect(b.targets).toEqual([{ service: "postgres", containerName: "postgres", host: "laptop", volumes: ["pgdata-dev"], consistency: { kind: "none" } }]);
  });

  it("refuses a plain-text repository password or S3 secret key", () => {
    const p = problems("dev", [
      [["homelab:backups"], { repository: { type: "s3", endpoint: "https://s3.example.com", bucket: "b", accessKeyId: "id", secretAccessKey: "plain" }, password: "plain" }],
    ]);
    expect(p).toEqual([
      "Pulumi.dev.yaml: homelab:backups.password: must be a secret, not plain text: pulumi config set --secret --path 'homelab:backups.password' <value>",
      "Pulumi.dev.yaml: homelab:backups.repository.secretAccessKey: must be a secret, not plain text: pulumi config set --secret --path 'homelab:backups.repository.secretAccessKey' <value>",
    ]);
  });

  it("reports every problem at once: bad cron, bad rpo, unknown repository type", () => {
    const p = problems("dev", [[["homelab:backups"], { repository: { type: "ftp", path: "/x" }, password: SECRET, schedule: "daily", rpo: "26 hours" }]]);
    expect(p.map((x) => x.split(": ")[1]).sort()).toEqual(["homelab:backups.repository.type", "homelab:backups.rpo", "homelab:backups.schedule"]);
  });

  it("refuses a retention that keeps nothing", () => {
    expect(problems("dev", [[["homelab:backups"], { ...local, retention: { keepDaily: 0, keepWeekly: 0, keepMonthly: 0, keepYearly: 0 } }]])).toEqual([
      "Pulumi.dev.yaml: homelab:backups.retention: keeps nothing: set at least one keep* above 0 (omitted keys take their defaults)",
    ]);
  });
});

describe("per-service backup", () => {
  it("needs homelab:backups", () => {
    expect(problems("dev", [[["homelab:services", "postgres", "backup"], { consistency: "stop" }]])).toEqual([
      "Pulumi.dev.yaml: homelab:services.postgres.backup: backup settings need homelab:backups (a repository and its password)",
    ]);
  });

  it("excludes only volumes the service has", () => {
    expect(problems("dev", [[["homelab:backups"], local], [["homelab:services", "postgres", "backup"], { exclude: ["pgdata"] }]])).toEqual([
      'Pulumi.dev.yaml: homelab:services.postgres.backup.exclude: "pgdata" is not a named volume of this service',
    ]);
  });

  it("records coverage per volume: backed up, excluded, disabled", () => {
    const m = load(
      "dev",
      editStack("dev", [
        [["homelab:backups"], local],
        [["homelab:services", "postgres", "volumes"], ["pgdata-dev:/var/lib/postgresql/data", "pgdump:/dump"]],
        [["homelab:services", "postgres", "backup"], { exclude: ["pgdata-dev"], consistency: { preCommand: ["pg_dump", "-f", "/dump/db.sql"] } }],
        [["homelab:services", "cache", "volumes"], ["cache-data:/data"]],
        [["homelab:services", "cache", "backup"], false],
      ]),
    );
    expect(m.backup.coverage.map((c) => `${c.service} ${c.volume} ${c.status}`)).toEqual([
      "postgres pgdata-dev excluded",
      "postgres pgdump backed-up",
      "cache cache-data disabled",
    ]);
    expect(m.backup.backups!.excluded).toEqual({ laptop: ["pgdata-dev", "cache-data"] });
    expect(m.backup.backups!.targets[0].consistency).toEqual({ kind: "exec", command: ["pg_dump", "-f", "/dump/db.sql"] });
  });
});

describe("schedules", () => {
  it.each(["30 3 * * *", "*/15 * * * *", "0 5 * * 0", "0 2-4 1,15 * 1-5"])("accepts %s", (schedule) => {
    expect(load("dev", editStack("dev", [[["homelab:backups"], { ...local, schedule }]])).backup.backups!.schedule).toBe(schedule);
  });
  it.each(["60 3 * * *", "0 24 * * *", "0 3 0 * *", "0 3 * 13 *", "0 3 * * 7", "*/0 * * * *", "daily", "0 3 * *"])("refuses %s", (schedule) => {
    const p = problems("dev", [[["homelab:backups"], { ...local, drillSchedule: schedule }]]);
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/^Pulumi\.dev\.yaml: homelab:backups\.drillSchedule: /);
  });
});
