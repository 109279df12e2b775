/** The harness itself: an asynchronous rule must not pass by reporting after the test has read the result. */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { compliantContainer, runResource, runStack, T } from "./harness";

describe("policy harness", () => {
    test("refuses a resource rule that returns a promise instead of passing it", () => {
        const asyncRule: ResourceValidationPolicy = {
            name: "late-reporter",
            description: "reports after a tick",
            validateResource: async (_args, report) => {
                await Promise.resolve();
                report("too late");
            },
        };
        expect(() => runResource(asyncRule, T.container, compliantContainer())).toThrow("policy late-reporter returned a promise");
    });

    test("refuses a stack rule that returns a promise instead of passing it", () => {
        const asyncRule: StackValidationPolicy = {
            name: "late-stack-reporter",
            description: "reports after a tick",
            validateStack: async (_args, report) => {
                await Promise.resolve();
                report("too late");
            },
        };
        expect(() => runStack(asyncRule, [])).toThrow("policy late-stack-reporter returned a promise");
    });

    test("returns what a synchronous rule reports", () => {
        const syncRule: ResourceValidationPolicy = { name: "now", description: "reports at once", validateResource: (_args, report) => report("at once") };
        expect(runResource(syncRule, T.container, compliantContainer())).toEqual(["at once"]);
    });
});
