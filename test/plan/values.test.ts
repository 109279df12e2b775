/**
 * What the plan's value display shows a reader, checked on literal wire
 * values: the engine's secret marker, its unknown marker, and `secure:`
 * ciphertext that reached a value by mistake.
 */
import { displayInputs, displayValue, isSecretWire, knownString, providerUrn } from "../../infra/plan/values";

// A `secure:` value copied from Pulumi.dev.yaml (commander's DATABASE_PASSWORD).
const CIPHERTEXT = "v1:ieEp/i3m7b9TeL7+:mFUel5b70J4O7N0nz4lLQ+noiJ496NFNYXqmTwziF5+IZWOHafOoN43BGJ40krM=";
// The engine's markers, as the Pulumi SDK's runtime/rpc.ts spells them.
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

describe("displayValue", () => {
  it("masks secure: ciphertext wherever it sits", () => {
    expect(displayValue(CIPHERTEXT)).toBe("[secret]");
    expect(displayInputs({ envs: [`DATABASE_PASSWORD=x`, CIPHERTEXT], labels: { token: CIPHERTEXT } })).toEqual({
      envs: ["DATABASE_PASSWORD=x", "[secret]"],
      labels: { token: "[secret]" },
    });
  });

  it("shows text that only resembles ciphertext as written", () => {
    expect(displayValue("v1:short:text")).toBe("v1:short:text");
    expect(displayValue(`image v1:${"a".repeat(12)}:${"b".repeat(12)}`)).toBe(`image v1:${"a".repeat(12)}:${"b".repeat(12)}`);
  });

  it("masks a secret marker whatever it holds", () => {
    expect(displayValue({ [SECRET_SIG]: SECRET_VALUE, value: "hunter2" })).toBe("[secret]");
    expect(displayValue({ [SECRET_SIG]: SECRET_VALUE, value: UNKNOWN })).toBe("[secret]");
  });

  it("shows unknown values, alone or inside text, as known after deploy", () => {
    expect(displayValue(UNKNOWN)).toBe("(known after deploy)");
    expect(displayValue(`http://${UNKNOWN}:8000`)).toBe("http://(known after deploy):8000");
  });

  it("keeps plain values and drops absent keys", () => {
    expect(displayInputs({ name: "commander", port: 8000, enabled: true, nothing: null, absent: undefined })).toEqual({
      name: "commander",
      port: 8000,
      enabled: true,
      nothing: null,
    });
  });

  it("masks ciphertext of the shortest length Pulumi writes, and nothing shorter or longer than the whole text", () => {
    expect(displayValue(`v1:${"a".repeat(8)}:${"b".repeat(8)}`)).toBe("[secret]");
    expect(displayValue(`v1:${"a".repeat(7)}:${"b".repeat(8)}`)).toBe(`v1:${"a".repeat(7)}:${"b".repeat(8)}`);
    expect(displayValue(`v1:${"a".repeat(8)}:${"b".repeat(7)}`)).toBe(`v1:${"a".repeat(8)}:${"b".repeat(7)}`);
    expect(displayValue(`${CIPHERTEXT} (copied)`)).toBe(`${CIPHERTEXT} (copied)`);
    expect(displayValue(`v2:${"a".repeat(8)}:${"b".repeat(8)}`)).toBe(`v2:${"a".repeat(8)}:${"b".repeat(8)}`);
  });

  it("shows an object that only looks like the secret marker as the object it is", () => {
    expect(isSecretWire({ [SECRET_SIG]: "something else", value: "x" })).toBe(false);
    expect(isSecretWire(null)).toBe(false);
    expect(isSecretWire([SECRET_SIG])).toBe(false);
    expect(isSecretWire("text")).toBe(false);
    // Only a plain object is the marker: a list or a function carrying the same key is not.
    expect(isSecretWire(Object.assign([], { [SECRET_SIG]: SECRET_VALUE }))).toBe(false);
    expect(isSecretWire(Object.assign(() => "x", { [SECRET_SIG]: SECRET_VALUE }))).toBe(false);
    expect(displayValue({ [SECRET_SIG]: "something else", value: "x" })).toEqual({ [SECRET_SIG]: "something else", value: "x" });
  });

  it("shows an absent value as null, also inside a list", () => {
    expect(displayValue(undefined)).toBeNull();
    expect(displayValue(null)).toBeNull();
    expect(displayValue([1, undefined, null])).toEqual([1, null, null]);
  });

  it("goes into nested lists and objects", () => {
    expect(displayValue([[UNKNOWN, 1], { a: [{ [SECRET_SIG]: SECRET_VALUE, value: "p" }] }])).toEqual([["(known after deploy)", 1], { a: ["[secret]"] }]);
  });

  it("prints other values as text, and an input list that is not an object as no inputs", () => {
    expect(displayValue(BigInt(7))).toBe("7");
    expect(displayInputs(["a"] as unknown as Record<string, unknown>)).toEqual({});
    expect(displayInputs("text" as unknown as Record<string, unknown>)).toEqual({});
    expect(displayInputs(null as unknown as Record<string, unknown>)).toEqual({});
    expect(displayInputs(undefined as unknown as Record<string, unknown>)).toEqual({});
  });
});

describe("knownString", () => {
  it("gives plain text, and nothing for unknown, partly unknown or non-text values", () => {
    expect(knownString("commander")).toBe("commander");
    expect(knownString("")).toBe("");
    expect(knownString(UNKNOWN)).toBeUndefined();
    expect(knownString(`http://${UNKNOWN}`)).toBeUndefined();
    expect(knownString(8000)).toBeUndefined();
    expect(knownString(undefined)).toBeUndefined();
  });
});

describe("providerUrn", () => {
  const urn = "urn:pulumi:dev::homelab::pulumi:providers:docker::homelab-server";
  it("drops the provider's id from a reference", () => {
    expect(providerUrn(`${urn}::2b7e9c1d-0000-4000-8000-000000000000`)).toBe(urn);
    expect(providerUrn(`${urn}::${UNKNOWN}`)).toBe(urn);
  });
  it("keeps a reference without an id, and has nothing for none", () => {
    expect(providerUrn(urn)).toBe(urn);
    expect(providerUrn(undefined)).toBeUndefined();
    expect(providerUrn("")).toBeUndefined();
  });
});
