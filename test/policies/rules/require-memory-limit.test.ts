import { requireMemoryLimit } from "../../../policies/rules/require-memory-limit";
import { compliantContainer, describeCases, T, UNKNOWN_VALUE } from "../harness";

describe("require-memory-limit", () => {
    describeCases(requireMemoryLimit, T.container, compliantContainer, {
        fail: [["memory omitted", { memory: undefined }, "memory is not limited."], ["memory 0 (unlimited)", { memory: 0 }, "memory is not limited."]],
        pass: [["memory 1024", { memory: 1024 }], ["memory unknown", { memory: UNKNOWN_VALUE }]],
    });
});
