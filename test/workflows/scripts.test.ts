/**
 * The code the workflows carry, run for real: the Docker endpoint check
 * against the shipped stack files, the promote step's shell, and the
 * `actions/github-script` bodies against a recording stand-in for the GitHub
 * API (the same arguments github-script passes them).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { load, ROOT, stepNamed, using, workflowFiles, type Step } from "./load";

const made: string[] = [];
const tempDir = (): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-wf-"));
  made.push(dir);
  return dir;
};
afterEach(() => {
  for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** `env` without the variables a test wants unset, so the runner's own never leak in. */
function env(vars: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...process.env };
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
}

describe("Check the Docker endpoints", () => {
  const guards = workflowFiles().flatMap((file) =>
    Object.values(load(file).jobs).flatMap((job) => job.steps.filter((s) => s.name === "Check the Docker endpoints").map((s) => ({ file, step: s }))),
  );

  it("is the same step in every job that runs Pulumi", () => {
    expect(guards.map((g) => g.file)).toEqual(["deploy.yml", "drift.yml", "preview.yml"]);
    // The same check everywhere; only deploy.yml bounds it with a step timeout.
    for (const g of guards) expect({ ...g.step, "timeout-minutes": undefined }).toEqual({ ...guards[0].step, "timeout-minutes": undefined });
    expect(guards[0].step.shell).toBe("node {0}");
  });

  /** Runs the step as GitHub would with `shell: node {0}`: the body as a script file, from the checkout. */
  function check(stack: string, dockerHost: string | undefined, mode: "ci" | "unset" = "ci"): { status: number | null; stdout: string } {
    const script = path.join(tempDir(), "guard.js");
    fs.writeFileSync(script, guards[0].step.run ?? "");
    const r = spawnSync(process.execPath, [script], { cwd: ROOT, encoding: "utf8", env: env({ STACK: stack, DOCKER_HOST: dockerHost, HOMELAB_DOCKER_ENDPOINT: mode === "ci" ? "ci" : undefined }) });
    return { status: r.status, stdout: r.stdout + r.stderr };
  }

  it("refuses dev without DOCKER_HOST, since the runner's own engine would answer", () => {
    const r = check("dev", undefined);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe(
      "::error::dev: host laptop has no docker: endpoint and DOCKER_HOST is empty; set the repository variable DOCKER_HOST_DEV (e.g. ssh://user@machine on the tailnet)\n",
    );
  });

  it("accepts dev with an ssh:// DOCKER_HOST, and prod's own ssh endpoint", () => {
    expect(check("dev", "ssh://ci@laptop")).toEqual({ status: 0, stdout: "" });
    expect(check("prod", undefined)).toEqual({ status: 0, stdout: "" });
  });

  it("accepts the shipped homelab stack: its server has a ciDocker endpoint on the tailnet", () => {
    expect(check("homelab", undefined)).toEqual({ status: 0, stdout: "" });
  });

  it("refuses endpoints that only exist on one machine: a local socket, homelab's named pipe outside CI mode", () => {
    const socket = check("dev", "unix:///var/run/docker.sock");
    expect(socket.status).toBe(1);
    expect(socket.stdout).toContain("host laptop uses unix:///var/run/docker.sock");
    const pipe = check("homelab", "ssh://ci@server", "unset");
    expect(pipe).toEqual({
      status: 1,
      stdout:
        "::error::homelab: host server uses npipe:////./pipe/docker_engine, which only exists on that machine; give it a ciDocker: ssh:// endpoint the runner can reach over the tailnet\n",
    });
  });
});

