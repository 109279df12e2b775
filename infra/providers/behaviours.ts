/**
 * The facts, one entry per resource type the program registers, one file per
 * provider. Each entry names the provider source it was read from.
 */
import { CLOUDFLARE_BEHAVIOURS } from "./cloudflare";
import { DOCKER_BEHAVIOURS } from "./docker";
import { GITHUB_BEHAVIOURS } from "./github";
import { RANDOM_BEHAVIOURS } from "./random";
import type { ResourceBehaviour } from "./types";

export const BEHAVIOURS: readonly ResourceBehaviour[] = [...DOCKER_BEHAVIOURS, ...CLOUDFLARE_BEHAVIOURS, ...GITHUB_BEHAVIOURS, ...RANDOM_BEHAVIOURS];
