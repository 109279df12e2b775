// Mutation testing of the code that guards users: `npm run mutate` (not in CI;
// see the README's "Mutation testing" for scores and run times).
//
// MUTATE_TESTS narrows the tests Stryker runs to a comma-separated list of
// jest globs, e.g. `MUTATE_TESTS='test/policies/**/*.test.ts'`, for a partial
// run together with `--mutate`; unset, the whole suite runs.
const tests = process.env.MUTATE_TESTS?.split(",").filter((t) => t !== "");

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: "npm",
  testRunner: "jest",
  jest: {
    projectType: "custom",
    configFile: "jest.config.js",
    // jest's related-test lookup only follows imports inside its roots (test/): a file imported only by another
    // source file (policies/lib/ip.ts through a rule) would get no test at all, and every mutant of it would
    // "survive". Per-test coverage already picks the tests each mutant needs.
    enableFindRelatedTests: false,
    config: {
      // Types are the TypeScript checker's job here; compiling each test file without them is much faster.
      transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json", isolatedModules: true }] },
      ...(tests ? { testMatch: tests.map((t) => `<rootDir>/${t}`) } : {}),
    },
  },
  // The whole suite evaluates every shipped stack and starts the policy pack: minutes, not seconds.
  dryRunTimeoutMinutes: 30,
  checkers: ["typescript"],
  tsconfigFile: "tsconfig.json",
  // Only the tests that cover a mutant run against it.
  coverageAnalysis: "perTest",
  mutate: [
    "policies/**/*.ts",
    "!policies/index.ts",
    "infra/load.ts",
    "infra/validate.ts",
    "infra/parse.ts",
    "infra/checks/**/*.ts",
    "infra/stackfile.ts",
    "infra/plan/values.ts",
    "infra/promote/**/*.ts",
    "components/**/*.ts",
  ],
  // clear-text prints the score of every file at the end.
  // json lists every survivor with its file, line and replacement, for review.
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: "reports/mutation/index.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: false, reportScoreTable: true },
  // Two cores are the norm on the machines this runs on.
  concurrency: 2,
  timeoutMS: 20000,
  thresholds: { high: 85, low: 70, break: null },
  tempDirName: ".stryker-tmp",
  cleanTempDir: true,
};
