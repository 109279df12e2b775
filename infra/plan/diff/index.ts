/**
 * A plan against a base: each stack evaluated at the base and now, compared
 * resource by resource, with what a reviewer must see first (exposure), then
 * what goes down and what happens to stored data.
 */
import { diffResources, type Classifier, type ResourceChange } from "./changes";
import { dataChanges, type DataEntry } from "./data";
import { downtime, type DowntimeEntry } from "./downtime";
import { exposureChanges, type ExposureChange } from "./exposure";
import type { PlanSide } from "./side";

export type { ResourceAction, ResourceChange } from "./changes";
export type { DataEntry } from "./data";
export type { DowntimeEntry } from "./downtime";
export type { ExposureChange, Severity } from "./exposure";
export type { PropertyDiff } from "./properties";
export { emptySide, parsePlanSides, type PlanSide, type SideResource } from "./side";
export { unifiedDiff } from "./lines";

export interface DiffSummary {
  readonly create: number;
  readonly update: number;
  readonly replace: number;
  readonly delete: number;
  readonly same: number;
  readonly exposure: number;
  readonly downtime: number;
  readonly data: number;
  /** The current plan's policy verdict, as without a base. */
  readonly mandatory: number;
  readonly advisory: number;
}

export interface StackDiff {
  readonly stack: string;
  /** What the plan was compared with: `<ref> (<commit>)`, or the saved plan's file. */
  readonly base: string;
  /** True when the stack has no stack file at the base: everything is created. */
  readonly newStack: boolean;
  readonly changes: readonly ResourceChange[];
  readonly exposure: readonly ExposureChange[];
  readonly downtime: readonly DowntimeEntry[];
  readonly data: readonly DataEntry[];
  readonly summary: DiffSummary;
}

export interface DiffOptions {
  readonly base: string;
  readonly newStack?: boolean;
  /** The provider model's classifier; tests may pass their own facts. */
  readonly classify?: Classifier;
}

export function diffStack(base: PlanSide, head: PlanSide, opts: DiffOptions): StackDiff {
  const set = diffResources(base, head, opts.classify);
  const exposure = exposureChanges(base, head);
  const down = downtime(base, head, set.changes);
  const data = dataChanges(base, head, set.changes);
  const count = (a: ResourceChange["action"]): number => set.changes.filter((c) => c.action === a).length;
  return {
    stack: head.stack,
    base: opts.base,
    newStack: opts.newStack ?? false,
    changes: set.changes,
    exposure,
    downtime: down,
    data,
    summary: {
      create: count("create"),
      update: count("update"),
      replace: count("replace"),
      delete: count("delete"),
      same: set.same,
      exposure: exposure.length,
      downtime: down.length,
      data: data.length,
      mandatory: head.violations.filter((v) => v.level === "mandatory").length,
      advisory: head.violations.filter((v) => v.level !== "mandatory").length,
    },
  };
}

/** Anything at all differs from the base (what `--detailed-exitcode` reports as 3). */
export const hasChanges = (d: StackDiff): boolean => d.changes.length > 0 || d.exposure.length > 0;