describe("promote.yml's Promote step", () => {
  const step = stepNamed(load("promote.yml").jobs.promote, "Promote");

  /** Runs the step's bash with `npm` replaced by a script that records its arguments and exits with `code`. */
  function runStep(inputs: Record<string, string>, code: number): { status: number | null; args: string[]; output: string; summary: string } {
    const dir = tempDir();
    const bin = path.join(dir, "bin");
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, "npm"), `#!/bin/sh\nprintf '%s\\n' "$@" > "${dir}/args"\necho "promote output line"\nexit ${code}\n`, { mode: 0o755 });
    const files = { GITHUB_OUTPUT: path.join(dir, "output"), GITHUB_STEP_SUMMARY: path.join(dir, "summary") };
    for (const f of Object.values(files)) fs.writeFileSync(f, "");
    // GitHub runs `shell: bash` as `bash --noprofile --norc -eo pipefail {0}`.
    const r = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", step.run ?? ""], {
      cwd: dir,
      encoding: "utf8",
      env: env({ ...inputs, ...files, PATH: `${bin}:${process.env.PATH ?? ""}` }),
    });
    const read = (f: string): string => (fs.existsSync(f) ? fs.readFileSync(f, "utf8") : "");
    return { status: r.status, args: read(path.join(dir, "args")).split("\n").filter((a) => a !== ""), output: read(files.GITHUB_OUTPUT), summary: read(files.GITHUB_STEP_SUMMARY) };
  }

  it("passes the inputs as separate arguments and keeps the output for the pull request", () => {
    const r = runStep({ FROM: "dev", TO: "homelab", SERVICES: "a,b; rm -rf /", FORCE: "true" }, 0);
    expect(r.status).toBe(0);
    expect(r.args).toEqual(["run", "--silent", "promote", "--", "--from", "dev", "--to", "homelab", "--services", "a,b; rm -rf /", "--force"]);
    const [open, value, close, end] = r.output.split("\n");
    expect(open).toMatch(/^summary<<EOF_[0-9a-f]{32}$/);
    expect({ value, close, end }).toEqual({ value: "promote output line", close: open.slice("summary<<".length), end: "" });
    expect(r.summary).toBe("promote output line\n");
  });

  it("uses a new delimiter on every run, so no output line can close the value", () => {
    const delimiter = (): string => runStep({ FROM: "dev", TO: "homelab", SERVICES: "", FORCE: "false" }, 0).output.split("\n")[0];
    expect(delimiter()).not.toBe(delimiter());
  });

  it("leaves out empty services and an unset force", () => {
    expect(runStep({ FROM: "homelab", TO: "prod", SERVICES: "", FORCE: "false" }, 0).args).toEqual(["run", "--silent", "promote", "--", "--from", "homelab", "--to", "prod"]);
  });

  it.each([1, 2])("fails when promote exits %i, even through the tee", (code) => {
    const r = runStep({ FROM: "dev", TO: "homelab", SERVICES: "", FORCE: "false" }, code);
    expect(r.status).not.toBe(0);
    expect(r.output).toBe("");
  });
});

/**
 * Runs a step's bash as GitHub does (`bash --noprofile --norc -eo pipefail`),
 * with `npm` replaced by a script that records its arguments, runs `npmBody`
 * (in the step's folder) and exits with `code`.
 */
function runWithFakeNpm(run: string, vars: Record<string, string>, npmBody: string, code: number) {
  const dir = tempDir();
  const bin = path.join(dir, "bin");
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, "npm"), `#!/bin/sh\nprintf '%s\\n' "$@" > "${dir}/args"\n${npmBody}\nexit ${code}\n`, { mode: 0o755 });
  const files = { GITHUB_OUTPUT: path.join(dir, "output"), GITHUB_STEP_SUMMARY: path.join(dir, "summary") };
  for (const f of Object.values(files)) fs.writeFileSync(f, "");
  const r = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", run], {
    cwd: dir,
    encoding: "utf8",
    env: env({ ...vars, ...files, PATH: `${bin}:${process.env.PATH ?? ""}` }),
  });
  const read = (f: string): string => (fs.existsSync(f) ? fs.readFileSync(f, "utf8") : "");
  return { status: r.status, args: read(path.join(dir, "args")).split("\n").filter((a) => a !== ""), output: read(files.GITHUB_OUTPUT), summary: read(files.GITHUB_STEP_SUMMARY), dir };
}

