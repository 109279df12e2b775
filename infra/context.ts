/**
 * Reads one stack's configuration, once, the way the program sees it under
 * `pulumi up` and under the offline plan alike: values from the engine,
 * plus the stack file itself to tell which values were written `secure:`.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, formatProblem } from "./errors";
import { loadCheckedModel } from "./input/stackLoad";
import { parseStackSource, stackSourceToJs, type StackSource } from "./input/stackSource";
import type { HomelabModel } from "./model";

/** The folder that holds Pulumi.yaml: the program lives in its `infra/` folder. */
export const PROJECT_DIR = path.resolve(__dirname, "..");

export function stackFileName(stack: string): string {
  return `Pulumi.${stack}.yaml`;
}

/** Structured config values arrive as JSON text; scalars stay as written. */
export function decodeConfigValue(text: string): unknown {
  const t = text.trim();
  if (t.startsWith("{") || t.startsWith("[")) {
    try {
      return JSON.parse(t);
    } catch {
      return text;
    }
  }
  return text;
}

/** Key paths (`homelab:services.api.secretEnvironment.TOKEN`) holding `secure:` values. */
export function secureLeafPaths(config: unknown): string[] {
  const out: string[] = [];
  const walk = (value: unknown, at: string): void => {
    if (value === null || typeof value !== "object") return;
    if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, `${at}[${i}]`));
      return;
    }
    const entries = Object.entries(value);
    if (entries.length === 1 && entries[0][0] === "secure" && typeof entries[0][1] === "string") {
      out.push(at);
      return;
    }
    for (const [k, v] of entries) walk(v, at === "" ? k : `${at}.${k}`);
  };
  walk(config, "");
  return out;
}

/** The secure leaves of a stack file, or undefined when there is no readable file to check. */
export function readSecureLeaves(file: string): Set<string> | undefined {
  if (!fs.existsSync(file)) return undefined;
  try {
    return engineConfigFromStackFile(fs.readFileSync(file, "utf8"), path.basename(file)).secureLeaves;
  } catch {
    // The engine has already read this file; a parse problem here is not the program's to report.
    return undefined;
  }
}

const PROJECT_FILE = "Pulumi.yaml";

/**
 * The folder of the project being run. Several projects share this program
 * (the root one and each `examples/<name>/`, whose Pulumi.yaml says
 * `main: ../../infra/`), so the stack file is found next to the Pulumi.yaml
 * the engine ran, never next to this code. The language host passes that
 * folder as `--root-directory`, which the SDK keeps in
 * PULUMI_NODEJS_ROOT_DIRECTORY and returns from getRootDirectory()
 * (@pulumi/pulumi cmd/run/index.js, runtime/state.js); without it (the SDK
 * then answers a placeholder) the working directory is tried, then this code's own project.
 */
export function runProjectDir(rootDirectory: string = pulumi.getRootDirectory(), cwd: string = process.cwd()): string {
  for (const dir of [rootDirectory, cwd]) {
    if (dir !== "" && path.isAbsolute(dir) && fs.existsSync(path.join(dir, PROJECT_FILE))) return dir;
  }
  return PROJECT_DIR;
}

/** The stack file as text and values, or undefined when there is none the program can read. */
function readSource(file: string): { src: StackSource; js: unknown } | undefined {
  if (!fs.existsSync(file)) return undefined;
  try {
    const src = parseStackSource(fs.readFileSync(file, "utf8"), path.basename(file));
    return { src, js: stackSourceToJs(src) };
  } catch {
    // The engine has already read this file; a parse problem here is not the program's to report.
    return undefined;
  }
}

/** Loads the running stack's model; throws ConfigError listing every problem. Warnings go to the engine's log. */
export function loadStackModel(projectDir: string = runProjectDir()): HomelabModel {
  const stack = pulumi.getStack();
  const values: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(pulumi.runtime.allConfig())) values[k] = decodeConfigValue(v);
  const file = stackFileName(stack);
  const { model, warnings } = loadCheckedModel({ file, stack, values, source: readSource(path.join(projectDir, file)) });
  for (const w of warnings) void pulumi.log.warn(formatProblem(w));
  return model;
}

/** Stands in for every `secure:` value when a stack is evaluated without its passphrase. */
export const SECRET_PLACEHOLDER = "[secret]";

export interface EngineConfig {
  /** Config as the engine passes it to a program: namespaced keys, JSON text for structured values. */
  readonly values: Record<string, string>;
  /** Keys whose value holds a secret somewhere inside. */
  readonly secretKeys: string[];
  readonly secureLeaves: Set<string>;
}

function replaceSecure(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(replaceSecure);
  const entries = Object.entries(value);
  if (entries.length === 1 && entries[0][0] === "secure") return SECRET_PLACEHOLDER;
  return Object.fromEntries(entries.map(([k, v]) => [k, replaceSecure(v)]));
}

/**
 * What `pulumi up` would hand the program for this stack file, except that
 * secure values are never decrypted: each becomes SECRET_PLACEHOLDER.
 * Throws ConfigError naming the file (and line, for YAML errors) when the
 * file cannot be read as a stack file.
 */
export function engineConfigFromStackFile(text: string, file: string): EngineConfig {
  const src = parseStackSource(text, file);
  return engineConfigFromJs(stackSourceToJs(src), file);
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** The engine config of a stack file's parsed values (`{encryptionsalt, config}`). */
export function engineConfigFromJs(js: unknown, file: string): EngineConfig {
  if (js !== null && js !== undefined && !isRecord(js)) {
    throw new ConfigError([{ file, path: "", message: "a stack file is a map with a config: key holding namespaced keys (homelab:services: ...)" }]);
  }
  const config = js?.config ?? {};
  if (!isRecord(config)) {
    throw new ConfigError([{ file, path: "config", message: "must be a map of namespaced keys (homelab:services: ...)" }]);
  }
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [k, v] of Object.entries(config)) {
    const plain = replaceSecure(v);
    values[k] = typeof plain === "string" ? plain : JSON.stringify(plain);
    if (secureLeafPaths(v).length > 0) secretKeys.push(k);
  }
  return { values, secretKeys, secureLeaves: new Set(secureLeafPaths(config)) };
}
