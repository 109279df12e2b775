/**
 * The workflows against a GitHub workflow schema validator, then their
 * structure as parsed YAML: triggers, permissions, concurrency, and the steps
 * that matter, in the order that matters.
 */
import * as fs from "fs";
import * as path from "path";
import { validateWorkflow } from "@action-validator/core";
import { stringify } from "yaml";
import { PROMOTION_ORDER } from "../../stacks/profiles";
import { indexOf, load, matrixStacks, ROOT, runs, stepNamed, text, using, workflowFiles, type Job, type Workflow } from "./load";

/** Every permission each job ends up with: its own block, else the workflow's. */
const EXPECTED_PERMISSIONS: Record<string, Record<string, Record<string, string>>> = {
  "deploy.yml": { gate: { contents: "read" }, up: { contents: "read" } },
  "drift.yml": { detect: { contents: "read" }, report: { issues: "write" } },
  "preview-comment.yml": { comment: { actions: "read", "pull-requests": "write" } },
  "preview.yml": { check: { contents: "read" }, preview: { contents: "read", "pull-requests": "write" } },
  "promote.yml": { promote: { contents: "write", "pull-requests": "write" } },
};

/** The jobs that reach a Docker host (through pulumi/actions, or any step that runs the pulumi CLI). */
const DOCKER_JOBS: Record<string, string[]> = {
  "deploy.yml": ["up"],
  "drift.yml": ["detect"],
  "preview-comment.yml": [],
  "preview.yml": ["preview"],
  "promote.yml": [],
};

/** pulumi/actions v6.6.1: `git rev-parse v6.6.1^{commit}` in github.com/pulumi/actions. */
const PULUMI_ACTIONS = "pulumi/actions@8582a9e8cc630786854029b4e09281acd6794b58";

