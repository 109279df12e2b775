/**
 * The real Prometheus tools (Debian's promtool and amtool, installed by
 * .ci/run) and the shipped stacks' models with their example secrets
 * opened, so generated files hold what a deployment would hold.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { isMap, isScalar, parseDocument, visit } from "yaml";
import { decodeConfigValue, engineConfigFromStackFile } from "../../infra/context";
import { loadModel } from "../../infra/load";
import type { HomelabModel } from "../../infra/model";
import { stackDecrypter } from "../plan/secrets";
import { stackText } from "../support/stacks";

export interface ToolResult {
  readonly status: number | null;
  readonly output: string;
}

/** Runs promtool or amtool; a missing tool is an error naming the Debian package, never a skip. */
export function runTool(tool: "promtool" | "amtool", args: readonly string[], cwd?: string): ToolResult {
  const r = spawnSync(tool, args, { cwd, encoding: "utf8" });
  if (r.error) throw new Error(`${tool} is not installed (Debian package ${tool === "promtool" ? "prometheus" : "prometheus-alertmanager"}, see .ci/run): ${r.error.message}`);
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

const laidOut: string[] = [];

/** Removes every dir layOut made; call from afterAll. */
export function removeLaidOut(): void {
  for (const dir of laidOut.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** A temp dir with `files` (container path -> content) laid out under it; returns the dir. */
export function layOut(files: Readonly<Record<string, string>>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-alerting-"));
  laidOut.push(root);
  for (const [file, content] of Object.entries(files)) {
    const target = path.join(root, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content);
  }
  return root;
}

const decrypted = new Map<string, HomelabModel>();

/** A shipped stack's model with every `secure:` value decrypted (passphrase "homelab-example"); memoized, the key derivation is slow by design. */
export function decryptedModel(stack: string): HomelabModel {
  const known = decrypted.get(stack);
  if (known) return known;
  const model = openedModel(stack);
  decrypted.set(stack, model);
  return model;
}

function openedModel(stack: string): HomelabModel {
  const file = `Pulumi.${stack}.yaml`;
  const text = stackText(stack);
  const secureLeaves = engineConfigFromStackFile(text, file).secureLeaves;
  const open = stackDecrypter(stack);
  const doc = parseDocument(text);
  visit(doc, {
    Map(_, node) {
      if (isMap(node) && node.items.length === 1 && isScalar(node.items[0].key) && node.items[0].key.value === "secure" && isScalar(node.items[0].value)) {
        return doc.createNode(open(String(node.items[0].value.value)));
      }
      return undefined;
    },
  });
  const engine = engineConfigFromStackFile(doc.toString(), file);
  const values = Object.fromEntries(Object.entries(engine.values).map(([k, v]) => [k, decodeConfigValue(v)]));
  return loadModel({ file, stack, values, secureLeaves });
}
