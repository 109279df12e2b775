/**
 * A seeded fuzz test of stack files: the shipped stacks mutated the ways
 * people and tools break YAML (lines deleted, values of the wrong type,
 * unicode and huge strings, huge and negative numbers, keys written twice,
 * deep nesting, aliases, tabs, stray indentation, empty and binary files,
 * plain text under `secure:`). Every case goes through the plan's loading
 * path in this process; a few go through the real `npm run plan` process.
 * Each must end in a success or one clear error: exit 0, 1 or 2; no stack
 * frame, no JavaScript error name, no `secure:` value of the input and no
 * planted secret in the output, and a bounded output size.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { scratchProject } from "../../bench/cli";
import { ConfigError, formatProblem } from "../../infra/errors";
import { loadStack } from "../../infra/plan/evaluate";
import { evaluateForPlan } from "../../infra/plan/plan";
import { PROJECT_DIR, SHIPPED_STACKS, stackText } from "../support/stacks";

jest.setTimeout(120_000);

const SEED = 0x5eed12;
const CASES = 300;
/** Output size bound: a user reads it in a terminal; a 1 MB input value must not make it large. */
const MAX_OUTPUT = 16_000;

/** mulberry32: a small, well-known 32-bit PRNG; the fixed seed makes every run the same cases. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Case {
  readonly name: string;
  readonly stack: string;
  readonly text: string;
  /** Values planted under `secure:` or where a secret belongs: none may be printed. */
  readonly planted: readonly string[];
}

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const int = (r: Rand, n: number): number => Math.floor(r() * n);

const SCALARS: readonly ((r: Rand) => string)[] = [
  () => "99999999999999999999999",
  () => "-1",
  () => "-65536",
  () => "0",
  () => "1e308",
  () => "true",
  () => "null",
  () => "[]",
  () => "{}",
  () => '""',
  () => "~",
  () => '"名前 ✓ \u202e \u0301"',
  () => `"${"x".repeat(100_000)}"`,
  (r) => `"${"ünï".repeat(1 + int(r, 50))}"`,
  () => "[1, [2, [3]]]",
  () => "{a: {b: {c: d}}}",
  () => "nginx:1.27 ; rm -rf /",
  () => '" "',
  () => "0.0.0.0:80:80",
];

type Mutation = (lines: string[], r: Rand, planted: string[]) => string[];

