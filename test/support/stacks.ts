import * as fs from "fs";
import * as path from "path";
import { parseDocument } from "yaml";
import { ConfigError } from "../../infra/errors";
import type { RecordedResource } from "../../infra/plan/evaluate";

export const PROJECT_DIR = path.resolve(__dirname, "..", "..");
export const SHIPPED_STACKS = ["dev", "homelab", "prod"] as const;

export function stackText(stack: string): string {
  return fs.readFileSync(path.join(PROJECT_DIR, `Pulumi.${stack}.yaml`), "utf8");
}

/**
 * A shipped stack file with edits applied: each entry sets (or, with
 * `undefined`, deletes) a path under `config`, for example
 * `[["homelab:services", "api", "ports"], ["0.0.0.0:80:80"]]`.
 */
export function editStack(stack: string, edits: readonly (readonly [readonly (string | number)[], unknown])[]): string {
  const doc = parseDocument(stackText(stack));
  for (const [p, value] of edits) {
    const full = ["config", ...p];
    if (value === undefined) doc.deleteIn(full);
    else doc.setIn(full, doc.createNode(value));
  }
  return doc.toString();
}

export const ofType = (resources: readonly RecordedResource[], type: string): RecordedResource[] =>
  resources.filter((r) => r.type === type);

export function named(resources: readonly RecordedResource[], name: string): RecordedResource {
  const r = resources.find((x) => x.name === name);
  if (!r) throw new Error(`no resource named ${name}; have: ${resources.map((x) => x.name).join(", ")}`);
  return r;
}

/** The problems a ConfigError carries, formatted, or the error itself when it is something else. */
export function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.message.split("\n").slice(1).map((l) => l.replace(/^ {2}- /, ""));
    throw err;
  }
  throw new Error("expected a ConfigError, got none");
}

export const CONTAINER = "docker:index/container:Container";
export const VOLUME = "docker:index/volume:Volume";
export const NETWORK = "docker:index/network:Network";
export const IMAGE = "docker:index/remoteImage:RemoteImage";
export const DOCKER_PROVIDER = "pulumi:providers:docker";
