import * as fs from "fs";
import * as path from "path";
import { parseDocument } from "yaml";
import { decodeConfigValue, engineConfigFromStackFile } from "../../infra/context";
import { loadModel } from "../../infra/load";
import type { HomelabModel } from "../../infra/model";
import { PROJECT_DIR } from "../support/stacks";

export const SWARM_DIR = path.join(PROJECT_DIR, "examples", "swarm");
export const SWARM_STACK = "swarm";

export function swarmText(): string {
  return fs.readFileSync(path.join(SWARM_DIR, `Pulumi.${SWARM_STACK}.yaml`), "utf8");
}

/** The example Swarm stack with edits: `[path under config, value]`, `undefined` deletes. */
export function editSwarm(edits: readonly (readonly [readonly (string | number)[], unknown])[]): string {
  const doc = parseDocument(swarmText());
  for (const [p, value] of edits) {
    const full = ["config", ...p];
    if (value === undefined) doc.deleteIn(full);
    else doc.setIn(full, doc.createNode(value));
  }
  return doc.toString();
}

export function loadText(text: string, stack = SWARM_STACK): HomelabModel {
  const file = `Pulumi.${stack}.yaml`;
  const engine = engineConfigFromStackFile(text, file);
  const values = Object.fromEntries(Object.entries(engine.values).map(([k, v]) => [k, decodeConfigValue(v)]));
  return loadModel({ file, stack, values, secureLeaves: engine.secureLeaves });
}
