/**
 * The `components` group's tests loaded as one jest test file (stryker.config.mjs): each builds components
 * directly under the mock runtime in milliseconds, but loading the Pulumi SDK and the providers takes
 * seconds a file, and a HomelabService mutant reaches most of them. Each file runs inside its own describe
 * block, so its hooks (the recordings, the mocks it sets) stay its own. Not a test of its own: jest's
 * testMatch (`*.test.ts`) never picks it up outside a mutation run.
 */
describe("test/components/accessApplication.test.ts", () => void require("../../components/accessApplication.test"));
describe("test/components/backupRunner.test.ts", () => void require("../../components/backupRunner.test"));
describe("test/components/cloudflareTunnel.test.ts", () => void require("../../components/cloudflareTunnel.test"));
describe("test/components/dockerHost.test.ts", () => void require("../../components/dockerHost.test"));
describe("test/components/ghcrRepoSecret.test.ts", () => void require("../../components/ghcrRepoSecret.test"));
describe("test/components/homelabNetwork.test.ts", () => void require("../../components/homelabNetwork.test"));
describe("test/components/homelabService.test.ts", () => void require("../../components/homelabService.test"));
describe("test/components/monitoring.test.ts", () => void require("../../components/monitoring.test"));
describe("test/components/swarmFiles.test.ts", () => void require("../../components/swarmFiles.test"));
describe("test/components/swarmMonitoring.test.ts", () => void require("../../components/swarmMonitoring.test"));
describe("test/components/swarmNetwork.test.ts", () => void require("../../components/swarmNetwork.test"));
describe("test/components/swarmService.test.ts", () => void require("../../components/swarmService.test"));
describe("test/components/tunnelRoute.test.ts", () => void require("../../components/tunnelRoute.test"));
describe("test/components/watchtower.test.ts", () => void require("../../components/watchtower.test"));
describe("test/ingress/components.test.ts", () => void require("../../ingress/components.test"));
