/**
 * What a provider does with one resource type's inputs, as read from the
 * provider's own source. The engine, not the mock runtime, applies these:
 * Check fills defaults before the policies run, Read normalizes values after
 * create and refresh, and Diff decides replace versus update.
 *
 * Keys of `defaults`, `readBack` and `recordedWhenAbsent` are property paths
 * in Pulumi names: `networkMode` (top level), `healthcheck.interval` (inside
 * a nested object, only when that object is present) and `ports[].ip` (in
 * every element of a list). `forceNew` and `updatable` stay top-level: the
 * engine diffs top-level inputs.
 */
export interface ResourceBehaviour {
  /** Pulumi type token, e.g. `docker:index/container:Container`. */
  readonly type: string;
  /** Provider source files (repository@version:path) these facts were read from. */
  readonly sources: readonly string[];
  /**
   * Defaults the provider's Check fills into absent inputs (Pulumi property
   * paths). The bridge drops falsy defaults, so none is listed here.
   */
  readonly defaults: Readonly<Record<string, unknown>>;
  /** Top-level inputs whose change forces a replacement (ForceNew). */
  readonly forceNew: readonly string[];
  /**
   * Top-level inputs the provider updates in place. An input in neither list
   * is written to state but never reaches the real resource.
   */
  readonly updatable: readonly string[];
  /** How the provider reads an input back after create or refresh; identity when absent. */
  readonly readBack: Readonly<Record<string, (value: unknown) => unknown>>;
  /**
   * Values the provider records on Read for inputs the program left out,
   * computed from the inputs it did send (Docker's swap limit when only
   * `memory` is set). `undefined` means nothing is recorded.
   */
  readonly recordedWhenAbsent?: Readonly<Record<string, (inputs: Readonly<Record<string, unknown>>) => unknown>>;
}

export type ChangeAction = "same" | "update" | "replace";

export interface ChangeOptions {
  /** Inputs the program marks `replaceOnChanges`. */
  readonly replaceOnChanges?: readonly string[];
  /** Top-level inputs the program marks `ignoreChanges`: their differences are not changes. */
  readonly ignoreChanges?: readonly string[];
}

export interface ClassifiedChange {
  readonly action: ChangeAction;
  /** Top-level inputs whose values differ. */
  readonly changed: readonly string[];
  /** The changed inputs that force the replacement (empty unless action is "replace"). */
  readonly replaceReasons: readonly string[];
  /** Changed inputs the provider neither updates nor replaces for: the change never reaches the resource. */
  readonly ignored: readonly string[];
}
