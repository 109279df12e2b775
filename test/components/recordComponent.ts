/**
 * Builds components directly under the mock runtime (recordProgram) and records, beside every resource
 * registered, the outputs each component registers: what `pulumi stack export` keeps for a component and
 * what the plan never shows.
 */
import * as pulumi from "@pulumi/pulumi";
import { recordProgram, SECRET_SIG, type RecordedResource } from "../../infra/plan/evaluate";

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

/** The stack every recording here runs as; URNs in the tests spell it out. */
export const STACK = "unit";

export async function record<T>(program: () => T, mocks?: pulumi.runtime.Mocks): Promise<Recorded<T>> {
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

export function named(resources: readonly RecordedResource[], name: string): RecordedResource {
  const r = resources.find((x) => x.name === name);
  if (!r) throw new Error(`no resource named ${name}; have: ${resources.map((x) => x.name).join(", ")}`);
  return r;
}

/** A secret as the engine receives it. */
export function secret(value: unknown): Record<string, unknown> {
  return { [SECRET_SIG]: pulumi.runtime.specialSecretSig, value };
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
