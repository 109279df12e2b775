/**
 * The offline plan over the shipped stacks: backup coverage per volume in
 * every format, and the require-backup verdicts the policy pack gives.
 */
import { planStacks, PolicyRunner, render, type JsonPlan, type StackPlan } from "../../infra/plan";

jest.setTimeout(240_000);

let runner: PolicyRunner;
let plans: StackPlan[];
beforeAll(async () => {
  runner = new PolicyRunner();
  plans = await planStacks({ stacks: ["dev", "prod"], runner });
});
afterAll(async () => {
  await runner?.close();
});
const plan = (stack: string): StackPlan => plans.find((p) => p.stack === stack)!;

describe("backup coverage in the plan", () => {
  test("JSON lists every named volume with its coverage", () => {
    const prod = JSON.parse(render([plan("prod")], "json", false)) as JsonPlan;
    expect(prod.backups).toEqual({
      repository: "s3",
      schedule: "15 2 * * *",
      rpo: "26h",
      swarm: false,
      volumes: [
        { host: "vps", volume: "pgdata", service: "postgres", status: "excluded" },
        { host: "vps", volume: "pgdump", service: "postgres", status: "backed-up" },
      ],
    });
    const dev = JSON.parse(render([plan("dev")], "json", false)) as JsonPlan;
    expect(dev.backups.repository).toBeNull();
    expect(dev.backups.volumes).toEqual([{ host: "laptop", volume: "pgdata-dev", service: "postgres", status: "not-configured" }]);
  });

  test("text and markdown show a row per volume", () => {
    const text = render([plan("prod")], "text", false);
    expect(text).toContain('Backups: restic s3 repository, schedule "15 2 * * *", RPO 26h');
    expect(text.split("\n").map((l) => l.trim().split(/\s{2,}/))).toContainEqual(["pgdump", "vps", "postgres", "backed up"]);
    const md = render([plan("dev")], "markdown", false);
    expect(md).toContain("| pgdata-dev | laptop | postgres | NOT BACKED UP (no homelab:backups) |");
  });

  test("require-backup: prod passes (mandatory); dev's unbacked volume is an advisory finding", () => {
    expect(plan("prod").violations.filter((v) => v.policy === "require-backup")).toEqual([]);
    const dev = plan("dev").violations.filter((v) => v.policy === "require-backup");
    expect(dev.map((v) => [v.level, v.urn.split("::").pop()])).toEqual([["advisory", "postgres-pgdata-dev-volume"]]);
  });
});
