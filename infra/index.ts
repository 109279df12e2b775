/**
 * Pulumi entry point: read the stack's config once, build it, export what an
 * operator wants to see after `pulumi up`. Invalid config stops the run with
 * every problem listed and no stack trace.
 */
import * as pulumi from "@pulumi/pulumi";
import { loadStackModel } from "./context";
import { ConfigError } from "./errors";
import { buildStack } from "./engine";

function load() {
  try {
    return loadStackModel();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.exitCode = 2;
      throw new pulumi.RunError(err.message);
    }
    throw err;
  }
}

const { outputs } = buildStack(load());

export const stack = outputs.stack;
export const profile = outputs.profile;
export const services = outputs.services;
export const hosts = outputs.hosts;
export const networks = outputs.networks;
