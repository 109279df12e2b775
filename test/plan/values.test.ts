/**
 * What the plan's value display shows a reader, checked on literal wire
 * values: the engine's secret marker, its unknown marker, and `secure:`
 * ciphertext that reached a value by mistake.
 */
import { displayInputs, displayValue } from "../../infra/plan/values";

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
});
