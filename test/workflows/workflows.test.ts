import * as fs from "fs";
import * as path from "path";
import { validateWorkflow } from "@action-validator/core";
import { parse } from "yaml";
import { PROMOTION_ORDER } from "../../stacks/profiles";

const DIR = path.resolve(__dirname, "..", "..", ".github", "workflows");
const FILES = ["preview.yml", "deploy.yml", "promote.yml", "drift.yml"] as const;

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  shell?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  "runs-on": string;
  needs?: string | string[];
  if?: string;
  permissions?: Record<string, string>;
  environment?: string;
  env?: Record<string, string>;
  strategy?: { "fail-fast"?: boolean; matrix: { include?: Record<string, string>[] } };
  steps: Step[];
}
interface Workflow {
  name: string;
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  concurrency: { group: string; "cancel-in-progress": boolean };
  jobs: Record<string, Job>;
}

const text = (file: string): string => fs.readFileSync(path.join(DIR, file), "utf8");
const load = (file: string): Workflow => parse(text(file)) as Workflow;
const runs = (job: Job): string[] => job.steps.flatMap((s) => (s.run === undefined ? [] : [s.run]));
const using = (job: Job, action: string): Step[] => job.steps.filter((s) => s.uses?.split("@")[0] === action);
const matrixStacks = (job: Job): string[] => (job.strategy?.matrix.include ?? []).map((e) => e.stack);

describe.each(FILES)("%s", (file) => {
  it("passes the GitHub workflow schema (action-validator)", () => {
    const result = validateWorkflow(text(file));
    expect(result.actionType).toBe("workflow");
    expect(result.errors).toEqual([]);
  });

  it("grants read-only contents by default and writes only where a job asks", () => {
    const wf = load(file);
    expect(wf.permissions).toEqual({ contents: "read" });
    for (const [name, job] of Object.entries(wf.jobs)) {
      for (const [scope, level] of Object.entries(job.permissions ?? {})) {
        expect({ job: name, scope, level }).toEqual({ job: name, scope, level: expect.stringMatching(/^(read|write|none)$/) });
      }
    }
    expect(text(file)).not.toMatch(/write-all|read-all/);
  });

  it("pins every action to a major version or a commit", () => {
    const uses = Object.values(load(file).jobs).flatMap((j) => j.steps.flatMap((s) => (s.uses === undefined ? [] : [s.uses])));
    expect(uses.length).toBeGreaterThan(0);
    for (const u of uses) expect(u).toMatch(/^[\w.-]+\/[\w./-]+@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/);
  });

  it("has a concurrency group", () => {
    expect(load(file).concurrency.group).toEqual(expect.any(String));
  });

  it("gives every Pulumi and Tailscale step what it needs from secrets", () => {
    for (const job of Object.values(load(file).jobs)) {
      if (using(job, "pulumi/actions").length > 0) {
        expect(job.env?.PULUMI_CONFIG_PASSPHRASE).toBe("${{ secrets.PULUMI_CONFIG_PASSPHRASE }}");
        expect(job.env?.PULUMI_BACKEND_URL).toBe("${{ secrets.PULUMI_BACKEND_URL }}");
        for (const s of using(job, "pulumi/actions")) expect(s.uses).toBe("pulumi/actions@v6");
      }
      for (const s of using(job, "tailscale/github-action")) {
        expect(s.with).toEqual({ "oauth-client-id": "${{ secrets.TS_OAUTH_CLIENT_ID }}", "oauth-secret": "${{ secrets.TS_OAUTH_SECRET }}", tags: "tag:ci" });
        // The Docker hosts are reached over ssh, so the job must also install the key before Pulumi runs.
        const names = job.steps.map((x) => x.name ?? x.uses ?? "");
        expect(names.indexOf("SSH identity for Docker hosts")).toBeGreaterThan(names.indexOf("Join the tailnet"));
        expect(names.findIndex((n) => n.startsWith("pulumi/actions") || n.startsWith("pulumi preview"))).toBeGreaterThan(names.indexOf("SSH identity for Docker hosts"));
      }
    }
  });
});

