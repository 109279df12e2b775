/**
 * `npm run bench`: how long the offline plan takes, and how it grows.
 * Prints numbers and ratios; asserts nothing (timings belong here, not in tests).
 *
 *   BENCH_SIZES=10,100,1000   synthetic stack sizes (services)
 *   BENCH_POLICY_SIZE=100     synthetic size whose resources feed the policy throughput runs
 */
import { evaluateStack, type Evaluation } from "../infra/plan/evaluate";
import { evaluateForPlan, withoutStackTraces } from "../infra/plan/plan";
import { analyzerInput, PolicyRunner } from "../infra/plan/policy";
import { registerRaw } from "./raw";
import { SYNTHETIC_STACK, syntheticStackText } from "./synthetic";

const SHIPPED = ["dev", "homelab", "prod"];
const sizes = (process.env.BENCH_SIZES ?? "10,100,1000").split(",").map(Number);
const policySize = Number(process.env.BENCH_POLICY_SIZE ?? "100");

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = process.hrtime.bigint();
  const v = await fn();
  return [v, Number(process.hrtime.bigint() - t) / 1e6];
}

const ms = (n: number) => `${n.toFixed(0)} ms`;
const row = (cells: (string | number)[], widths: number[]) => cells.map((c, i) => String(c).padStart(widths[i])).join("  ");

async function main(): Promise<void> {
  console.log(`node ${process.version}, ${require("os").cpus().length} CPUs`);
  // Warm-up: module loading and first-use compilation are not plan time.
  await evaluateForPlan({ stack: "dev" });

  const runner = new PolicyRunner();
  try {
    const [, startMs] = await timed(() => runner.raw("dev"));
    console.log(`\npolicy pack start (once per CLI run): ${ms(startMs)}`);

    console.log("\n== shipped stacks: evaluate + policy (Analyze each resource + AnalyzeStack) ==");
    const w1 = [8, 10, 10, 10, 10, 11];
    console.log(row(["stack", "resources", "evaluate", "policy", "total", "violations"], w1));
    for (const stack of SHIPPED) {
      const [e, evalMs] = await timed(() => evaluateForPlan({ stack }));
      const [p, polMs] = await timed(() => runner.analyze(stack, e.model.profile.name, e.resources));
      console.log(row([stack, e.resources.length, ms(evalMs), ms(polMs), ms(evalMs + polMs), p.violations.length], w1));
    }

    console.log("\n== synthetic stacks (one host, one network, N services) ==");
    const w2 = [9, 10, 10, 12, 12, 14, 10, 9];
    console.log(row(["services", "resources", "evaluate", "ms/service", "ms/resource", "vs smallest", "raw flat", "heap MB"], w2));
    let base: number | undefined;
    const evaluations = new Map<number, Evaluation>();
    for (const n of sizes) {
      const text = syntheticStackText({ services: n });
      const [e, evalMs] = await timed(() => evaluateForPlan({ stack: SYNTHETIC_STACK, stackFileText: text }));
      const [count, rawMs] = await timed(() => withoutStackTraces(() => registerRaw(SYNTHETIC_STACK, e.resources)));
      const perSvc = evalMs / n;
      base ??= perSvc;
      if (n === policySize) evaluations.set(n, e);
      const heap = Math.round(process.memoryUsage().heapUsed / 1e6);
      console.log(
        row([n, e.resources.length, ms(evalMs), perSvc.toFixed(2), (evalMs / e.resources.length).toFixed(2), `${(perSvc / base).toFixed(2)}x/svc`, ms(rawMs), heap], w2),
      );
      console.log(`          component layer vs flat registration of the same ${count} custom resources: ${(evalMs / rawMs).toFixed(2)}x`);
    }

    console.log("\n== before the stack-trace fix: evaluateStack as is, 100 services ==");
    {
      const text = syntheticStackText({ services: 100 });
      const [, plain] = await timed(() => evaluateStack({ stack: SYNTHETIC_STACK, stackFileText: text }));
      const [, fixed] = await timed(() => evaluateForPlan({ stack: SYNTHETIC_STACK, stackFileText: text }));
      console.log(`evaluateStack: ${ms(plain)}   evaluateForPlan (stack traces off): ${ms(fixed)}   ${(plain / fixed).toFixed(1)}x`);
    }

    const e = evaluations.get(policySize) ?? (await evaluateForPlan({ stack: SYNTHETIC_STACK, stackFileText: syntheticStackText({ services: policySize }) }));
    const client = await runner.raw("dev");
    const { config } = await runner.configFor(SYNTHETIC_STACK, e.model.profile.name);
    await client.configure(config);
    const inputs = e.resources.map(analyzerInput);
    console.log(`\n== policy throughput (${inputs.length} resources of the ${policySize}-service stack) ==`);
    await client.analyzeAll(inputs.slice(0, 50), { concurrency: 8 }); // warm-up
    const runs: [string, () => Promise<unknown>][] = [
      ["Analyze, sequential (1 in flight)", () => client.analyzeAll(inputs, { concurrency: 1 })],
      ["Analyze, 8 in flight", () => client.analyzeAll(inputs, { concurrency: 8 })],
      ["Analyze, 32 in flight", () => client.analyzeAll(inputs, { concurrency: 32 })],
      ["AnalyzeStack (one call)", () => client.analyzeStack(inputs)],
    ];
    let seq: number | undefined;
    for (const [label, run] of runs) {
      const [, t] = await timed(run);
      const rate = inputs.length / (t / 1000);
      seq ??= rate;
      console.log(`${label.padEnd(36)} ${ms(t).padStart(9)}  ${rate.toFixed(0).padStart(6)} resources/s  ${(rate / seq).toFixed(2)}x`);
    }
  } finally {
    await runner.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});