describe("preview.yml's plan step", () => {
  const step = stepNamed(load("preview.yml").jobs.check, "Offline plan of every stack");
  const writePlan = `printf '## Plan\\n' > plan.md`;

  it("plans every stack against the merge commit's first parent", () => {
    const r = runWithFakeNpm(step.run ?? "", {}, writePlan, 0);
    expect(r.args).toEqual(["run", "plan", "--", "--all", "--base", "HEAD^1", "--detailed-exitcode", "--format", "markdown", "--out", "plan.md"]);
    expect(r.summary).toBe("## Plan\n");
  });

  it.each([
    [0, "0", "false"],
    [3, "0", "true"],
    [1, "1", "false"],
    [2, "2", "false"],
  ])("plan exit %i: the step passes, exit=%s and changed=%s for the later steps", (code, exit, changed) => {
    const r = runWithFakeNpm(step.run ?? "", {}, writePlan, code);
    expect(r.status).toBe(0);
    expect(r.output).toBe(`changed=${changed}\nexit=${exit}\n`);
  });

  it("writes a note when the plan left no report", () => {
    const r = runWithFakeNpm(step.run ?? "", {}, "", 1);
    expect(r.summary).toBe("# Plan\n\nThe plan command exited 1 without writing a report; see the job log.\n");
  });
});

describe("promote.yml's diff step", () => {
  const step = stepNamed(load("promote.yml").jobs.promote, "Diff of the target stack");

  it("plans the target stack against HEAD and hands the report to the pull request body", () => {
    const r = runWithFakeNpm(step.run ?? "", { TO: "homelab" }, "printf '## Plan: homelab\\n- change\\n' > diff.md", 0);
    expect(r.status).toBe(0);
    expect(r.args).toEqual(["run", "--silent", "plan", "--", "--stack", "homelab", "--base", "HEAD", "--format", "markdown", "--out", "diff.md"]);
    expect(r.output).toBe("diff<<PLAN_DIFF_EOF\n## Plan: homelab\n- change\nPLAN_DIFF_EOF\n");
    expect(r.summary).toBe("## Plan: homelab\n- change\n");
  });

  it("still gives the pull request a body when the plan fails", () => {
    const r = runWithFakeNpm(step.run ?? "", { TO: "prod" }, "", 1);
    expect(r.status).toBe(0);
    expect(r.output).toBe("diff<<PLAN_DIFF_EOF\nThe plan against the base exited 1 without a report; see the run log.\nPLAN_DIFF_EOF\n");
  });

  it("cuts a report too long for a pull request body, keeping it whole in the job summary", () => {
    const r = runWithFakeNpm(step.run ?? "", { TO: "prod" }, "head -c 70000 /dev/zero | tr '\\0' x > diff.md", 0);
    expect(r.summary.length).toBe(70000);
    const body = r.output.replace(/^diff<<PLAN_DIFF_EOF\n/, "").replace(/PLAN_DIFF_EOF\n$/, "");
    expect(body.length).toBeLessThan(65536);
    expect(body.startsWith("x".repeat(60000))).toBe(true);
    expect(body).toContain("**Cut: the whole report is in the job summary.**");
  });
});

interface Call {
  readonly method: string;
  readonly args: Record<string, unknown>;
}

/** A stand-in for github-script's `github` client that answers from fixtures and records every call. */
function fakeGitHub(answers: Record<string, unknown>) {
  const calls: Call[] = [];
  const method = (name: string) => {
    const fn = async (args: Record<string, unknown>) => {
      calls.push({ method: name, args });
      return { data: answers[name] ?? {} };
    };
    return Object.assign(fn, { endpointName: name });
  };
  const rest = {
    pulls: { list: method("pulls.list") },
    issues: {
      listComments: method("issues.listComments"),
      listForRepo: method("issues.listForRepo"),
      createComment: method("issues.createComment"),
      updateComment: method("issues.updateComment"),
      update: method("issues.update"),
      create: method("issues.create"),
    },
  };
  const paginate = async (fn: (args: Record<string, unknown>) => Promise<{ data: unknown }>, args: Record<string, unknown>) => (await fn(args)).data;
  return { github: { rest, paginate }, calls, writes: () => calls.filter((c) => !/\.list/.test(c.method)) };
}

