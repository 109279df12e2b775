/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json", isolatedModules: false }] },
  testTimeout: 60000,
  // Many suites wait on child processes (the plan CLI, promtool, restic, Chromium): two workers keep both cores busy.
  maxWorkers: 2,
};
