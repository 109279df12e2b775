/**
 * Makes secretness of top-level inputs visible to rules.
 *
 * The engine sends secrets to analyzers in wire form ({"4dabf…": "1b47…", value}),
 * but @pulumi/policy 1.21 unwraps them before calling `validateResource`, so a
 * rule cannot tell `pulumi.secret("x")` from `"x"`. We wrap the library's
 * deserializer (the server looks it up on the module at call time) and remember,
 * per deserialized object, which top-level keys arrived as secrets.
 */
import { specialSecretSig as SECRET_SIG, specialSigKey as SIG_KEY } from "@pulumi/pulumi/runtime/rpc";
import { rawProps } from "./values";

/** The parts of google.protobuf.Struct we touch; kept structural so the pack needs no extra typings. */
interface WireValue {
    getStructValue(): WireStruct | undefined;
    getStringValue(): string;
}
interface WireStruct {
    getFieldsMap(): { forEach(cb: (value: WireValue, key: string) => void): void; get(key: string): WireValue | undefined };
}
type Deserialize = (struct: WireStruct, proxySecrets: boolean) => Record<string, unknown>;
interface DeserializeModule {
    deserializeProperties: Deserialize;
    homelabSecretTracking?: boolean;
}

const secretKeys = new WeakMap<object, ReadonlySet<string>>();

function isSecretWire(v: WireValue): boolean {
    const s = v.getStructValue();
    return s !== undefined && s.getFieldsMap().get(SIG_KEY)?.getStringValue() === SECRET_SIG;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const mod = require("@pulumi/policy/deserialize") as DeserializeModule;
if (!mod.homelabSecretTracking) {
    const original = mod.deserializeProperties;
    mod.deserializeProperties = (struct, proxySecrets) => {
        const result = original(struct, proxySecrets);
        const keys = new Set<string>();
        struct.getFieldsMap().forEach((v, k) => {
            if (isSecretWire(v)) keys.add(k);
        });
        secretKeys.set(result, keys);
        return result;
    };
    mod.homelabSecretTracking = true;
}

/** Top-level input names that arrived as secrets, or undefined when the props did not come off the wire. */
export function secretInputNames(props: object): ReadonlySet<string> | undefined {
    return secretKeys.get(rawProps(props));
}

/** The wrapped deserializer, for test harnesses that want to feed props exactly as the server does. */
export function deserializeWire(struct: WireStruct): Record<string, unknown> {
    return mod.deserializeProperties(struct, false);
}
