import { bool, hasUnknownItem, isUnknownValue, labelMap, list, num, rawProps, rec, records, str, strings, UNKNOWN } from "../../../policies/lib/values";

// The engine's unknown sentinels, as the Pulumi SDK's runtime/rpc.ts spells them.
const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const UNKNOWN_ARCHIVE = "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7";
const UNKNOWN_OUTPUT = "dd056dcd-154b-4c76-9bd3-c8f88648b5ff";

describe("isUnknownValue", () => {
    it("knows the engine's sentinels and nothing else", () => {
        for (const s of [UNKNOWN_STRING, UNKNOWN_ARCHIVE, UNKNOWN_OUTPUT]) expect(isUnknownValue(s)).toBe(true);
        expect(isUnknownValue(UNKNOWN_STRING.toUpperCase())).toBe(false);
        expect(isUnknownValue("")).toBe(false);
        expect(isUnknownValue(undefined)).toBe(false);
        expect(isUnknownValue({ [UNKNOWN_STRING]: 1 })).toBe(false);
    });
});

describe("rawProps", () => {
    it("reads the object behind the library's proxy, or the object itself", () => {
        const target = { image: "nginx" };
        expect(rawProps({ __getSpecialProxyTarget: target })).toBe(target);
        const plain = { image: "nginx" };
        expect(rawProps(plain)).toBe(plain);
        const odd = { __getSpecialProxyTarget: "not an object" };
        expect(rawProps(odd)).toBe(odd);
        const empty = { __getSpecialProxyTarget: null };
        expect(rawProps(empty)).toBe(empty);
    });
});

describe("typed reads", () => {
    it.each([
        ["str", str, "text", 1],
        ["bool", bool, false, "false"],
        ["num", num, 0, "0"],
        ["list", list, [], {}],
        ["rec", rec, {}, []],
    ] as const)("%s: absent is undefined, unknown and the wrong shape are UNKNOWN, the right shape is itself", (_, read, good, wrong) => {
        const r = read as (v: unknown) => unknown;
        expect(r(undefined)).toBeUndefined();
        expect(r(null)).toBeUndefined();
        expect(r(UNKNOWN_STRING)).toBe(UNKNOWN);
        expect(r(wrong)).toBe(UNKNOWN);
        expect(r(good)).toBe(good);
    });
});

describe("lists", () => {
    it("records keeps the objects of a list, and an unknown or absent list has none", () => {
        expect(records([{ a: 1 }, "x", UNKNOWN_STRING, null, [1], { b: 2 }])).toEqual([{ a: 1 }, { b: 2 }]);
        expect(records(UNKNOWN_STRING)).toEqual([]);
        expect(records(undefined)).toEqual([]);
        expect(records("not a list")).toEqual([]);
    });
    it("strings keeps the known strings of a list", () => {
        expect(strings(["a", 1, UNKNOWN_STRING, null, "b"])).toEqual(["a", "b"]);
        expect(strings(UNKNOWN_STRING)).toEqual([]);
        expect(strings(undefined)).toEqual([]);
    });
    it("hasUnknownItem is true for an unknown list, an unknown item, or a list of the wrong shape", () => {
        expect(hasUnknownItem(UNKNOWN_STRING)).toBe(true);
        expect(hasUnknownItem(["a", UNKNOWN_STRING])).toBe(true);
        expect(hasUnknownItem("x")).toBe(true);
        expect(hasUnknownItem(["a", "b"])).toBe(false);
        expect(hasUnknownItem([])).toBe(false);
        expect(hasUnknownItem(undefined)).toBe(false);
    });
});

describe("labelMap", () => {
    it("maps the provider's [{label, value}] list, skipping entries it cannot read", () => {
        const m = labelMap([
            { label: "homelab.oneshot", value: "true" },
            { label: "no-value" },
            { value: "no-label" },
            { label: UNKNOWN_STRING, value: "x" },
            { label: "unknown-value", value: UNKNOWN_STRING },
            "junk",
            { label: "b", value: "" },
        ]);
        expect([...m.entries()]).toEqual([
            ["homelab.oneshot", "true"],
            ["b", ""],
        ]);
        expect(labelMap(UNKNOWN_STRING).size).toBe(0);
    });
});
