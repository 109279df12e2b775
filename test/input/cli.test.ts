/**
 * The command lines as a new user types them: comma lists in both commands,
 * a missing policy pack or program folder said plainly, a dry run that says
 * what the plan gate decided, and one summary line after several stacks.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runPlanCli, summaryLine, type CliIo } from "../../infra/cli/plan";
import { runPromoteCli } from "../../infra/cli/promote";
import { splitList } from "../../infra/cli/io";
import { copyFixtures, fakeGate, removeCopies } from "../promote/helpers";
import { PROJECT_DIR } from "../support/stacks";

afterEach(removeCopies);

function capture(): { io: CliIo; out: () => string; err: () => string } {
  let out = "";
  let err = "";
  return { io: { stdout: (t) => (out += t), stderr: (t) => (err += t) }, out: () => out, err: () => err };
}

const made: string[] = [];
afterAll(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe("list options take commas and repeats alike", () => {
  it("splitList", () => expect(splitList(["a,b", "c"])).toEqual(["a", "b", "c"]));

  it("plan --stack dev,nope looks for Pulumi.nope.yaml, not Pulumi.dev,nope.yaml", async () => {
    const c = capture();
    expect(await runPlanCli(["--stack", "dev,nope"], c.io)).toBe(2);
    expect(c.err()).toMatch(/^error: --stack: Pulumi\.nope\.yaml: no such stack file in .* \(stacks: dev, homelab, prod\)\n$/);
  });

  it.each([[["--services", "api,web"]], [["--services", "api", "--services", "web"]], [["--services", "api", "web"]]])("promote %j", async (args) => {
    const dir = copyFixtures(["dev", "prod"]);
    const c = capture();
    const code = await runPromoteCli(["--project-dir", dir, "--from", "dev", "--to", "prod", "--force", "--dry-run", ...args], c.io, { loadGate: async () => fakeGate().gate });
    expect(code).toBe(0);
    const changed = c.out().split("\n").filter((l) => /^ {2}\S+ +\S+ -> \S+$/.test(l)).map((l) => l.trim().split(/\s+/)[0]);
    expect(changed.sort()).toEqual(["api", "web"]);
  });
});

describe("folders that are not what they should be", () => {
  it("plan --policy-pack /nonexistent says the folder is missing", async () => {
    const c = capture();
    expect(await runPlanCli(["--stack", "dev", "--policy-pack", "/nonexistent"], c.io)).toBe(2);
    expect(c.err()).toBe("error: --policy-pack /nonexistent: no such folder\n");
  });

  it("plan --project-dir on a folder of stack files alone says the program is missing", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-proj-"));
    made.push(dir);
    fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.dev.yaml"), path.join(dir, "Pulumi.dev.yaml"));
    const c = capture();
    expect(await runPlanCli(["--stack", "dev", "--project-dir", dir], c.io)).toBe(2);
    expect(c.err()).toContain('Pulumi.yaml: main: "infra/" does not exist');
  });
});

describe("what a run concludes", () => {
  it("promote --dry-run says the plan gate passed", async () => {
    const dir = copyFixtures(["dev", "homelab"]);
    const c = capture();
    expect(await runPromoteCli(["--project-dir", dir, "--from", "dev", "--to", "homelab", "--dry-run"], c.io, { loadGate: async () => fakeGate().gate })).toBe(0);
    expect(c.out()).toContain("plan gate: passed (dev as it is and homelab with these images: no config error, no mandatory policy violation)\n");
  });

  it("plan of several stacks ends with one summary line", () => {
    const plan = (stack: string, mandatory: number, advisory: number) => ({ stack, summary: { mandatory, advisory } });
    expect(summaryLine([plan("dev", 0, 3), plan("homelab", 0, 1), plan("prod", 0, 0)])).toBe("PASS: 3 stacks planned, 0 mandatory violations, 4 advisory findings");
    expect(summaryLine([plan("dev", 2, 0), plan("prod", 1, 1)])).toBe("FAIL: 2 stacks planned, 3 mandatory violations (dev, prod), 1 advisory finding");
  });
});
