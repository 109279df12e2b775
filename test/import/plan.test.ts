/**
 * The result plans: `npm run plan`'s own planner (mock-runtime evaluation and
 * the real policy pack over the analyzer protocol) runs on imported stacks,
 * and the findings the import report predicted are exactly the ones the pack
 * reports on the imported services, for every rule the report predicts.
 */
import * as path from "path";
import { importCompose } from "../../infra/import";
import type { ImportReport } from "../../infra/import/report";
import { planStacks, type StackPlan } from "../../infra/plan/plan";
import { PolicyRunner } from "../../infra/plan/policy";
import { CASES, ENV, fixtureFiles, FIXTURES, removeScratch, scratchProject } from "./support";

afterAll(removeScratch);

const PREDICTED_RULES = ["require-pinned-images", "no-sensitive-mounts", "require-healthcheck", "require-memory-limit", "require-cpu-limit", "no-privileged-host-ports", "restrict-capabilities"];

jest.setTimeout(180_000);

describe("imported stacks under npm run plan", () => {
  const dir = scratchProject();
  const reports: Record<string, ImportReport> = {
    miravaz: importCompose({ files: [path.join(FIXTURES, "seed000", "docker-compose.yml")], stack: "miravaz", projectDir: dir, env: ENV }).report,
    homelab: importCompose({ files: fixtureFiles(CASES[2]), stack: "homelab", projectDir: dir, env: ENV }).report,
  };
  let plans: StackPlan[] = [];
  let runner: PolicyRunner | undefined;
  beforeAll(async () => {
    runner = new PolicyRunner();
    plans = await planStacks({ stacks: Object.keys(reports), projectDir: dir, runner });
  });
  afterAll(async () => {
    await runner?.close();
  });

  it.each(Object.keys(reports))("%s: the pack reports what the import predicted, at the predicted level", (stack) => {
    const plan = plans.find((p) => p.stack === stack)!;
    const imported = reports[stack].services.filter((s) => s.status !== "refused").map((s) => s.name);
    const serviceOf = (urn: string): string | undefined => imported.find((s) => urn.endsWith(`::${s}-container`) || urn.endsWith(`::${s}-image`));
    const actual = plan.violations
      .filter((v) => PREDICTED_RULES.includes(v.policy) && serviceOf(v.urn) !== undefined)
      .map((v) => `${v.policy} ${v.level} ${serviceOf(v.urn)!}`);
    const predicted = reports[stack].expectedFindings.map((f) => `${f.rule} ${f.level} ${f.service}`);
    expect(predicted.length).toBeGreaterThan(3);
    expect([...new Set(actual)].sort()).toEqual([...new Set(predicted)].sort());
  });

  it("the seed 000 import plans clean of mandatory findings; the docker.sock mount of portainer is mandatory in homelab", () => {
    expect(plans.find((p) => p.stack === "miravaz")?.summary.mandatory).toBe(0);
    const homelab = plans.find((p) => p.stack === "homelab")!;
    expect(homelab.violations.filter((v) => v.level === "mandatory").map((v) => [v.policy, v.urn.split("::").pop()])).toEqual([["no-sensitive-mounts", "portainer-container"]]);
  });
});
