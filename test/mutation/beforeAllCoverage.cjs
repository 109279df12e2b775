/**
 * jest's node environment for mutation runs (stryker.config.mjs), with one change to Stryker's per-test
 * coverage: code a `beforeAll` hook runs counts as run by every test of that hook's describe block.
 *
 * Stryker records coverage under the running test's name and, outside any test, as "static". A suite that
 * evaluates the shipped stacks once in `beforeAll` and then asserts on them in many tests would leave each
 * component mutant static: with `ignoreStatic` it is ignored (not scored), without it every test of the
 * group reruns for it. Here the hook's coverage is recorded under its describe block and handed to each of
 * its tests as they start, so a mutant runs with exactly the tests that read what the hook built, and the
 * hook runs again with the mutant active.
 */
"use strict";
const { TestEnvironment } = require("jest-environment-node");

const HOOK_PREFIX = "beforeAll hook of ";

/** The describe names from the outermost down, as Stryker joins them into a test's name. */
function describePath(block) {
    const names = [];
    for (let b = block; b && b.parent; b = b.parent) names.unshift(b.name);
    return names;
}

/** The name Stryker records a test's coverage under (its describe names and its own, space-separated). */
function testName(test) {
    return [...describePath(test.parent), test.name].join(" ").trimStart();
}

function hookKey(testPath, block) {
    return `${HOOK_PREFIX}${testPath}: ${JSON.stringify(describePath(block))}`;
}

/**
 * Applies one jest-circus event to Stryker's instrumenter state `ns` (the `__stryker__` global): a
 * `beforeAll` hook records under its block's key; a starting test gets the coverage of every enclosing
 * block's hooks; at the end of the file the hook keys go, so Stryker sees only real tests.
 */
function attribute(ns, event, testPath) {
    const perTest = ns.mutantCoverage?.perTest;
    if (event.name === "hook_start" && event.hook.type === "beforeAll") {
        ns.currentTestId = hookKey(testPath, event.hook.parent);
    } else if ((event.name === "hook_success" || event.name === "hook_failure") && event.hook.type === "beforeAll") {
        ns.currentTestId = undefined;
    } else if (event.name === "test_start" && perTest !== undefined) {
        const own = (perTest[testName(event.test)] ??= {});
        for (let b = event.test.parent; b; b = b.parent) {
            for (const [mutant, hits] of Object.entries(perTest[hookKey(testPath, b)] ?? {})) own[mutant] = (own[mutant] ?? 0) + hits;
        }
    } else if (event.name === "run_finish" && perTest !== undefined) {
        for (const key of Object.keys(perTest)) if (key.startsWith(`${HOOK_PREFIX}${testPath}: `)) delete perTest[key];
    }
}

class BeforeAllCoverageEnvironment extends TestEnvironment {
    constructor(config, context) {
        super(config, context);
        this.testPath = context.testPath;
    }

    async handleTestEvent(event, state) {
        await super.handleTestEvent?.(event, state);
        const ns = this.global[this.global.__strykerGlobalNamespace__ ?? "__stryker__"];
        if (ns !== undefined) attribute(ns, event, this.testPath);
    }
}

module.exports = BeforeAllCoverageEnvironment;
module.exports.attribute = attribute;
module.exports.testName = testName;
