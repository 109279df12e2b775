/**
 * The facts, one entry per resource type the program registers. Each entry
 * names the provider source it was read from. (Filled in by the provider-model
 * work; the entries below are placeholders until then.)
 */
import type { ResourceBehaviour } from "./types";

export const BEHAVIOURS: readonly ResourceBehaviour[] = [];
