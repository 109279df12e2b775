// Mutation testing of the code that guards users: `npm run mutate` (not in CI;
// see the README's "Mutation testing" for scores and run times).
//
// MUTATE_GROUP runs one part, each with the tests written for it (the groups
// below); unset, every file is mutated and the whole suite is available.
// MUTATE_TESTS overrides the tests with a comma-separated list of jest globs,
// e.g. `MUTATE_TESTS='test/policies/**/*.test.ts'`, and `--mutate` the files.
//
// A group with a `bundle` runs its tests as that one jest file (test/mutation/bundles/), which requires each
// of `tests`: jest loads the modules once per mutant instead of once per test file. That pays off when the
// files all load the same heavy modules (the config loader); it does not for the rules, where a mutant
// needs one rule's file and a bundle would load all 22 (and their snapshots belong to their own files).
export const groups = {
  // Each rule with its own tests, the metadata snapshot and the harness.
  rules: {
    mutate: ["policies/rules/**/*.ts", "policies/policies.ts"],
    tests: ["test/policies/**/*.test.ts"],
  },
  // The rules' shared library with its own tests (test/policies/lib: literal addresses, image references,
  // wire values, service views), the harness's and the Swarm service view's. A library mutant is rerun
  // against every test file that imports it; with all the rule suites as well, a run takes hours.
  lib: {
    mutate: ["policies/lib/**/*.ts"],
    tests: ["test/policies/lib/*.test.ts", "test/policies/harness.test.ts", "test/policies/swarmService.test.ts"],
  },
  // Config validation and the shared name, image and secret checks. The seeded fuzz test and the CLI
  // suites are left out: the fuzz test asserts only "one clean error", and the CLIs run in child
  // processes, where no mutant is active.
  input: {
    mutate: ["infra/load.ts", "infra/validate.ts", "infra/parse.ts", "infra/checks/**/*.ts"],
    bundle: "test/mutation/bundles/input.ts",
    tests: [
      "test/infra/validate.test.ts",
      "test/infra/crossChecks.test.ts",
      "test/infra/parse.test.ts",
      "test/input/checks.test.ts",
      "test/input/stackErrors.test.ts",
      "test/backups/config.test.ts",
      "test/monitoring/validate.test.ts",
      "test/alerting/config.test.ts",
      "test/ingress/validate.test.ts",
      "test/swarm/config.test.ts",
    ],
  },
  // The stack-file writer, secret display and promotion, with their own tests.
  stackfile: {
    mutate: ["infra/stackfile.ts", "infra/plan/values.ts", "infra/promote/**/*.ts"],
    tests: ["test/stackfile/*.test.ts", "test/plan/values.test.ts", "test/promote/promote.test.ts", "test/promote/status.test.ts"],
  },
  // The components, each built on its own under the mock runtime (test/components/) plus the ingress
  // components with real ids. The stack suites also check components, but they evaluate whole stacks,
  // minutes per mutant on two cores: a mutant they alone would catch is counted as survived here.
  components: {
    mutate: ["components/**/*.ts"],
    bundle: "test/mutation/bundles/components.ts",
    tests: ["test/components/*.test.ts", "test/ingress/components.test.ts"],
  },
};
const groupName = process.env.MUTATE_GROUP === "" ? undefined : process.env.MUTATE_GROUP;
if (groupName !== undefined && !(groupName in groups)) {
  throw new Error(`MUTATE_GROUP must be one of ${Object.keys(groups).join(", ")}; got ${groupName}`);
}
const group = groupName === undefined ? undefined : groups[groupName];
const tests = process.env.MUTATE_TESTS?.split(",").filter((t) => t !== "") ?? (group?.bundle === undefined ? group?.tests : [group.bundle]);
const report = `reports/mutation/${groupName ?? "all"}`;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: "npm",
  testRunner: "jest",
  jest: {
    projectType: "custom",
    configFile: "jest.config.js",
    // For each mutant jest loads only the test files that import the mutated file, directly or through
    // other source files (without it, every mutant would load every selected test file; per-test
    // coverage only filters the tests by name once they are loaded). jest follows imports only
    // through files under its roots, so the source folders are roots here; testMatch still picks
    // the tests from test/ alone.
    enableFindRelatedTests: true,
    config: {
      roots: ["<rootDir>/test", "<rootDir>/policies", "<rootDir>/infra", "<rootDir>/components", "<rootDir>/stacks"],
      // Counts what a beforeAll hook runs as run by the tests of its describe block (the file says why).
      // Stryker loads it relative to the project, in place of jest's node environment.
      testEnvironment: "./test/mutation/beforeAllCoverage.cjs",
      // A missing snapshot fails instead of being written: a mutant must not pass by recording itself.
      ci: true,
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
  // A static mutant (a module-level constant: a rule's metadata, an allow-list) is covered by every test
  // that loads its module, so each one reruns all of them. They are left out of the score (reported as
  // ignored); the constants users read are pinned by literal tests (test/policies/metadata.test.ts).
  ignoreStatic: true,
  mutate: group?.mutate ?? [
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
  htmlReporter: { fileName: `${report}.html` },
  jsonReporter: { fileName: `${report}.json` },
  // A rerun retests only mutants whose code or covering tests changed since the last run of the same group
  // (`--force` retests all).
  incremental: true,
  incrementalFile: `${report}.incremental.json`,
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: false, reportScoreTable: true },
  // Two cores are the norm on the machines this runs on.
  concurrency: 2,
  timeoutMS: 20000,
  thresholds: { high: 85, low: 70, break: null },
  tempDirName: ".stryker-tmp",
  cleanTempDir: true,
};