describe("preview.yml", () => {
  const wf = load("preview.yml");

  it("runs on pull requests, one run per PR, cancelling the stale one", () => {
    expect(Object.keys(wf.on)).toEqual(["pull_request"]);
    expect(wf.concurrency).toEqual({ group: "preview-${{ github.event.pull_request.number }}", "cancel-in-progress": true });
  });

  it("checks, tests and plans every stack without any secret, so forks work", () => {
    const check = wf.jobs.check;
    expect(runs(check)).toEqual(expect.arrayContaining(["npm ci --no-audit --no-fund", "npx tsc --noEmit", "npm test"]));
    expect(runs(check).some((r) => r.includes("npm run plan -- --all --format markdown --out plan.md"))).toBe(true);
    expect(JSON.stringify(check)).not.toContain("secrets.");
    expect(check.permissions).toEqual({ contents: "read" });
    // Published before the job fails, so a blocked plan still shows why.
    const names = check.steps.map((s) => s.name ?? s.uses);
    expect(names.indexOf("Fail on mandatory policy violations")).toBeGreaterThan(names.indexOf("actions/upload-artifact@v4"));
  });

  it("posts the plan as one sticky comment, with only pull-requests: write", () => {
    const comment = wf.jobs.comment;
    expect(comment.needs).toBe("check");
    expect(comment.permissions).toEqual({ "pull-requests": "write" });
    const [sticky] = using(comment, "marocchino/sticky-pull-request-comment");
    expect(sticky.with).toEqual({ header: "homelab-plan", path: "plan.md" });
    expect(comment.if).toContain("github.event.pull_request.head.repo.full_name == github.repository");
  });

  it("previews every stack with the policy pack where secrets exist", () => {
    const preview = wf.jobs.preview;
    expect(preview.if).toContain("github.event.pull_request.head.repo.full_name == github.repository");
    expect(matrixStacks(preview)).toEqual([...PROMOTION_ORDER]);
    expect(preview.strategy?.["fail-fast"]).toBe(false);
    expect(preview.permissions).toEqual({ contents: "read", "pull-requests": "write" });
    const [pulumi] = using(preview, "pulumi/actions");
    expect(pulumi.with).toMatchObject({
      command: "preview",
      "stack-name": "${{ matrix.stack }}",
      policyPacks: "policies",
      policyPackConfigs: "policies/config/${{ matrix.stack }}.json",
      "comment-on-pr": true,
    });
    for (const stack of PROMOTION_ORDER) expect(fs.existsSync(path.resolve(DIR, "..", "..", "policies", "config", `${stack}.json`))).toBe(true);
  });
});

describe("deploy.yml", () => {
  const wf = load("deploy.yml");

  it("runs on pushes to main and never cancels a deployment", () => {
    expect(wf.on.push).toEqual({ branches: ["main"] });
    expect(wf.concurrency["cancel-in-progress"]).toBe(false);
  });

  it("gates on the plan, then brings up the first stack in the promotion order", () => {
    expect(runs(wf.jobs.gate)).toContain('npm run plan -- --stack "$STACK"');
    expect(JSON.stringify(wf).includes(`"STACK":"${PROMOTION_ORDER[0]}"`)).toBe(true);
    const up = wf.jobs.up;
    expect(up.needs).toBe("gate");
    expect(up.environment).toBe(PROMOTION_ORDER[0]);
    const [pulumi] = using(up, "pulumi/actions");
    expect(pulumi.with).toMatchObject({ command: "up", "stack-name": PROMOTION_ORDER[0], policyPacks: "policies", policyPackConfigs: `policies/config/${PROMOTION_ORDER[0]}.json` });
  });
});

describe("promote.yml", () => {
  const wf = load("promote.yml");

  it("is started by hand with from/to chosen from the promotion order", () => {
    const inputs = (wf.on.workflow_dispatch as { inputs: Record<string, { type: string; options?: string[] }> }).inputs;
    expect(inputs.from.type).toBe("choice");
    expect(inputs.to.type).toBe("choice");
    expect(inputs.from.options).toEqual(PROMOTION_ORDER.slice(0, -1));
    expect(inputs.to.options).toEqual(PROMOTION_ORDER.slice(1));
    expect(inputs.force.type).toBe("boolean");
  });

  it("runs the promote command and opens a pull request with the stack file change", () => {
    const job = wf.jobs.promote;
    expect(job.permissions).toEqual({ contents: "write", "pull-requests": "write" });
    const step = job.steps.find((s) => s.id === "promote")!;
    expect(step.run).toContain('npm run --silent promote -- "${args[@]}"');
    expect(step.shell).toBe("bash");
    // Workflow inputs travel as environment variables, not as text spliced into the script.
    expect(step.run).not.toContain("${{");
    const [pr] = using(job, "peter-evans/create-pull-request");
    expect(pr.with).toMatchObject({ "add-paths": "Pulumi.${{ inputs.to }}.yaml", branch: "promote/${{ inputs.from }}-to-${{ inputs.to }}" });
  });
});

describe("drift.yml", () => {
  const wf = load("drift.yml");

  it("runs on a schedule", () => {
    expect(wf.on.schedule).toEqual([{ cron: expect.stringMatching(/^\S+ \S+ \S+ \S+ \S+$/) }]);
  });

  it("refreshes every deployed stack and expects no changes", () => {
    const detect = wf.jobs.detect;
    expect(matrixStacks(detect)).toEqual([...PROMOTION_ORDER]);
    const [pulumi] = using(detect, "pulumi/actions");
    expect(pulumi.with).toMatchObject({ command: "preview", refresh: true, "expect-no-changes": true, "stack-name": "${{ matrix.stack }}" });
  });

  it("keeps one drift issue: found by label and title, updated rather than duplicated", () => {
    const report = wf.jobs.report;
    expect(report.permissions).toEqual({ issues: "write" });
    const [script] = using(report, "actions/github-script");
    const code = String(script.with?.script);
    expect(code).toContain("issues.listForRepo");
    expect(code).toContain('labels: label');
    expect(code).toContain("issues.update");
    expect(code).toContain("issues.create");
  });
});
