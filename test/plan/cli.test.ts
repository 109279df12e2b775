/**
 * `npm run plan`: arguments, output shapes, --out and exit codes. Most runs
 * are in-process (runPlanCli returns the exit code); a few spawn the real
 * command to check what the shell sees.
 */
import { runPlan } from "../support/planCli";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { scratchProject } from "../../bench/cli";
import type { JsonPlan } from "../../infra/plan";
import { editStack, PROJECT_DIR, stackText } from "../support/stacks";
import { allShippedSecrets } from "./secrets";

jest.setTimeout(240_000);

const plan = runPlan;

const made: string[] = [];
const tmp = (): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-plan-"));
  made.push(dir);
  return dir;
};
afterAll(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** A project folder with Pulumi.yaml, the program (linked) and the given stack files; removed after the tests. */
function project(stacks: Record<string, string>): string {
  const dir = scratchProject(stacks);
  made.push(dir);
  return dir;
}

const noStackTrace = (text: string): void => expect(text).not.toMatch(/^\s+at /m);

describe("bad arguments: exit 2, one message, nothing planned", () => {
  const cases: [string, string[], RegExp][] = [
    ["neither --stack nor --all", [], /^error: give --stack <name> or --all \(stacks: dev, homelab, prod\)$/],
    ["both --stack and --all", ["--stack", "dev", "--all"], /^error: give either --stack or --all, not both$/],
    ["an unknown stack", ["--stack", "staging"], /^error: --stack: Pulumi\.staging\.yaml: no such stack file in .* \(stacks: dev, homelab, prod\)$/],
    ["an unknown format", ["--stack", "dev", "--format", "xml"], /^error: --format xml: unknown format \(choose text, markdown, json\)$/],
    ["--out naming a folder", ["--stack", "dev", "--out", os.tmpdir()], /^error: --out .*: is a folder, not a file$/],
    ["an unknown option", ["--stack", "dev", "--bogus"], /^error: unknown option '--bogus'$/],
  ];
  test.each(cases)("%s", async (_, args, message) => {
    const r = await plan(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim()).toMatch(message);
    noStackTrace(r.stderr);
  });

  test("--out under a file: not writable, reported before planning", async () => {
    const file = path.join(tmp(), "plain");
    fs.writeFileSync(file, "x");
    const r = await plan(["--stack", "dev", "--out", path.join(file, "plan.md")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: --out .*plain\/plan\.md: .*plain is not a folder$/m);
  });

  test("every problem at once", async () => {
    const r = await plan(["--stack", "staging", "--stack", "qa", "--format", "xml", "--out", os.tmpdir()]);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split("\n");
    expect(lines[0]).toBe("error: invalid arguments (3 problems):");
    expect(lines.slice(1).map((l) => l.replace(/^ {2}- /, "").split(":")[0]).sort()).toEqual(["--format xml", `--out ${os.tmpdir()}`, "--stack"]);
    expect(r.stderr).toMatch(/Pulumi\.staging\.yaml, Pulumi\.qa\.yaml: no such stack file/);
  });

  test("config problems of every stack and policy config, together, before the pack starts", async () => {
    const dir = project({
      dev: stackText("dev"),
      homelab: stackText("homelab"),
      prod: editStack("prod", [[["homelab:services", "postgres", "port"], 70000]]),
    });
    const pack = tmp();
    fs.mkdirSync(path.join(pack, "config"));
    fs.writeFileSync(path.join(pack, "config", "dev.json"), "{ not json");
    // No PulumiPolicy.yaml: had the pack been started, the error would say so instead.
    const r = await plan(["--all", "--project-dir", dir, "--policy-pack", pack]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: invalid configuration \(3 problems\):$/m);
    expect(r.stderr).toMatch(/config\/dev\.json: .*JSON/);
    expect(r.stderr).toMatch(/config\/homelab\.json: no policy config for stack "homelab"/);
    expect(r.stderr).toMatch(/Pulumi\.prod\.yaml:\d+: homelab:services\.postgres\.port: /);
    noStackTrace(r.stderr);
  });
});

describe("help", () => {
  test("documents the JSON shapes and the exit codes", async () => {
    const r = await plan(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/json with one --stack name prints that stack's object/);
    expect(r.stdout).toMatch(/json with --all or several --stack names prints one object holding them all:\n\s+\{stacks: \[/);
    expect(r.stdout).toMatch(/^\s+2\s+invalid stack config, policy config or arguments$/m);
  });
});

describe("output", () => {
  test("--all --format json: {stacks, summary} in promotion order, written atomically to a new folder", async () => {
    const dir = tmp();
    const out = path.join(dir, "reports", "plan.json");
    fs.mkdirSync(path.dirname(out));
    fs.writeFileSync(out, "old report");
    const r = await plan(["--all", "--format", "json", "--out", out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`wrote ${out} (3 stacks, 0 mandatory violations)\n`);
    const json = JSON.parse(fs.readFileSync(out, "utf8")) as { stacks: JsonPlan[]; summary: { stacks: number; mandatory: number; advisory: number } };
    expect(Object.keys(json).sort()).toEqual(["stacks", "summary"]);
    expect(json.stacks.map((s) => s.stack)).toEqual(["dev", "homelab", "prod"]);
    expect(json.summary).toEqual({ stacks: 3, mandatory: 0, advisory: json.stacks.reduce((n, s) => n + s.violations.length, 0) });
    // The rename leaves no temporary file behind.
    expect(fs.readdirSync(path.dirname(out))).toEqual(["plan.json"]);

    const nested = path.join(dir, "a", "b", "plan.md");
    expect((await plan(["--stack", "prod", "--format", "markdown", "--out", nested])).code).toBe(0);
    expect(fs.readFileSync(nested, "utf8")).toMatch(/^## Plan: `prod`/);
  });

  test("one --stack prints that stack's object; several names print {stacks} in the order given", async () => {
    const one = await plan(["--stack", "dev", "--format", "json"]);
    expect(one.code).toBe(0);
    const obj = JSON.parse(one.stdout) as JsonPlan;
    expect(obj.stack).toBe("dev");
    expect(Array.isArray(obj.resources)).toBe(true);

    const two = await plan(["--stack", "prod", "dev", "--format", "json"]);
    expect(two.code).toBe(0);
    expect((JSON.parse(two.stdout) as { stacks: JsonPlan[] }).stacks.map((s) => s.stack)).toEqual(["prod", "dev"]);
  });
});

describe("the real command", () => {
  const tsNode = path.join(PROJECT_DIR, "node_modules", ".bin", "ts-node");
  const cli = path.join(PROJECT_DIR, "infra", "cli", "plan.ts");
  const run = (args: string[]): { code: number | null; stdout: string; stderr: string } => {
    const r = spawnSync(tsNode, ["--transpile-only", cli, ...args], { cwd: PROJECT_DIR, encoding: "utf8", timeout: 180_000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  test("a port on all interfaces is a mandatory violation: exit 1, reported in the JSON file", () => {
    const dir = project({ dev: editStack("dev", [[["homelab:services", "sentinel", "ports"], ["0.0.0.0:8080:80"]]]) });
    const out = path.join(dir, "plan.json");
    const r = run(["--stack", "dev", "--format", "json", "--out", out, "--project-dir", dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`wrote ${out} (1 stack, 1 mandatory violation)\n`);
    const json = JSON.parse(fs.readFileSync(out, "utf8")) as JsonPlan;
    expect(json.violations).toContainEqual(expect.objectContaining({ policy: "no-public-ports", level: "mandatory", urn: expect.stringContaining("sentinel-container") }));
    expect(json.endpoints).toContainEqual(expect.objectContaining({ kind: "hostPort", interface: "0.0.0.0", scope: "all-interfaces", hostPort: 8080 }));
  });

  test("invalid config: exit 2, every problem with file and key path, no stack trace, no secret", () => {
    const bad = editStack("prod", [
      [["homelab:services", "postgres", "port"], 70000],
      [["homelab:services", "cache", "bogus"], true],
    ]);
    const r = run(["--stack", "prod", "--project-dir", project({ prod: bad })]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/Pulumi\.prod\.yaml:\d+: homelab:services\.postgres\.port/);
    expect(r.stderr).toMatch(/Pulumi\.prod\.yaml:\d+: homelab:services\.cache/);
    noStackTrace(r.stderr);
    const secrets = allShippedSecrets();
    for (const s of [...secrets.ciphertexts, ...secrets.plaintexts]) expect(r.stderr).not.toContain(s);
  });

  test("bad arguments: exit 2", () => {
    const r = run(["--stack", "dev", "--all"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("error: give either --stack or --all, not both\n");
  });
});