const allSteps = (wf: Workflow) => Object.values(wf.jobs).flatMap((j) => j.steps);
// Any use of the secrets context: `secrets.X`, `secrets['X']`, `toJSON(secrets)`.
const mentionsSecret = (value: unknown): boolean => /\$\{\{[^}]*\bsecrets\b/.test(JSON.stringify(value));

it("knows every workflow file in the folder", () => {
  expect(workflowFiles()).toEqual(Object.keys(EXPECTED_PERMISSIONS).sort());
});

describe("the schema validator", () => {
  it("rejects broken copies, so a clean result means something", () => {
    const wf = load("deploy.yml");
    const broken: ((w: Workflow) => void)[] = [
      (w) => delete (w.jobs.up as Partial<Job>)["runs-on"],
      (w) => (w.permissions = { contents: "admin" }),
      (w) => (w.on = { pushed: {} }),
      (w) => (w.jobs.up.needs = "no-such-job"),
    ];
    for (const mutate of broken) {
      const copy = structuredClone(wf);
      mutate(copy);
      expect(validateWorkflow(stringify(copy)).errors.length).toBeGreaterThan(0);
    }
  });
});

describe.each(workflowFiles())("%s", (file) => {
  const wf = load(file);

  it("passes the GitHub workflow schema", () => {
    const result = validateWorkflow(text(file));
    expect(result.actionType).toBe("workflow");
    expect(result.errors).toEqual([]);
  });

  it("grants read-only contents by default and each job exactly what it needs", () => {
    expect(wf.permissions).toEqual({ contents: "read" });
    const actual = Object.fromEntries(Object.entries(wf.jobs).map(([name, job]) => [name, job.permissions ?? wf.permissions]));
    expect(actual).toEqual(EXPECTED_PERMISSIONS[file]);
  });

  it("pins every action by full commit SHA, with the release it is in a comment", () => {
    const uses = allSteps(wf).flatMap((s) => (s.uses === undefined ? [] : [s.uses]));
    expect(uses.length).toBeGreaterThan(0);
    // A tag can be moved to other code; a commit cannot.
    for (const u of uses) expect(u).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
    const lines = text(file).split("\n").filter((l) => /^\s*(- )?uses:/.test(l));
    expect(lines).toHaveLength(uses.length);
    for (const l of lines) expect(l).toMatch(/uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });

  it("names a concurrency group", () => {
    expect(wf.concurrency).toEqual({ group: expect.stringMatching(/\S/), "cancel-in-progress": expect.any(Boolean) });
  });

  it("reaches Docker only after checking the endpoint, joining the tailnet and installing the ssh identity", () => {
    const reaching = Object.entries(wf.jobs).filter(([, job]) => job.steps.some((s) => (s.uses?.startsWith("pulumi/actions@") ?? false) || /(^|\s)pulumi\s/m.test(s.run ?? "")));
    expect(reaching.map(([name]) => name)).toEqual(DOCKER_JOBS[file]);
    for (const [name, job] of reaching) {
      const pulumi = indexOf(job, (s) => s.uses?.startsWith("pulumi/actions@") ?? false);
      expect({ job: name, passphrase: job.env?.PULUMI_CONFIG_PASSPHRASE, backend: job.env?.PULUMI_BACKEND_URL }).toEqual({
        job: name,
        passphrase: "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}",
        backend: "${{ secrets.PULUMI_BACKEND_URL }}",
      });
      // Hosts with a ciDocker endpoint are reached there (infra/endpoint.ts).
      expect({ job: name, endpoint: job.env?.HOMELAB_DOCKER_ENDPOINT }).toEqual({ job: name, endpoint: "ci" });
      expect(job.env?.DOCKER_HOST).toMatch(/^\$\{\{ (vars\.DOCKER_HOST_[A-Z]+|matrix\.docker-host) \}\}$/);
      const guard = indexOf(job, (s) => s.name === "Check the Docker endpoints");
      const tailnet = indexOf(job, (s) => s.uses?.startsWith("tailscale/github-action@") ?? false);
      const ssh = indexOf(job, (s) => s.name === "SSH identity for Docker hosts");
      expect({ job: name, guard: guard >= 0, order: guard < tailnet && tailnet < ssh && ssh < pulumi }).toEqual({ job: name, guard: true, order: true });
      expect(job.steps[tailnet].with).toEqual({ "oauth-client-id": "${{ secrets.TS_OAUTH_CLIENT_ID }}", "oauth-secret": "${{ secrets.TS_OAUTH_SECRET }}", tags: "tag:ci" });
      expect(job.steps[ssh].env).toEqual({ DOCKER_SSH_KEY: "${{ secrets.DOCKER_SSH_KEY }}", SSH_KNOWN_HOSTS: "${{ vars.SSH_KNOWN_HOSTS }}" });
      expect(job.steps[pulumi].uses).toBe(PULUMI_ACTIONS);
      expect(job.steps[pulumi].with?.["cloud-url"]).toBe("${{ secrets.PULUMI_BACKEND_URL }}");
    }
  });
});

describe("preview.yml", () => {
  const wf = load("preview.yml");
  const check = wf.jobs.check;

  it("runs on pull requests to main, one run per pull request, cancelling the stale one", () => {
    expect(wf.on).toEqual({ pull_request: { branches: ["main"] } });
    expect(wf.concurrency).toEqual({ group: "preview-${{ github.event.pull_request.number }}", "cancel-in-progress": true });
  });

  it("installs, typechecks, tests and plans every stack as markdown, without any secret, so forks work", () => {
    expect(runs(check).slice(0, 3)).toEqual(["npm ci --no-audit --no-fund", "npx tsc --noEmit", "npm test"]);
    expect(stepNamed(check, "Offline plan of every stack").run).toContain("npm run plan -- --all --base HEAD^1 --detailed-exitcode --format markdown --out plan.md");
    expect(mentionsSecret(check)).toBe(false);
  });

  it("diffs the plan against the pull request's base: the merge commit's first parent, fetched with it", () => {
    const [checkout] = using(check, "actions/checkout");
    // Depth 2: the merge commit GitHub checks out and its parents, so HEAD^1 (the base branch) exists.
    expect(checkout.with).toMatchObject({ "fetch-depth": 2, "persist-credentials": false });
    expect(stepNamed(check, "Offline plan of every stack").run).toMatch(/--base HEAD\^1\b/);
  });

  it("publishes the plan even after a failing test, and fails on a blocking plan only afterwards", () => {
    const plan = stepNamed(check, "Offline plan of every stack");
    expect(plan.if).toBe("${{ !cancelled() && steps.install.outcome == 'success' }}");
    expect(plan.run).toContain('>> "$GITHUB_STEP_SUMMARY"');
    const [upload] = using(check, "actions/upload-artifact");
    expect(upload.with).toMatchObject({ name: "plan", path: "plan.md" });
    const fail = indexOf(check, (s) => s.name === "Fail on a blocking plan");
    expect(fail).toBeGreaterThan(check.steps.indexOf(upload));
    expect(check.steps[fail].if).toContain("steps.plan.outputs.exit != '0'");
    // The exit code reaches the script through the environment, not spliced into it.
    expect(check.steps[fail].run).not.toContain("${{");
  });

  it("previews every stack with its policy config, only where secrets exist", () => {
    const preview = wf.jobs.preview;
    expect(preview.needs).toBe("check");
    expect(preview.if).toBe("${{ github.event.pull_request.head.repo.full_name == github.repository }}");
    expect(matrixStacks(preview)).toEqual([...PROMOTION_ORDER]);
    expect(preview.strategy?.["fail-fast"]).toBe(false);
    const [pulumi] = using(preview, "pulumi/actions");
    expect(pulumi.with).toMatchObject({
      command: "preview",
      "stack-name": "${{ matrix.stack }}",
      policyPacks: "policies",
      policyPackConfigs: "policies/config/${{ matrix.stack }}.json",
      "comment-on-pr": true,
    });
    // The pack resolves @pulumi/policy from the root node_modules that `npm ci` fills.
    expect(runs(preview)).toContain("npm ci --no-audit --no-fund");
    for (const stack of PROMOTION_ORDER) expect(fs.existsSync(path.join(ROOT, "policies", "config", `${stack}.json`))).toBe(true);
  });
});

describe("preview-comment.yml", () => {
  const wf = load("preview-comment.yml");
  const job = wf.jobs.comment;

  it("runs when the preview workflow completes, for pull requests, not for cancelled runs", () => {
    expect(wf.on).toEqual({ workflow_run: { workflows: [load("preview.yml").name], types: ["completed"] } });
    expect(job.if).toBe("${{ github.event.workflow_run.event == 'pull_request' && github.event.workflow_run.conclusion != 'cancelled' }}");
    expect(wf.concurrency["cancel-in-progress"]).toBe(false);
  });

  it("never checks out or runs the pull request's code, and reads the plan from that run's artifact", () => {
    expect(using(job, "actions/checkout")).toEqual([]);
    expect(runs(job)).toEqual([]);
    const [download] = using(job, "actions/download-artifact");
    expect(download.with).toEqual({ name: "plan", path: "plan", "run-id": "${{ github.event.workflow_run.id }}", "github-token": "${{ github.token }}" });
    expect(download["continue-on-error"]).toBe(true);
    const [script] = using(job, "actions/github-script");
    expect(script.env).toEqual({ PLAN_FILE: "plan/plan.md" });
  });
});

describe("deploy.yml", () => {
  const wf = load("deploy.yml");
  const first = PROMOTION_ORDER[0];

  it("runs on pushes to main (and by hand) and never cancels a deployment", () => {
    expect(wf.on).toEqual({ push: { branches: ["main"] }, workflow_dispatch: null });
    expect(wf.concurrency).toEqual({ group: `deploy-${first}`, "cancel-in-progress": false });
  });

  it("deploys only from main, even when started by hand on another branch", () => {
    expect(wf.jobs.gate.if).toBe("${{ github.ref == 'refs/heads/main' }}");
    expect(wf.jobs.up.if).toBe("${{ github.ref == 'refs/heads/main' }}");
  });

  it("never times out during pulumi up: only the steps before it have timeouts", () => {
    const up = wf.jobs.up;
    expect(up["timeout-minutes"]).toBeUndefined();
    const pulumi = indexOf(up, (s) => s.uses === PULUMI_ACTIONS);
    expect(pulumi).toBe(up.steps.length - 1);
    expect(up.steps[pulumi]["timeout-minutes"]).toBeUndefined();
    const before = up.steps.slice(0, pulumi).map((s) => s["timeout-minutes"]);
    expect(before).toHaveLength(6);
    for (const t of before) expect(t).toBeGreaterThan(0);
  });

  it("gates on the offline plan, then brings up the first stack of the promotion order with its policies", () => {
    expect(wf.env).toEqual({ STACK: first });
    expect(runs(wf.jobs.gate)).toContain('npm run plan -- --stack "$STACK"');
    expect(mentionsSecret(wf.jobs.gate)).toBe(false);
    const up = wf.jobs.up;
    expect(up.needs).toBe("gate");
    expect(up.environment).toBe(first);
    expect(up.env?.DOCKER_HOST).toBe(`\${{ vars.DOCKER_HOST_${first.toUpperCase()} }}`);
    const [pulumi] = using(up, "pulumi/actions");
    expect(pulumi.with).toMatchObject({ command: "up", "stack-name": first, policyPacks: "policies", policyPackConfigs: `policies/config/${first}.json` });
  });

  it("explains in a comment why this stack is the one CI deploys", () => {
    const header = text("deploy.yml").split("\nname:")[0];
    expect(header).toMatch(/^# .*`dev`/);
    expect(header).toContain("npipe");
  });
});

describe("promote.yml", () => {
  const wf = load("promote.yml");
  const job = wf.jobs.promote;

  it("is started by hand with from/to chosen along the promotion order", () => {
    expect(Object.keys(wf.on)).toEqual(["workflow_dispatch"]);
    const inputs = (wf.on.workflow_dispatch as { inputs: Record<string, { type: string; options?: string[]; default?: unknown }> }).inputs;
    expect(inputs.from).toMatchObject({ type: "choice", options: PROMOTION_ORDER.slice(0, -1), default: PROMOTION_ORDER[0] });
    expect(inputs.to).toMatchObject({ type: "choice", options: PROMOTION_ORDER.slice(1), default: PROMOTION_ORDER[1] });
    expect(inputs.services.type).toBe("string");
    expect(inputs.force).toMatchObject({ type: "boolean", default: false });
    expect(wf.concurrency).toEqual({ group: "promote-${{ inputs.to }}", "cancel-in-progress": false });
  });

  it("runs the promote command with the inputs as environment variables, then opens a pull request of the target file", () => {
    const step = stepNamed(job, "Promote");
    expect(step.shell).toBe("bash");
    expect(step.env).toEqual({ FROM: "${{ inputs.from }}", TO: "${{ inputs.to }}", SERVICES: "${{ inputs.services }}", FORCE: "${{ inputs.force }}" });
    expect(step.run).not.toContain("${{");
    // Install scripts run with no token in .git/config; the pull request action pushes with its own.
    expect(using(job, "actions/checkout")[0].with).toEqual({ "persist-credentials": false });
    const [pr] = using(job, "peter-evans/create-pull-request");
    expect(job.steps.indexOf(pr)).toBeGreaterThan(job.steps.indexOf(step));
    expect(pr.with).toMatchObject({
      token: "${{ secrets.PROMOTE_TOKEN || github.token }}",
      "branch-token": "${{ secrets.PROMOTE_TOKEN || github.token }}",
      "add-paths": "Pulumi.${{ inputs.to }}.yaml",
      branch: "promote/${{ inputs.from }}-to-${{ inputs.to }}",
    });
    expect(String(pr.with?.body)).toContain("${{ steps.promote.outputs.summary }}");
    // The body carries the target stack's plan against the commit it was promoted from.
    const diff = stepNamed(job, "Diff of the target stack");
    expect(job.steps.indexOf(diff)).toBeGreaterThan(job.steps.indexOf(step));
    expect(job.steps.indexOf(diff)).toBeLessThan(job.steps.indexOf(pr));
    expect(diff.env).toEqual({ TO: "${{ inputs.to }}" });
    expect(diff.run).not.toContain("${{");
    expect(diff.run).toContain('npm run --silent plan -- --stack "$TO" --base HEAD --format markdown --out diff.md');
    expect(String(pr.with?.body)).toContain("${{ steps.diff.outputs.diff }}");
    // Promotion is offline: no secret beyond the optional token, no tailnet.
    expect(using(job, "tailscale/github-action")).toEqual([]);
  });
});

describe("drift.yml", () => {
  const wf = load("drift.yml");
  const detect = wf.jobs.detect;

  it("runs daily and by hand", () => {
    expect(wf.on).toEqual({ schedule: [{ cron: "17 5 * * *" }], workflow_dispatch: null });
  });

  it("refreshes every deployed stack and expects no changes, recording each verdict", () => {
    expect(matrixStacks(detect)).toEqual([...PROMOTION_ORDER]);
    expect(detect.strategy?.["fail-fast"]).toBe(false);
    expect(detect.env?.STACK).toBe("${{ matrix.stack }}");
    const [pulumi] = using(detect, "pulumi/actions");
    expect(pulumi.id).toBe("preview");
    expect(pulumi["continue-on-error"]).toBe(true);
    expect(pulumi.with).toMatchObject({ command: "preview", refresh: true, "expect-no-changes": true, "stack-name": "${{ matrix.stack }}" });
    const record = stepNamed(detect, "Record the result");
    expect(record.if).toBe("always()");
    expect(record.env).toEqual({ OUTCOME: "${{ steps.preview.outcome }}" });
    expect(record.run).toContain('"drift/$STACK.outcome"');
  });

  it("reports on every stack of the matrix, even when a job stopped early", () => {
    const report = wf.jobs.report;
    expect(report.needs).toBe("detect");
    expect(report.if).toBe("${{ !cancelled() }}");
    const [script] = using(report, "actions/github-script");
    expect(script.env?.STACKS.split(" ")).toEqual(matrixStacks(detect));
    expect(script.env?.RESULTS).toBe("drift");
    expect(using(report, "actions/download-artifact")[0].with).toMatchObject({ pattern: "drift-*", path: "drift" });
  });
});

