/**
 * One side of a diff: a plan as its JSON form gives it (`--format json`),
 * whether it was evaluated just now, at a base commit, or saved earlier.
 * Plans saved before resource options and property dependencies were
 * recorded lack them; the diff says what it cannot know instead of guessing.
 */
import { z } from "zod";
import type { Endpoint, HostPortEndpoint } from "../endpoints";
import type { Violation } from "../policy";
import type { JsonPlan } from "../render";
import type { DisplayValue } from "../values";

export interface SideOptions {
  readonly protect?: boolean;
  readonly retainOnDelete?: boolean;
  readonly deleteBeforeReplace?: boolean;
  readonly replaceOnChanges?: readonly string[];
  /** The engine ignores differences in these inputs (a retained volume's labels). */
  readonly ignoreChanges?: readonly string[];
}

export interface SideResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly parent: string | null;
  readonly provider: string | null;
  readonly inputs: { readonly [key: string]: DisplayValue };
  readonly dependencies: readonly string[];
  readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
  readonly options?: SideOptions;
}

export interface PlanSide {
  readonly stack: string;
  readonly resources: readonly SideResource[];
  readonly endpoints: readonly Endpoint[];
  readonly violations: readonly Violation[];
}

/** A stack that does not exist on that side (new since the base). */
export const emptySide = (stack: string): PlanSide => ({ stack, resources: [], endpoints: [], violations: [] });

export const sideOf = (plan: JsonPlan): PlanSide => plan;

const display: z.ZodType<DisplayValue> = z.lazy(() =>
  z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(display), z.record(z.string(), display)]),
);

const resourceSchema = z.object({
  urn: z.string(),
  type: z.string(),
  name: z.string(),
  parent: z.string().nullable().default(null),
  provider: z.string().nullable().default(null),
  inputs: z.record(z.string(), display),
  dependencies: z.array(z.string()).default([]),
  propertyDependencies: z.record(z.string(), z.array(z.string())).optional(),
  options: z
    .object({
      protect: z.boolean().optional(),
      retainOnDelete: z.boolean().optional(),
      deleteBeforeReplace: z.boolean().optional(),
      replaceOnChanges: z.array(z.string()).optional(),
      ignoreChanges: z.array(z.string()).optional(),
    })
    .optional(),
});

const tunnelSchema = z.object({
  kind: z.literal("tunnel"),
  hostname: z.string(),
  access: z.enum(["public", "access"]),
  tunnel: z.string().optional(),
  origin: z.string(),
  container: z.string().optional(),
  port: z.number().optional(),
  host: z.string().optional(),
  dns: z.boolean(),
});

const hostPortSchema = z.object({
  kind: z.literal("hostPort"),
  host: z.string().optional(),
  interface: z.string(),
  scope: z.enum(["loopback", "private", "tailscale", "all-interfaces", "other"]),
  hostPort: z.number().optional(),
  protocol: z.string(),
  container: z.string(),
  containerPort: z.number(),
});

const stackSchema = z.object({
  stack: z.string(),
  resources: z.array(resourceSchema),
  endpoints: z.array(z.discriminatedUnion("kind", [tunnelSchema, hostPortSchema])),
  violations: z.array(z.object({ policy: z.string(), level: z.enum(["mandatory", "advisory", "remediate"]), urn: z.string(), message: z.string() })),
});

const combinedSchema = z.object({ stacks: z.array(stackSchema) });

/**
 * The stacks of a saved JSON plan (one stack's object, or `{stacks: [...]}`).
 * Throws an Error whose message lists where the file does not match.
 */
export function parsePlanSides(json: unknown): PlanSide[] {
  // The shape is told by its top-level key, so the errors are about the shape meant.
  const combined = typeof json === "object" && json !== null && "stacks" in json;
  const parsed = combined ? combinedSchema.safeParse(json) : stackSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join(".") || "(top)"}: ${i.message}`);
    throw new Error(`not a plan in the --format json shape (${issues.join("; ")})`);
  }
  const stacks = "stacks" in parsed.data ? parsed.data.stacks : [parsed.data];
  // JSON has no `undefined`: endpoints' absent fields come back absent, as the type says.
  return stacks.map((s) => ({ ...s, endpoints: s.endpoints as Endpoint[] }));
}

export const hostPorts = (side: PlanSide): HostPortEndpoint[] => side.endpoints.filter((e): e is HostPortEndpoint => e.kind === "hostPort");
