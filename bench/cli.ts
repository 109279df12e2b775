/**
 * The plan command end to end, as `npm run plan` runs it (a fresh process,
 * ts-node, the policy pack started from scratch), on stack files of a
 * throw-away project folder that holds this repository's program.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_DIR } from "../infra/context";

export interface CliRun {
  readonly code: number | null;
  readonly ms: number;
  readonly stderr: string;
  /** Peak resident memory of the plan process, in MB, when the platform reports it. */
  readonly maxRssMb: number | undefined;
}

/** A project folder with Pulumi.yaml, the program (linked) and the given stack files. */
export function scratchProject(stacks: Readonly<Record<string, string>>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-bench-"));
  fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  fs.symlinkSync(path.join(PROJECT_DIR, "infra"), path.join(dir, "infra"));
  for (const [stack, text] of Object.entries(stacks)) fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), text);
  return dir;
}

/** Runs `ts-node --transpile-only infra/cli/plan.ts ...args`, the command behind `npm run plan`. */
export function runPlanCli(args: readonly string[]): Promise<CliRun> {
  const tsNode = require.resolve("ts-node/dist/bin.js", { paths: [PROJECT_DIR] });
  // GNU time reports peak memory; without it the run is timed all the same.
  const time = fs.existsSync("/usr/bin/time") ? ["/usr/bin/time", "-f", "maxrss=%M"] : [];
  const argv = [...time, process.execPath, tsNode, "--transpile-only", path.join(PROJECT_DIR, "infra", "cli", "plan.ts"), ...args];
  const t = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { cwd: PROJECT_DIR, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      const rss = /maxrss=(\d+)/.exec(stderr);
      resolve({
        code,
        ms: Number(process.hrtime.bigint() - t) / 1e6,
        stderr: stderr.replace(/maxrss=\d+\n?/, "").trim(),
        maxRssMb: rss ? Math.round(Number(rss[1]) / 1024) : undefined,
      });
    });
  });
}
