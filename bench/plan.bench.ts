/**
 * `npm run bench`: how long the offline plan takes, and how it grows.
 * Prints numbers and ratios; asserts nothing (timings belong here, not in tests).
 *
 *   BENCH_SIZES=10,100,1000   synthetic stack sizes (services)
 *   BENCH_POLICY_SIZE=100     synthetic size whose resources feed the policy throughput runs
 *   BENCH_CLI=0               skip the end-to-end runs of the command
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { evaluateStack } from "../infra/plan/evaluate";
import { assemblePlan, evaluateForPlan, withoutRuntimeDiagnostics, type StackPlan } from "../infra/plan/plan";
import { analyzerInput, PolicyRunner } from "../infra/plan/policy";
import { FORMATS, render } from "../infra/plan/render";
import { runPlanCli, scratchProject } from "./cli";
import { fixed, ms, ratio, stopGc, table, timed, trackGc } from "./measure";
import { registerRaw } from "./raw";
import { SYNTHETIC_STACK, syntheticStackText } from "./synthetic";

const SHIPPED = ["dev", "homelab", "prod"];
const sizes = (process.env.BENCH_SIZES ?? "10,100,1000").split(",").map(Number);
const policySize = Number(process.env.BENCH_POLICY_SIZE ?? "100");
const cli = process.env.BENCH_CLI !== "0";

/** Renders the plan in every format, as three CLI runs would. */
async function renderAll(plan: StackPlan): Promise<number> {
  return FORMATS.reduce((n, f) => n + render([plan], f, false).length, 0);
}

async function shipped(runner: PolicyRunner): Promise<void> {
  console.log("\n== shipped stacks: one plan each (pack already running) ==");
  const rows: (string | number)[][] = [];
  for (const stack of SHIPPED) {
    const e = await timed(() => evaluateForPlan({ stack }));
    const p = await timed(() => runner.analyze(stack, e.value.model.profile.name, e.value.resources));
    const r = await timed(() => renderAll(assemblePlan(e.value, p.value)));
    const mandatory = p.value.violations.filter((v) => v.level === "mandatory").length;
    rows.push([stack, e.value.resources.length, ms(e.ms), ms(p.ms), ms(r.ms / FORMATS.length), ms(e.ms + p.ms + r.ms / FORMATS.length), `${p.value.violations.length} (${mandatory})`]);
  }
  console.log(table(["stack", "resources", "evaluate", "policy", "render/format", "plan", "violations (mandatory)"], rows));
}

async function synthetic(runner: PolicyRunner): Promise<void> {
  console.log("\n== synthetic stacks: the homelab stack with N generated services on one host and one network ==");
  const plans: (string | number)[][] = [];
  const layer: (string | number)[][] = [];
  let prev: { n: number; ms: number } | undefined;
  let first: number | undefined;
  const marginals: number[] = [];
  for (const n of sizes) {
    const text = syntheticStackText({ services: n });
    const e = await timed(() => evaluateForPlan({ stack: SYNTHETIC_STACK, stackFileText: text }));
    const p = await timed(() => runner.analyze(SYNTHETIC_STACK, e.value.model.profile.name, e.value.resources));
    const r = await timed(() => renderAll(assemblePlan(e.value, p.value)));
    const raw = await timed(() => withoutRuntimeDiagnostics(() => registerRaw(SYNTHETIC_STACK, e.value.resources)));
    const total = e.ms + p.ms + r.ms / FORMATS.length;
    const perService = total / n;
    first ??= perService;
    // The cost of each service added since the previous size: constant when growth is linear.
    if (prev) marginals.push((total - prev.ms) / (n - prev.n));
    const marginal = prev ? fixed(marginals[marginals.length - 1]) : "-";
    plans.push([n, e.value.resources.length, ms(e.ms), ms(e.gcMs), ms(p.ms), ms(r.ms / FORMATS.length), ms(total), fixed(perService), marginal, ratio(perService / first)]);
    const custom = e.value.resources.filter((x) => x.custom).length;
    layer.push([n, custom, ms(e.ms), ms(raw.ms), ratio(e.ms / raw.ms), fixed(e.ms / custom), fixed(raw.ms / custom), fixed((e.ms - e.gcMs) / custom), fixed((raw.ms - raw.gcMs) / custom)]);
    prev = { n, ms: total };
  }
  console.log(table(["services", "resources", "evaluate", "of it GC", "policy", "render/format", "plan", "ms/service", "marginal ms/svc", "ms/svc vs first"], plans));
  if (marginals.length >= 2) {
    const [a, b] = marginals.slice(-2);
    console.log(`growth: each service added costs ${fixed(b)} ms at the largest size against ${fixed(a)} ms before it (${ratio(b / a)}; 1.00x is linear)`);
  }
  console.log("\ncomponent layer: the program against the same custom resources registered flat (no components, parents or model)");
  console.log(table(["services", "custom", "program", "flat", "program/flat", "ms/res program", "ms/res flat", "excl. GC program", "excl. GC flat"], layer));
}

