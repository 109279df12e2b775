/**
 * Plans an example project the way a user would (`npm run plan --
 * --project-dir examples/<name> --all --format json`), in this process, and
 * keeps the exit code and the parsed report for the tests of that example.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { runPlanCli, type CliIo } from "../../infra/cli/plan";
import type { JsonPlan } from "../../infra/plan";
import { PROJECT_DIR } from "../support/stacks";

export const EXAMPLES_DIR = path.join(PROJECT_DIR, "examples");

export interface ExampleRun {
  readonly code: number;
  readonly stderr: string;
  readonly stacks: readonly JsonPlan[];
}

export async function planExample(name: string): Promise<ExampleRun> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) };
  const code = await runPlanCli(["--project-dir", path.join("examples", name), "--all", "--format", "json"], io);
  const stacks = code === 2 || stdout === "" ? [] : (JSON.parse(stdout) as { stacks: JsonPlan[] }).stacks;
  return { code, stderr, stacks };
}

export type Resource = JsonPlan["resources"][number];

export function stackOf(run: ExampleRun, stack: string): JsonPlan {
  const s = run.stacks.find((p) => p.stack === stack);
  if (!s) throw new Error(`no stack ${stack} in the plan (have ${run.stacks.map((p) => p.stack).join(", ")})`);
  return s;
}

const CONTAINER = "docker:index/container:Container";

/** Containers by their Docker name. */
export function containers(plan: JsonPlan): Map<string, Resource> {
  return new Map(plan.resources.filter((r) => r.type === CONTAINER).map((r) => [String(r.inputs["name"]), r]));
}

export function container(plan: JsonPlan, name: string): Resource {
  const c = containers(plan).get(name);
  if (!c) throw new Error(`no container ${name}; have ${[...containers(plan).keys()].join(", ")}`);
  return c;
}

type Obj = Record<string, unknown>;
export const list = (v: unknown): Obj[] => (Array.isArray(v) ? (v as Obj[]) : []);

/** The names of the containers a container's resource depends on (its start order). */
export function dependsOnContainers(plan: JsonPlan, name: string): string[] {
  const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
  return container(plan, name)
    .dependencies.map((u) => byUrn.get(u))
    .filter((r): r is Resource => r?.type === CONTAINER)
    .map((r) => String(r.inputs["name"]))
    .sort();
}

/** Every `secure:` value of an example stack file, decrypted with the documented passphrase. */
export function decryptedSecrets(example: string, stack: string, passphrase = "homelab-example"): string[] {
  const doc = parseYaml(fs.readFileSync(path.join(EXAMPLES_DIR, example, `Pulumi.${stack}.yaml`), "utf8")) as { encryptionsalt: string; config: unknown };
  const [, salt, ...check] = doc.encryptionsalt.split(":");
  const key = crypto.pbkdf2Sync(passphrase, Buffer.from(salt, "base64"), 1_000_000, 32, "sha256");
  const open = (value: string): string => {
    const [, nonce, data] = value.split(":");
    const bytes = Buffer.from(data, "base64");
    const d = crypto.createDecipheriv("aes-256-gcm", key, Buffer.from(nonce, "base64"));
    d.setAuthTag(bytes.subarray(bytes.length - 16));
    return Buffer.concat([d.update(bytes.subarray(0, bytes.length - 16)), d.final()]).toString("utf8");
  };
  if (open(check.join(":")) !== "pulumi") throw new Error(`${example}/${stack}: passphrase does not match encryptionsalt`);
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (v && typeof v === "object") {
      const s = (v as { secure?: unknown }).secure;
      if (typeof s === "string") out.push(open(s));
      else Object.values(v).forEach(walk);
    }
  };
  walk(doc.config);
  return out;
}

/** Pulumi.yaml of an example, parsed. */
export function projectFile(example: string): Record<string, unknown> {
  return parseYaml(fs.readFileSync(path.join(EXAMPLES_DIR, example, "Pulumi.yaml"), "utf8")) as Record<string, unknown>;
}