function fakeCore() {
  const log: string[] = [];
  return { core: { info: (m: string) => log.push(`info: ${m}`), setFailed: (m: string) => log.push(`failed: ${m}`) }, log };
}

const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...args: string[]) => (...values: unknown[]) => Promise<unknown>;

/** Runs a github-script body with the arguments github-script gives it; `process` carries the step's env. */
async function runScript(step: Step, deps: { github: unknown; core: unknown; context: unknown; env: Record<string, string> }): Promise<void> {
  const body = String(step.with?.script);
  const fn = new AsyncFunction("require", "github", "context", "core", "process", body);
  await fn(require, deps.github, deps.context, deps.core, { env: deps.env });
}

const repo = { owner: "pedromiravaz", repo: "homelab" };

describe("preview-comment.yml's script", () => {
  const [step] = using(load("preview-comment.yml").jobs.comment, "actions/github-script");
  const SHA = "0123456789abcdef0123456789abcdef01234567";
  const run = { head_sha: SHA, head_branch: "feature/x", head_repository: { owner: { login: "forker" } }, html_url: "https://github.com/run/1" };
  const MARKER = "<!-- homelab-plan -->";

  async function comment(plan: string | undefined, answers: Record<string, unknown>) {
    const dir = tempDir();
    const file = path.join(dir, "plan.md");
    if (plan !== undefined) fs.writeFileSync(file, plan);
    const gh = fakeGitHub(answers);
    const { core, log } = fakeCore();
    await runScript(step, { github: gh.github, core, context: { repo, payload: { workflow_run: run } }, env: { PLAN_FILE: file } });
    return { ...gh, log };
  }
  const openPr = { number: 7, head: { sha: SHA } };

  it("finds the fork's pull request by branch and commit and posts the plan once", async () => {
    const r = await comment("## Plan: `dev`\n\nPASS\n", { "pulls.list": [openPr], "issues.listComments": [] });
    expect(r.calls[0]).toEqual({ method: "pulls.list", args: { ...repo, state: "open", head: "forker:feature/x", per_page: 100 } });
    expect(r.writes()).toEqual([
      {
        method: "issues.createComment",
        args: {
          ...repo,
          issue_number: 7,
          body:
            `${MARKER}\n## Plan: \`dev\`\n\nPASS\n\n<sub>Offline plan of 0123456, from [this run](https://github.com/run/1). ` +
            "It was produced by this pull request's own code and workflow files, \nso it is not a verified check: " +
            "the pull request's `check` status and the plan gate of `deploy.yml` on main are.</sub>",
        },
      },
    ]);
  });

  it("updates its own comment instead of adding another, and leaves a person's comment alone", async () => {
    const comments = [
      { id: 1, user: { login: "forker", type: "User" }, body: `${MARKER}\nquoted by a person` },
      // Another app's bot (a fork's GitHub App, say) copying the marker is not this workflow.
      { id: 2, user: { login: "someone-elses-app[bot]", type: "Bot" }, body: `${MARKER}\nforged plan` },
      { id: 3, user: { login: "github-actions[bot]", type: "Bot" }, body: `${MARKER}\nold plan` },
    ];
    const r = await comment("new plan", { "pulls.list": [openPr], "issues.listComments": comments });
    expect(r.writes().map((c) => [c.method, c.args.comment_id])).toEqual([["issues.updateComment", 3]]);
    expect(String(r.writes()[0].args.body)).toContain("new plan");
  });

  it("posts nothing for a commit that is no longer the pull request's head", async () => {
    const r = await comment("plan", { "pulls.list": [{ number: 7, head: { sha: "f".repeat(40) } }] });
    expect(r.writes()).toEqual([]);
    expect(r.log.join("\n")).toContain("no open pull request has");
  });

  it("says so when the run left no plan", async () => {
    const r = await comment(undefined, { "pulls.list": [openPr], "issues.listComments": [] });
    expect(String(r.writes()[0].args.body)).toContain("left no plan");
  });

  it("cuts a plan longer than a comment allows at a stack boundary", async () => {
    const section = (stack: string): string => `## Plan: \`${stack}\`\n\n${"x".repeat(30000)}\n`;
    const plan = [section("dev"), section("homelab"), section("prod")].join("\n");
    const r = await comment(plan, { "pulls.list": [openPr], "issues.listComments": [] });
    const body = String(r.writes()[0].args.body);
    expect(body.length).toBeLessThanOrEqual(65536);
    expect(body).toContain("## Plan: `homelab`");
    expect(body).not.toContain("## Plan: `prod`");
    expect(body).toContain("the rest is in the run's job summary");
  });
});

