import * as pulumi from "@pulumi/pulumi";
import { engineConfigFromStackFile } from "../../infra/context";
import { editStack, stackText } from "../support/stacks";

/**
 * Runs the real entry point (infra/index.ts) as `pulumi up` would load it,
 * under mocks, with the given stack file's config.
 */
async function runEntry(stack: string, text: string): Promise<{ registered: string[]; exports?: Record<string, unknown>; error?: Error }> {
  const registered: string[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push(`${args.type}::${args.name}`);
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: () => ({}),
    },
    "homelab",
    stack,
    true,
  );
  const engine = engineConfigFromStackFile(text, `Pulumi.${stack}.yaml`);
  pulumi.runtime.setAllConfig(engine.values, engine.secretKeys);
  let exports: Record<string, unknown> | undefined;
  let error: Error | undefined;
  jest.isolateModules(() => {
    try {
      exports = require("../../infra/index") as Record<string, unknown>;
    } catch (err) {
      error = err as Error;
    }
  });
  await new Promise((r) => setImmediate(r));
  return { registered, exports, error };
}

afterEach(() => {
  process.exitCode = undefined;
});

it("stops on invalid config with every problem, no stack trace, exit code 2 and no resource", async () => {
  const bad = editStack("dev", [[["homelab:services", "sentinel", "imagee"], "typo"]]);
  const { registered, error } = await runEntry("dev", bad);
  expect(pulumi.RunError.isInstance(error)).toBe(true);
  // The line is where the stack file on disk has the service: the engine's values here are an edited copy of it.
  expect(error!.message).toMatch(
    /^invalid configuration \(1 problem\):\n {2}- Pulumi\.dev\.yaml:\d+: homelab:services\.sentinel\.imagee: unknown key \(check the spelling; see README\)$/,
  );
  expect(process.exitCode).toBe(2);
  expect(registered).toEqual([]);
});

it("builds the stack and exports what an operator looks up", async () => {
  const { registered, exports, error } = await runEntry("dev", stackText("dev"));
  expect(error).toBeUndefined();
  expect(registered).toContain("docker:index/container:Container::commander-container");
  expect(exports!.profile).toBe("dev");
  expect((exports!.services as Record<string, { internalUrl: string }>).commander.internalUrl).toBe("http://commander:8000");
  expect(exports!.networks).toEqual({ laptop: ["miravaz-net", "backend"] });
});
