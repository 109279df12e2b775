/**
 * The engine switch: a Docker-engine stack builds containers per host
 * (program.ts), a `homelab:engine: swarm` stack builds Swarm services
 * (swarm/build.ts). Entry points call this, so neither builder knows the other.
 */
import type { HomelabModel } from "./model";
import { buildHomelab, type HomelabOutputs } from "./program";
import { buildSwarm } from "./swarm/build";

export function buildStack(model: HomelabModel): { outputs: HomelabOutputs } {
  return model.swarm ? buildSwarm(model) : buildHomelab(model);
}