describe("drift.yml's report script", () => {
  const report = load("drift.yml").jobs.report;
  const [step] = using(report, "actions/github-script");
  const TITLE = "Infrastructure drift detected";

  async function reportOn(outcomes: Record<string, string>, openIssues: unknown[]) {
    const dir = tempDir();
    for (const [stack, outcome] of Object.entries(outcomes)) fs.writeFileSync(path.join(dir, `${stack}.outcome`), `${outcome}\n`);
    const gh = fakeGitHub({ "issues.listForRepo": openIssues });
    const { core, log } = fakeCore();
    const context = { repo, serverUrl: "https://github.com", runId: 42 };
    await runScript(step, { github: gh.github, core, context, env: { ...step.env, RESULTS: dir } as Record<string, string> });
    return { ...gh, log };
  }
  const clean = { dev: "success", homelab: "success", prod: "success" };
  const existing = { number: 12, title: TITLE };

  it("does nothing when every stack is clean and no issue is open", async () => {
    const r = await reportOn(clean, []);
    expect(r.calls.map((c) => c.method)).toEqual(["issues.listForRepo"]);
    expect(r.calls[0].args).toMatchObject({ state: "open", labels: "drift" });
    expect(r.log).toEqual(["info: no drift in dev, homelab, prod"]);
  });

  it("closes the open issue once every stack is clean again", async () => {
    const r = await reportOn(clean, [existing]);
    expect(r.writes().map((c) => c.method)).toEqual(["issues.createComment", "issues.update"]);
    expect(r.writes()[1].args).toMatchObject({ issue_number: 12, state: "closed" });
  });

  it("opens one labelled issue naming the drifted and the unchecked stacks, and fails the run", async () => {
    const r = await reportOn({ dev: "success", homelab: "failure" }, []);
    expect(r.writes().map((c) => c.method)).toEqual(["issues.create"]);
    const args = r.writes()[0].args;
    expect(args).toMatchObject({ title: TITLE, labels: ["drift"] });
    expect(String(args.body)).toContain("found changes in: `homelab`.");
    // prod left no result (its job stopped early): not clean, not silently skipped.
    expect(String(args.body)).toContain("Could not be checked (the job stopped before the preview, e.g. an unreachable Docker host): `prod`.");
    expect(r.log).toEqual(["failed: drift in homelab, prod"]);
  });

  it("updates the open issue rather than opening a second one, ignoring pull requests with the same title", async () => {
    const pr = { number: 3, title: TITLE, pull_request: {} };
    const r = await reportOn({ dev: "failure", homelab: "success", prod: "skipped" }, [pr, existing]);
    expect(r.writes().map((c) => [c.method, c.args.issue_number])).toEqual([["issues.update", 12]]);
    expect(String(r.writes()[0].args.body)).toMatch(/found changes in: `dev`\.[\s\S]*Could not be checked .*: `prod`\./);
  });
});