async function stackTraces(): Promise<void> {
  const n = 100;
  const text = syntheticStackText({ services: n });
  const on = await timed(() => evaluateStack({ stack: SYNTHETIC_STACK, stackFileText: text }));
  const off = await timed(() => evaluateForPlan({ stack: SYNTHETIC_STACK, stackFileText: text }));
  console.log(`\n== Pulumi's promise-leak diagnostics (tracking and stack traces), ${n} services ==`);
  console.log(`on (evaluateStack as is): ${ms(on.ms)}   off (evaluateForPlan): ${ms(off.ms)}   ${ratio(on.ms / off.ms)}`);
}

async function throughput(runner: PolicyRunner): Promise<void> {
  const e = await evaluateForPlan({ stack: SYNTHETIC_STACK, stackFileText: syntheticStackText({ services: policySize }) });
  const client = await runner.start(SYNTHETIC_STACK);
  const { config } = await runner.configFor(SYNTHETIC_STACK, e.model.profile.name);
  await client.configure(config);
  const inputs = e.resources.map(analyzerInput);
  await client.analyzeAll(inputs.slice(0, 50), { concurrency: 8 }); // warm-up
  const runs: [string, () => Promise<unknown>][] = [
    ["Analyze, sequential (1 in flight)", () => client.analyzeAll(inputs, { concurrency: 1 })],
    ["Analyze, 8 in flight", () => client.analyzeAll(inputs, { concurrency: 8 })],
    ["Analyze, 16 in flight", () => client.analyzeAll(inputs, { concurrency: 16 })],
    ["Analyze, 32 in flight (the plan's setting)", () => client.analyzeAll(inputs, { concurrency: 32 })],
    ["Analyze, 64 in flight", () => client.analyzeAll(inputs, { concurrency: 64 })],
    ["AnalyzeStack, one call (stack policies only)", () => client.analyzeStack(inputs)],
    ["the plan: Analyze x32 alongside AnalyzeStack", () => runner.analyze(SYNTHETIC_STACK, e.model.profile.name, e.resources)],
  ];
  const rows: (string | number)[][] = [];
  let sequential: number | undefined;
  for (const [label, run] of runs) {
    // Best of three: a run this short is easily slowed by anything else on the machine.
    const t = { ms: Infinity };
    for (let i = 0; i < 3; i++) t.ms = Math.min(t.ms, (await timed(run)).ms);
    const rate = inputs.length / (t.ms / 1000);
    sequential ??= rate;
    rows.push([label, ms(t.ms), rate.toFixed(0), ratio(rate / sequential)]);
  }
  console.log(`\n== policy throughput: ${inputs.length} resources of the ${policySize}-service stack, best of 3 ==`);
  console.log(table(["run", "time", "resources/s", "vs sequential"], rows));
}

async function endToEnd(): Promise<void> {
  const n = Math.max(...sizes);
  const dir = scratchProject({ [SYNTHETIC_STACK]: syntheticStackText({ services: n }) });
  try {
    const out = path.join(dir, "plan.out");
    const runs: [string, string[]][] = [
      ["npm run plan -- --all (shipped stacks, text)", ["--all", "--out", out]],
      ["npm run plan -- --all --format markdown", ["--all", "--format", "markdown", "--out", out]],
      [`npm run plan -- --stack ${SYNTHETIC_STACK} (${n} services, json)`, ["--stack", SYNTHETIC_STACK, "--project-dir", dir, "--format", "json", "--out", out]],
    ];
    const rows: (string | number)[][] = [];
    for (const [label, args] of runs) {
      const r = await runPlanCli(args);
      if (r.code !== 0) console.log(`${label}: exit ${r.code}\n${r.stderr}`);
      rows.push([label, ms(r.ms), r.code ?? "signal", r.maxRssMb === undefined ? "-" : `${r.maxRssMb} MB`]);
    }
    console.log("\n== the command end to end: a fresh process, ts-node, policy pack start, plan, write ==");
    console.log(table(["command", "wall", "exit", "peak RSS"], rows));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const load = os.loadavg().map((l) => l.toFixed(2)).join(" ");
  console.log(`node ${process.version}, ${os.cpus().length} CPUs, load average ${load} (other work on the machine skews every number)`);
  trackGc();
  // Warm-up: module loading and first-use compilation are not plan time.
  await evaluateForPlan({ stack: "dev" });
  const runner = new PolicyRunner();
  try {
    const start = await timed(() => runner.start("dev"));
    console.log(`policy pack start (once per command; overlaps evaluation): ${ms(start.ms)}`);
    await shipped(runner);
    await synthetic(runner);
    await stackTraces();
    await throughput(runner);
  } finally {
    await runner.close();
    stopGc();
  }
  if (cli) await endToEnd();
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});
