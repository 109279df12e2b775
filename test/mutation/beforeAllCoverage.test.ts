/**
 * The mutation runs' jest environment (test/mutation/beforeAllCoverage.cjs): what a beforeAll hook covers
 * is handed to each test of its describe block under the name Stryker gives the test, and to no other.
 * Events are jest-circus's shapes, reduced to the fields the environment reads.
 */
import * as path from "path";

interface Block {
    readonly name: string;
    readonly parent?: Block;
}
interface Ns {
    currentTestId?: string;
    mutantCoverage?: { static: Record<string, number>; perTest: Record<string, Record<string, number>> };
}
type Attribute = (ns: Ns, event: object, testPath: string) => void;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { attribute } = require(path.join(__dirname, "beforeAllCoverage.cjs")) as { attribute: Attribute };

const FILE = "/project/test/infra/stacks.test.ts";
const ROOT: Block = { name: "ROOT_DESCRIBE_BLOCK" };
const bundle: Block = { name: "test/infra/stacks.test.ts", parent: ROOT };
const dev: Block = { name: "dev stack", parent: bundle };
const prod: Block = { name: "prod stack", parent: bundle };

/** Records as the instrumented code does: under the current test, else as static. */
function cover(ns: Ns, ...mutants: string[]): void {
    ns.mutantCoverage ??= { static: {}, perTest: {} };
    const into = ns.currentTestId === undefined ? ns.mutantCoverage.static : (ns.mutantCoverage.perTest[ns.currentTestId] ??= {});
    for (const m of mutants) into[m] = (into[m] ?? 0) + 1;
}
const hook = (parent: Block, type = "beforeAll") => ({ type, parent });
const test = (parent: Block, name: string) => ({ name, parent });

/** Stryker's own handling around ours: it names the running test after ours has run, and clears it after. */
function run(ns: Ns, events: readonly (object | (() => void))[]): void {
    for (const e of events) {
        if (typeof e === "function") {
            e();
            continue;
        }
        attribute(ns, e, FILE);
        const ev = e as { name: string; test?: { name: string; parent: Block } };
        if (ev.name === "test_start") ns.currentTestId = `${names(ev.test!.parent).join(" ")} ${ev.test!.name}`.trimStart();
        if (ev.name === "test_done") ns.currentTestId = undefined;
    }
}
function names(b: Block): string[] {
    return b.parent === undefined ? [] : [...names(b.parent), b.name];
}

describe("beforeAll coverage in mutation runs", () => {
    it("hands a hook's coverage to every test of its block, added to what the test covers itself", () => {
        const ns: Ns = {};
        const t1 = test(dev, "runs the containers the stack file asks for");
        const t2 = test(dev, "keeps volumes");
        const t3 = test(prod, "publishes no port");
        run(ns, [
            { name: "hook_start", hook: hook(dev) },
            () => cover(ns, "12", "13"),
            { name: "hook_success", hook: hook(dev) },
            () => cover(ns, "99"),
            { name: "test_start", test: t1 },
            () => cover(ns, "13", "40"),
            { name: "test_done", test: t1 },
            { name: "test_start", test: t2 },
            { name: "test_done", test: t2 },
            { name: "test_start", test: t3 },
            () => cover(ns, "50"),
            { name: "test_done", test: t3 },
            { name: "run_finish" },
        ]);
        expect(ns.mutantCoverage).toEqual({
            static: { "99": 1 },
            perTest: {
                "test/infra/stacks.test.ts dev stack runs the containers the stack file asks for": { "12": 1, "13": 2, "40": 1 },
                "test/infra/stacks.test.ts dev stack keeps volumes": { "12": 1, "13": 1 },
                "test/infra/stacks.test.ts prod stack publishes no port": { "50": 1 },
            },
        });
    });

    it("hands an outer block's hook to the tests of its inner blocks too", () => {
        const ns: Ns = {};
        const t = test(dev, "runs");
        run(ns, [
            { name: "hook_start", hook: hook(bundle) },
            () => cover(ns, "7"),
            { name: "hook_failure", hook: hook(bundle) },
            { name: "hook_start", hook: hook(dev) },
            () => cover(ns, "8"),
            { name: "hook_success", hook: hook(dev) },
            { name: "test_start", test: t },
            { name: "test_done", test: t },
            { name: "run_finish" },
        ]);
        expect(ns.mutantCoverage?.perTest).toEqual({ "test/infra/stacks.test.ts dev stack runs": { "7": 1, "8": 1 } });
    });

    it("leaves beforeEach hooks and everything outside hooks to Stryker", () => {
        const ns: Ns = {};
        run(ns, [{ name: "hook_start", hook: hook(dev, "beforeEach") }]);
        expect(ns.currentTestId).toBeUndefined();
        run(ns, [{ name: "hook_start", hook: hook(dev) }]);
        expect(ns.currentTestId).toBe('beforeAll hook of /project/test/infra/stacks.test.ts: ["test/infra/stacks.test.ts","dev stack"]');
        run(ns, [{ name: "hook_success", hook: hook(dev, "afterAll") }]);
        expect(ns.currentTestId).toBeDefined();
        run(ns, [{ name: "hook_success", hook: hook(dev) }]);
        expect(ns.currentTestId).toBeUndefined();
    });

    it("keeps another file's hook coverage until that file finishes", () => {
        const ns: Ns = { mutantCoverage: { static: {}, perTest: { 'beforeAll hook of /project/test/other.test.ts: ["x"]': { "3": 1 } } } };
        run(ns, [{ name: "run_finish" }]);
        expect(Object.keys(ns.mutantCoverage!.perTest)).toEqual(['beforeAll hook of /project/test/other.test.ts: ["x"]']);
    });
});
