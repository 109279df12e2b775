/**
 * Builds components directly under the mock runtime and records what they register: the resources
 * (recordProgram) and the outputs each component registers for itself, which the engine keeps in
 * the component's state.
 */
import * as pulumi from "@pulumi/pulumi";
import { recordProgram, SECRET_SIG, type RecordedResource } from "../../infra/plan/evaluate";
import { named } from "../support/stacks";

export const STACK = "unit";

/**
 * Like a preview (no ids), except that an image reports an id (`id-of-<resource name>`) and its digest,
 * so a test can see which of the image's outputs a container uses.
 */
export const MOCKS: pulumi.runtime.Mocks = {
  newResource: (args) => ({
    id: undefined,
    state:
      args.type === "docker:index/remoteImage:RemoteImage"
        ? { ...args.inputs, imageId: `id-of-${args.name}`, repoDigest: `digest-of-${args.name}` }
        : args.inputs,
  }),
  call: () => ({}),
};

interface OutputsRequest {
  getUrn(): string;
  getOutputs(): { toJavaScript(): Record<string, unknown> } | undefined;
}
interface OutputsMonitor {
  registerResourceOutputs(req: OutputsRequest, cb: (err: unknown, res?: unknown) => void): void;
}
/* eslint-disable-next-line @typescript-eslint/no-require-imports */
const settings = require("@pulumi/pulumi/runtime/settings") as { getMonitor(): OutputsMonitor };

export interface Recorded<T> {
  readonly resources: readonly RecordedResource[];
  /** Component outputs in wire form, by component URN. */
  readonly outputs: ReadonlyMap<string, Record<string, unknown>>;
  readonly result: T;
}

export interface Recording<T> {
  readonly resources: RecordedResource[];
  readonly result: T;
  /** The outputs each component registered, by its name. */
  readonly outputs: ReadonlyMap<string, Record<string, unknown>>;
}

/**
 * recordProgram, also keeping what each component passes to registerOutputs (what `pulumi stack export`
 * keeps for a component and the plan never shows), by component URN.
 * @param mocks @default PREVIEW_MOCKS (as a preview: no ids)
 */
export async function recordByUrn<T>(program: () => T, mocks?: pulumi.runtime.Mocks): Promise<Recorded<T>> {
  const outputs = new Map<string, Record<string, unknown>>();
  const { resources, result } = await recordProgram(() => {
    const monitor = settings.getMonitor();
    const original = monitor.registerResourceOutputs.bind(monitor);
    monitor.registerResourceOutputs = (req, cb) => {
      outputs.set(req.getUrn(), req.getOutputs()?.toJavaScript() ?? {});
      original(req, cb);
    };
    return program();
  }, { stack: STACK, mocks });
  return { resources, outputs, result };
}

/** recordByUrn with MOCKS, the components' outputs by component name. */
export async function record<T>(program: () => T): Promise<Recording<T>> {
  const { resources, result, outputs: byUrn } = await recordByUrn(program, MOCKS);
  const outputs = new Map<string, Record<string, unknown>>();
  for (const r of resources) {
    const o = byUrn.get(r.urn);
    if (o !== undefined) outputs.set(r.name, o);
  }
  return { resources: [...resources], result, outputs };
}

/**
 * What a program throws while it registers its resources. It is caught inside the program: an error
 * escaping the stack's initialisation is not handed back to the caller, it ends the process.
 */
export async function failure(program: () => unknown): Promise<string> {
  const { result } = await recordProgram(() => {
    try {
      program();
    } catch (e) {
      return e instanceof Error ? e.message : `not an Error: ${String(e)}`;
    }
    return "the program registered its resources without an error";
  }, { stack: STACK });
  return result;
}

/** Whether a wire-form input value carries the engine's secret marker. */
export const isSecret = (v: unknown): boolean => typeof v === "object" && v !== null && SECRET_SIG in v;

/** The engine's wire form of a secret holding `value`. */
export const secret = (value: unknown): Record<string, unknown> => ({ [SECRET_SIG]: "1b47061264138c4ac30d75fd1eb44270", value });

/** Inputs of the resource called `name`. */
export const inputsOf = (resources: readonly RecordedResource[], name: string): Readonly<Record<string, unknown>> => named(resources, name).inputs;

/** An Output's value, once known. */
export const valueOf = <T>(o: pulumi.Output<T>): Promise<T> => new Promise((resolve) => o.apply((v) => resolve(v)));

export { named };
