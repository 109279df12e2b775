import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { deserializeWire, secretInputNames } from "../../../policies/lib/secrets";

// The engine's secret marker, as the Pulumi SDK's runtime/rpc.ts spells it.
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";

describe("secret tracking", () => {
    it("remembers which top-level inputs arrived as secrets, and gives the rule their plain values", () => {
        const props = deserializeWire(
            Struct.fromJavaScript({
                value: { [SIG_KEY]: SECRET_SIG, value: "hunter2" },
                plain: "visible",
                nested: { inner: { [SIG_KEY]: SECRET_SIG, value: "z" } },
                asset: { [SIG_KEY]: ASSET_SIG, text: "file body" },
            }),
        );
        expect(props["value"]).toBe("hunter2");
        expect(props["plain"]).toBe("visible");
        expect([...(secretInputNames(props) ?? [])]).toEqual(["value"]);
    });

    it("knows nothing of props that did not come off the wire", () => {
        expect(secretInputNames({ value: "hunter2" })).toBeUndefined();
    });

    it("has no secret names for props without secrets", () => {
        expect([...(secretInputNames(deserializeWire(Struct.fromJavaScript({ plain: "x", n: 1 }))) ?? ["missing"])]).toEqual([]);
    });
});
