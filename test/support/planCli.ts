/** The plan command run in-process, its output captured: what a user's terminal would show. */
import { runPlanCli, type CliIo } from "../../infra/cli/plan";

export interface PlanRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runPlan(args: readonly string[]): Promise<PlanRun> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) };
  const code = await runPlanCli(args, io);
  return { code, stdout, stderr };
}
