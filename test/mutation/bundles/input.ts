/**
 * The `input` group's tests loaded as one jest test file (stryker.config.mjs). Every one of them loads the
 * same config loader; as separate files, each mutant paid that load once per file, about a second each.
 * Each file runs inside its own describe block, so its hooks stay its own. Not a test of its own: jest's
 * testMatch (`*.test.ts`) never picks it up outside a mutation run.
 */
describe("test/infra/validate.test.ts", () => void require("../../infra/validate.test"));
describe("test/infra/crossChecks.test.ts", () => void require("../../infra/crossChecks.test"));
describe("test/infra/parse.test.ts", () => void require("../../infra/parse.test"));
describe("test/input/checks.test.ts", () => void require("../../input/checks.test"));
describe("test/input/stackErrors.test.ts", () => void require("../../input/stackErrors.test"));
describe("test/backups/config.test.ts", () => void require("../../backups/config.test"));
describe("test/monitoring/validate.test.ts", () => void require("../../monitoring/validate.test"));
describe("test/alerting/config.test.ts", () => void require("../../alerting/config.test"));
describe("test/ingress/validate.test.ts", () => void require("../../ingress/validate.test"));
describe("test/swarm/config.test.ts", () => void require("../../swarm/config.test"));