const keyLine = (lines: readonly string[], r: Rand): number => {
  const idx = lines.map((l, i) => (/^\s+[^\s#-][^:]*:\s*\S/.test(l) ? i : -1)).filter((i) => i >= 0);
  return idx.length > 0 ? pick(r, idx) : int(r, lines.length);
};

const MUTATIONS: Readonly<Record<string, Mutation>> = {
  deleteLine: (ls, r) => ls.filter((_, i) => i !== int(r, ls.length)),
  swapValue: (ls, r) => {
    const i = keyLine(ls, r);
    return ls.map((l, j) => (j === i ? l.replace(/:\s*\S.*$/, `: ${pick(r, SCALARS)(r)}`) : l));
  },
  unicodeKey: (ls, r) => {
    const i = keyLine(ls, r);
    return ls.map((l, j) => (j === i ? l.replace(/^(\s*)[^\s:]+:/, `$1${pick(r, ["名前", "a b", "-bad", "__proto__", "x".repeat(300), "\u00e9t\u00e9"])}:`) : l));
  },
  duplicateLine: (ls, r) => {
    const i = int(r, ls.length);
    return [...ls.slice(0, i + 1), ls[i], ...ls.slice(i + 1)];
  },
  deepNesting: (ls, r) => {
    const i = keyLine(ls, r);
    const d = pick(r, [50, 200, 2000]);
    return ls.map((l, j) => (j === i ? l.replace(/:\s*\S.*$/, `: ${"[".repeat(d)}${"]".repeat(d)}`) : l));
  },
  aliasBomb: (ls) => [
    ...ls,
    "  homelab:bomb0: &a0 [1,1,1,1,1,1,1,1,1,1]",
    "  homelab:bomb1: &a1 [*a0,*a0,*a0,*a0,*a0,*a0,*a0,*a0,*a0,*a0]",
    "  homelab:bomb2: &a2 [*a1,*a1,*a1,*a1,*a1,*a1,*a1,*a1,*a1,*a1]",
    "  homelab:bomb3: [*a2,*a2,*a2,*a2,*a2,*a2,*a2,*a2,*a2,*a2]",
  ],
  alias: (ls, r) => {
    const i = keyLine(ls, r);
    return ls.map((l, j) => (j === i ? l.replace(/:\s*(\S.*)$/, ": &x $1") : l)).concat(["  homelab:copy: *x"]);
  },
  tab: (ls, r) => {
    const i = keyLine(ls, r);
    return ls.map((l, j) => (j === i ? l.replace(/^ +/, "\t") : l));
  },
  strayIndent: (ls, r) => {
    const i = keyLine(ls, r);
    return ls.map((l, j) => (j === i ? (r() < 0.5 ? ` ${l}` : l.slice(1)) : l));
  },
  truncate: (ls, r) => ls.join("\n").slice(0, int(r, ls.join("\n").length)).split("\n"),
  plainSecure: (ls, r, planted) => {
    const secret = `Plain${int(r, 1e9)}Secret`;
    planted.push(secret);
    const idx = ls.map((l, i) => (/secure:/.test(l) ? i : -1)).filter((i) => i >= 0);
    if (idx.length === 0) return ls;
    const i = pick(r, idx);
    return ls.map((l, j) => (j === i ? l.replace(/secure:.*$/, `secure: ${r() < 0.5 ? secret : `[${secret}]`}`) : l));
  },
  plainSecretEnv: (ls, r, planted) => {
    const secret = `Env${int(r, 1e9)}Secret`;
    planted.push(secret);
    const i = ls.findIndex((l) => /^ {6}image:/.test(l));
    if (i < 0) return ls;
    const entry = pick(r, [`      secretEnvironment: {TOKEN: ${secret}}`, `      environment: {DB_PASS: ${secret}}`, `      environment: {DATABASE_URL: "postgres://u:${secret}@db"}`]);
    return [...ls.slice(0, i + 1), entry, ...ls.slice(i + 1)];
  },
  refusedKey: (ls, r) => {
    const i = ls.findIndex((l) => /^ {6}image:/.test(l));
    return i < 0 ? ls : [...ls.slice(0, i + 1), `      ${pick(r, ["networkMode: host", "privileged: true", "publishAllPorts: true", "pidMode: host", "securityOpts: [x]"])}`, ...ls.slice(i + 1)];
  },
  namespaceTypo: (ls) => ls.map((l) => l.replace(/^ {2}homelab:networks:/, "  homelabs:networks:")),
};

const WHOLE_FILES: readonly ((r: Rand) => string)[] = [
  () => "",
  () => "   \n\t\n",
  (r) => Array.from({ length: 64 }, () => String.fromCharCode(int(r, 256))).join(""),
  () => "config:\n",
  () => "config: 42\n",
  () => "- a\n- b\n",
  () => "config:\n  homelab:services: []\n",
];

function generate(): Case[] {
  const r = prng(SEED);
  const bases = Object.fromEntries(SHIPPED_STACKS.map((s) => [s, stackText(s)]));
  const names = Object.keys(MUTATIONS);
  return Array.from({ length: CASES }, (_, n) => {
    const stack = pick(r, SHIPPED_STACKS);
    const planted: string[] = [];
    if (r() < 0.05) return { name: `#${n} whole file`, stack, text: pick(r, WHOLE_FILES)(r), planted };
    let lines = bases[stack].split("\n");
    const applied: string[] = [];
    for (let k = 1 + int(r, 3); k > 0; k--) {
      const m = pick(r, names);
      applied.push(m);
      lines = MUTATIONS[m](lines, r, planted);
    }
    return { name: `#${n} ${stack}: ${applied.join(", ")}`, stack, text: lines.join("\n"), planted };
  });
}

/** The `secure:` values written in a stack file text (ciphertext or not). */
function secureValuesIn(text: string): string[] {
  return [...text.matchAll(/secure:[ \t]*([^\s\]\[{},]{4,})/g)].map((m) => m[1]);
}

interface Outcome {
  readonly code: number;
  readonly output: string;
}

/** The plan's loading path, as the CLI reports it: config errors exit 2, anything else would be a bug. */
function loadAsThePlanDoes(c: Case): Outcome {
  try {
    const loaded = loadStack({ stack: c.stack, stackFileText: c.text });
    return { code: 0, output: (loaded.warnings ?? []).map((w) => `warning: ${formatProblem(w)}\n`).join("") };
  } catch (err) {
    if (err instanceof ConfigError) return { code: 2, output: `error: ${err.message}\n` };
    throw new Error(`${c.name}: unexpected ${(err as Error).name}: ${(err as Error).message}`);
  }
}

function expectClean(c: Case, out: Outcome): void {
  const where = `${c.name}\n${out.output.slice(0, 2000)}`;
  expect({ where, code: [0, 1, 2].includes(out.code) }).toEqual({ where, code: true });
  expect({ where, size: out.output.length <= MAX_OUTPUT }).toEqual({ where, size: true });
  expect({ where, frame: /^\s+at .*[:(]/m.test(out.output) }).toEqual({ where, frame: false });
  expect({ where, jsError: /\b(Type|Range|Reference|Syntax|Eval|URI|Aggregate)?Error\b|\bMaximum call stack\b/.test(out.output) }).toEqual({ where, jsError: false });
  for (const secret of [...secureValuesIn(c.text), ...c.planted]) {
    expect({ where, secret, printed: out.output.includes(secret) }).toEqual({ where, secret, printed: false });
  }
}

const cases = generate();
const seen = new Map<Case, Outcome>();
/** Each case is loaded once; the coverage check and the per-case checks share the outcome. */
const outcomeOf = (c: Case): Outcome => {
  if (!seen.has(c)) seen.set(c, loadAsThePlanDoes(c));
  return seen.get(c)!;
};

describe(`${CASES} mutated stack files (seed ${SEED.toString(16)}) through the plan's loading path`, () => {
  it("covers every mutation, both outcomes and planted secrets", () => {
    const outcomes = cases.map(outcomeOf);
    const used = new Set(cases.flatMap((c) => c.name.split(": ")[1]?.split(", ") ?? []));
    expect([...used].sort()).toEqual(Object.keys(MUTATIONS).sort());
    expect(outcomes.filter((o) => o.code === 0).length).toBeGreaterThan(5);
    expect(outcomes.filter((o) => o.code === 2).length).toBeGreaterThan(CASES / 2);
    expect(cases.filter((c) => c.planted.length > 0).length).toBeGreaterThan(10);
  });

  it.each(cases.map((c) => [c.name, c] as const))("%s", (_, c) => {
    expectClean(c, outcomeOf(c));
  });
});

describe("mutated files that load also evaluate", () => {
  // The program itself must cope with what validation lets through (odd but legal values): a few, as evaluation costs more.
  const truncated = (c: Case): number => Number(c.name.includes("truncate"));
  const loadable = cases
    .filter((c) => outcomeOf(c).code === 0 && c.text.trim() !== "")
    .sort((a, b) => truncated(a) - truncated(b))
    .slice(0, 6);
  it.each(loadable.map((c) => [c.name, c] as const))("%s", async (_, c) => {
    const evaluation = await evaluateForPlan({ stack: c.stack, stackFileText: c.text });
    expect(evaluation.resources.length).toBeGreaterThan(0);
  });
});

describe("a few through the real plan command", () => {
  const tsNode = require.resolve("ts-node/dist/bin.js", { paths: [PROJECT_DIR] });
  const cli = path.join(PROJECT_DIR, "infra", "cli", "plan.ts");
  const made: string[] = [];
  afterAll(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  // Invalid inputs stop before the policy pack starts, so each run costs one process start.
  const picked = cases.filter((c) => outcomeOf(c).code === 2).filter((_, i) => i % 40 === 0).slice(0, 1);
  const bomb = "config:\n  homelab:a: &a [1,1,1,1,1,1,1,1,1,1]\n  homelab:b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n  homelab:c: [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n";
  const special: Case[] = [
    { name: "alias bomb", stack: "dev", text: bomb, planted: [] },
    { name: "2,000-deep nesting", stack: "dev", text: `config:\n  homelab:services: ${"[".repeat(2000)}${"]".repeat(2000)}\n`, planted: [] },
  ];

  it.each([...picked, ...special].map((c) => [c.name, c] as const))("%s: exit 2, the file named, no trace", (_, c) => {
    const dir = scratchProject({ [c.stack]: c.text });
    made.push(dir);
    const r = spawnSync(process.execPath, [tsNode, "--transpile-only", cli, "--stack", c.stack, "--project-dir", dir], { cwd: PROJECT_DIR, encoding: "utf8", timeout: 60_000 });
    const out = { code: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
    expectClean(c, out);
    expect(out.code).toBe(2);
    expect(r.stderr).toContain(`Pulumi.${c.stack}.yaml`);
  });
});
