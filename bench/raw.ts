/**
 * The component layer's baseline: the same custom resources a component run
 * recorded (same classes, same wire inputs, same providers), registered
 * directly by a flat program under the same mocks, with no components, no
 * parents and no model. The difference is what the program itself costs.
 */
import * as pulumi from "@pulumi/pulumi";
import { PREVIEW_MOCKS, type RecordedResource } from "../infra/plan/evaluate";
import { providerUrn } from "../infra/plan/values";

type Ctor = new (name: string, args: unknown, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;
type State = { withLocalStorage<T>(cb: () => T): T };
type StackModule = { runInPulumiStack(init: () => Promise<unknown>): Promise<unknown> };
type Settings = { waitForRPCs(): Promise<void> };

/* eslint-disable @typescript-eslint/no-require-imports */
const settings = require("@pulumi/pulumi/runtime/settings") as Settings;
const state = require("@pulumi/pulumi/runtime/state") as State;
const stackModule = require("@pulumi/pulumi/runtime/stack") as StackModule;

/** `docker:index/container:Container` -> the Container class of @pulumi/docker. */
function classOf(type: string): Ctor {
  const [pkg, mod, cls] = type.split(":");
  const name = pkg === "pulumi" && mod === "providers" ? "Provider" : cls;
  const lib = require(`@pulumi/${pkg === "pulumi" ? cls : pkg}`) as Record<string, unknown>;
  const ctor = lib[name];
  if (typeof ctor !== "function") throw new Error(`no class for ${type}`);
  return ctor as Ctor;
}

/** Registers `recorded`'s custom resources flat; resolves to how many were registered. */
export function registerRaw(stack: string, recorded: readonly RecordedResource[]): Promise<number> {
  return state.withLocalStorage(async () => {
    await pulumi.runtime.setMocks(
      PREVIEW_MOCKS,
      "homelab",
      stack,
      true,
    );
    let count = 0;
    await stackModule.runInPulumiStack(async () => {
      const providers = new Map<string, pulumi.ProviderResource>();
      const custom = recorded.filter((r) => r.custom);
      for (const r of custom.filter((x) => x.type.startsWith("pulumi:providers:"))) {
        providers.set(r.urn, new (classOf(r.type))(r.name, r.inputs) as pulumi.ProviderResource);
        count++;
      }
      for (const r of custom.filter((x) => !x.type.startsWith("pulumi:providers:"))) {
        // Wire-form inputs serialize back to the same wire form: unknown and secret markers included.
        new (classOf(r.type))(r.name, r.inputs, { provider: providers.get(providerUrn(r.provider) ?? "") });
        count++;
      }
      return undefined;
    });
    await settings.waitForRPCs();
    return count;
  });
}
