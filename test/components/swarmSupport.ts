/**
 * Building one Swarm component under the mock runtime (test/components/support.ts is the single-host side): a manager provider,
 * mocks that give every resource an id (so ids and names read back known),
 * and lookups over what was registered.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { PREVIEW_MOCKS, recordProgram, SECRET_SIG, type RecordedResource } from "../../infra/plan/evaluate";
import type { SwarmServiceSpec } from "../../infra/swarm/model";
import { named } from "../support/stacks";
import { isSecret } from "./support";

export { isSecret, named };

export type Obj = Record<string, unknown>;

export const SERVICE = "docker:index/service:Service";
export const CONFIG = "docker:index/serviceConfig:ServiceConfig";
export const SECRET = "docker:index/secret:Secret";
export const NETWORK = "docker:index/network:Network";
export const RANDOM_BYTES = "random:index/randomBytes:RandomBytes";

/** The hex every RandomBytes answers with, so a secret's name is known in the test. */
export const RANDOM_HEX = "0badf00d";

/** Every custom resource gets the id `<name>-id`; RandomBytes a fixed hex; the rest as a preview. */
export const KNOWN_IDS: pulumi.runtime.Mocks = {
  newResource: (args) => {
    const preview = PREVIEW_MOCKS.newResource(args) as { state: Obj };
    const extra = args.type === RANDOM_BYTES ? { hex: RANDOM_HEX } : {};
    return { id: `${args.name}-id`, state: { ...preview.state, ...extra } };
  },
  call: PREVIEW_MOCKS.call,
};

export function managerProvider(): docker.Provider {
  return new docker.Provider("manager-docker", { host: "ssh://admin@manager" });
}

export const ofType = (resources: readonly RecordedResource[], type: string): RecordedResource[] => resources.filter((r) => r.type === type);

/** The value inside a wire-form secret; fails when the value is not marked secret. */
export function secretValue(v: unknown): unknown {
  if (typeof v !== "object" || v === null || !(SECRET_SIG in v)) throw new Error(`not a secret: ${JSON.stringify(v)}`);
  return (v as Obj).value;
}


/** A Swarm spec with nothing set: one replica, no placement, the usual rollout. */
export function plainSpec(over: Partial<SwarmServiceSpec> = {}): SwarmServiceSpec {
  return {
    replicas: 1,
    constraints: [],
    spread: [],
    maxReplicasPerNode: undefined,
    update: { parallelism: 1, delay: "10s", order: "start-first", failureAction: "rollback", monitor: "30s", maxFailureRatio: 0 },
    rollback: { parallelism: 1, delay: "0s", order: "start-first", failureAction: "pause", monitor: "30s", maxFailureRatio: 0 },
    secretsAs: "env",
    pinnedHost: undefined,
    ...over,
  };
}

/** What an Output holds once the program has run (the runtime's own promise of it). */
export function settled<T>(o: pulumi.Input<T>): Promise<T> {
  return (pulumi.output(o) as unknown as { promise(): Promise<T> }).promise();
}

/**
 * `recordProgram` with KNOWN_IDS, also keeping what each component passed to registerOutputs (by
 * component object: the runtime calls it again, empty, once construction is done, and that is not kept).
 */
export async function recordComponents<T>(program: () => T): Promise<{ resources: RecordedResource[]; result: T; outputs: Map<unknown, unknown> }> {
  const outputs = new Map<unknown, unknown>();
  const proto = pulumi.ComponentResource.prototype as unknown as { registerOutputs(o: unknown): void };
  const spy = jest.spyOn(proto, "registerOutputs").mockImplementation(function (this: unknown, o: unknown) {
    if (!outputs.has(this)) outputs.set(this, o);
  });
  try {
    const { resources, result } = await recordProgram(program, { stack: "lab", mocks: KNOWN_IDS });
    return { resources, result, outputs };
  } finally {
    spy.mockRestore();
  }
}
