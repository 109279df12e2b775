/**
 * Timing helpers for the benchmark: wall time, time spent in garbage
 * collection over the same span, and plain-text tables.
 */
import { performance, PerformanceObserver } from "perf_hooks";

const pauses: { start: number; duration: number }[] = [];
const observer = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) pauses.push({ start: e.startTime, duration: e.duration });
});

/** Starts counting garbage-collection pauses; call once before measuring. */
export function trackGc(): void {
  observer.observe({ entryTypes: ["gc"] });
}

export function stopGc(): void {
  observer.disconnect();
}

// GC entries reach the observer some time after the pause (later than the next tick); wait for them.
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 100));

export interface Timing<T> {
  readonly value: T;
  readonly ms: number;
  /** Milliseconds of garbage-collection pauses inside `ms`. */
  readonly gcMs: number;
}

export async function timed<T>(fn: () => Promise<T>): Promise<Timing<T>> {
  const t0 = performance.now();
  const value = await fn();
  const t1 = performance.now();
  await settle();
  const gcMs = pauses.filter((p) => p.start >= t0 && p.start < t1).reduce((n, p) => n + p.duration, 0);
  return { value, ms: t1 - t0, gcMs };
}

export const ms = (n: number): string => (n >= 10_000 ? `${(n / 1000).toFixed(1)} s` : `${n.toFixed(0)} ms`);
export const fixed = (n: number, digits = 2): string => n.toFixed(digits);
export const ratio = (n: number): string => `${n.toFixed(2)}x`;

/** A table: the first column (what was measured) left-aligned, the numbers right-aligned. */
export function table(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  return cells.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ").trimEnd()).join("\n");
}
