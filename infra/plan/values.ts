/**
 * Turns the engine's wire form into what a reader may see: secrets become
 * "[secret]" whatever they hold, values known only after deployment become
 * "(known after deploy)". Nothing is invented and nothing secret leaks.
 */
import { SECRET_PLACEHOLDER } from "../context";
import { SECRET_SIG, UNKNOWN } from "./evaluate";

export const SECRET_TEXT = SECRET_PLACEHOLDER;
export const UNKNOWN_TEXT = "(known after deploy)";

/** The value half of the engine's secret marker: `{[SECRET_SIG]: SECRET_VALUE_SIG, value}`. */
const SECRET_VALUE_SIG = "1b47061264138c4ac30d75fd1eb44270";

/**
 * `secure:` ciphertext as Pulumi writes it (`v1:<nonce>:<data>`). The plan
 * never decrypts, so such text can only reach a value by mistake; it is
 * masked anyway, as a second line of defence.
 */
const CIPHERTEXT = /^v1:[A-Za-z0-9+/=]{8,}:[A-Za-z0-9+/=]{8,}$/;

export type DisplayValue = null | boolean | number | string | DisplayValue[] | { [key: string]: DisplayValue };

export function isSecretWire(v: unknown): boolean {
  return typeof v === "object" && v !== null && !Array.isArray(v) && (v as Record<string, unknown>)[SECRET_SIG] === SECRET_VALUE_SIG;
}

/** A wire value made safe to print. */
export function displayValue(v: unknown): DisplayValue {
  if (v === undefined || v === null) return null;
  if (typeof v === "string") {
    if (CIPHERTEXT.test(v)) return SECRET_TEXT;
    // The marker alone becomes UNKNOWN_TEXT here too; an interpolation with an unknown part is unknown as a
    // whole on the wire, but be safe.
    return v.includes(UNKNOWN) ? v.split(UNKNOWN).join(UNKNOWN_TEXT) : v;
  }
  if (typeof v === "number" || typeof v === "boolean") return v;
  if (Array.isArray(v)) return v.map(displayValue);
  if (typeof v === "object") {
    // A secret stays a secret even when its value is unknown: the reader learns nothing.
    if (isSecretWire(v)) return SECRET_TEXT;
    const out: { [key: string]: DisplayValue } = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (x !== undefined) out[k] = displayValue(x);
    }
    return out;
  }
  return String(v);
}

export function displayInputs(inputs: Readonly<Record<string, unknown>>): { [key: string]: DisplayValue } {
  const out = displayValue(inputs);
  return typeof out === "object" && out !== null && !Array.isArray(out) ? out : {};
}

/** A wire value's plain string, or undefined when it is unknown, secret or not a string. */
export function knownString(v: unknown): string | undefined {
  return typeof v === "string" && !v.includes(UNKNOWN) ? v : undefined;
}

/** A provider reference `urn::id` without its id (which is unknown before deployment). */
export function providerUrn(ref: string | undefined): string | undefined {
  if (!ref) return undefined;
  // With four parts or fewer this rebuilds ref unchanged.
  return ref.split("::").slice(0, 4).join("::");
}
