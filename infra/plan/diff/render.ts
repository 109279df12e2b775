/**
 * A plan against a base in the plan's three formats. Text and markdown put
 * exposure first; markdown (the pull-request comment) folds downtime, data
 * and the resource changes into <details>. JSON: one stack's object, or
 * `{stacks: [...], summary}` when several stacks were asked for.
 */
import type { Format } from "../render";
import type { DisplayValue } from "../values";
import type { ResourceChange, StackDiff } from "./index";
import type { PropertyDiff } from "./properties";

const SYMBOL: Record<ResourceChange["action"], string> = { create: "+", update: "~", replace: "+-", delete: "-", same: " " };
const MAX_VALUE = 200;

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

export function countsLine(d: StackDiff): string {
  const s = d.summary;
  const parts = [`${s.create} to create`, `${s.update} to update`, `${s.replace} to replace`, `${s.delete} to delete`, `${s.same} unchanged`];
  return parts.join(", ");
}

function headline(d: StackDiff): string {
  const newStack = d.newStack ? " (the stack is new since the base)" : "";
  return `Stack ${d.stack} against ${d.base}${newStack}: ${countsLine(d)}`;
}

function verdict(d: StackDiff): string {
  const s = d.summary;
  if (s.mandatory > 0) return `FAIL: ${plural(s.mandatory, "mandatory violation")}, ${s.advisory} advisory`;
  return s.advisory > 0 ? `PASS with ${plural(s.advisory, "advisory finding")}` : "PASS";
}

/** A value on one line, shortened; multi-line text is shown by its line diff instead. */
function brief(v: DisplayValue): string {
  if (v === null) return "(none)";
  if (typeof v === "string" && v.includes("\n")) return `(${plural(v.split("\n").length, "line")} of text)`;
  const s = JSON.stringify(v);
  return s.length > MAX_VALUE ? `${s.slice(0, MAX_VALUE - 1)}…` : s;
}

/** Property lines, indented under their resource; a line diff keeps its +/- in column `markAt` (0 for a ```diff block). */
function propertyLines(p: PropertyDiff, markAt: number | undefined): string[] {
  const note = p.note ? `  (${p.note})` : "";
  const pad = "      ";
  // In a ```diff block column 0 is the marker, so everything else moves one column right.
  const indent = markAt === 0 ? "     " : "    ";
  if (p.lines && p.lines.length > 0) {
    const lines = markAt === 0 ? p.lines.map((l) => (l.startsWith("@") ? ` ${pad}${l}` : `${l[0]}${pad}${l.slice(1)}`)) : p.lines.map((l) => `${pad}${l}`);
    return [`${indent}${p.path}:${note}`, ...lines];
  }
  return [`${indent}${p.path}: ${brief(p.old)} -> ${brief(p.new)}${note}`];
}

function changeHeader(c: ResourceChange): string {
  const why = c.action === "replace" && c.reasons.length > 0 ? `  because ${c.reasons.join(", ")} changed` : "";
  return `${SYMBOL[c.action]} ${c.action} ${c.name}  (${c.type})${why}`;
}

function changeLines(c: ResourceChange, markAt?: number): string[] {
  const lines = [changeHeader(c), ...c.diff.flatMap((p) => propertyLines(p, markAt))];
  if (c.ignored && c.ignored.length > 0) lines.push(`    (the provider never applies ${c.ignored.join(", ")} to the running resource)`);
  return lines;
}

const bullets = (items: readonly { text: string }[], none: string, mark: (i: number) => string = () => "-"): string[] =>
  items.length === 0 ? [none] : items.map((x, i) => `${mark(i)} ${x.text}`);

export function renderDiffText(diffs: readonly StackDiff[]): string {
  const out: string[] = [];
  for (const d of diffs) {
    out.push(headline(d), `Policies: ${verdict(d)}`, "", "Exposure");
    out.push(...bullets(d.exposure.map((e) => ({ text: `${e.severity === "high" ? "!" : e.severity === "medium" ? "*" : "."} ${e.text}` })), "no change to what is reachable or to policy findings").map((l) => `  ${l.replace(/^- /, "")}`));
    out.push("", "Downtime");
    out.push(...bullets(d.downtime, "no container goes down", (i) => `${i + 1}.`).map((l) => `  ${l}`));
    out.push("", "Data");
    out.push(...bullets(d.data, "no volume or mount changes").map((l) => `  ${l}`));
    out.push("", "Changes");
    if (d.changes.length === 0) out.push("  no resource changes");
    for (const c of d.changes) out.push(...changeLines(c).map((l) => `  ${l}`));
    out.push("");
  }
  return out.join("\n");
}

/** Text inside a markdown list item: no line breaks, and no HTML tag can start inside a value. */
const inline = (text: string): string => text.replace(/\r?\n/g, " ").replace(/</g, "&lt;");

function details(summary: string, body: readonly string[]): string[] {
  return [`<details><summary>${summary}</summary>`, "", ...body, "", "</details>", ""];
}

/** A fenced block whose fence is longer than any backtick run inside it. */
function fenced(lang: string, lines: readonly string[]): string[] {
  const longest = Math.max(2, ...lines.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((m) => m.length))));
  const fence = "`".repeat(longest + 1);
  return [`${fence}${lang}`, ...lines, fence];
}

export function renderDiffMarkdown(diffs: readonly StackDiff[]): string {
  const out: string[] = [];
  for (const d of diffs) {
    const newStack = d.newStack ? " (new stack)" : "";
    out.push(`## Plan: \`${d.stack}\` against \`${d.base}\`${newStack}`, "", `**${verdict(d)}**: ${countsLine(d)}.`, "", "### Exposure", "");
    const marks = { high: "**⚠**", medium: "•", low: "◦" } as const;
    out.push(...(d.exposure.length === 0 ? ["No change to what is reachable or to policy findings."] : d.exposure.map((e) => `- ${marks[e.severity]} ${inline(e.text)}`)), "");
    out.push(...details(`Downtime (${d.downtime.length})`, d.downtime.length === 0 ? ["No container goes down."] : d.downtime.map((x) => `${x.order}. ${inline(x.text)}`)));
    out.push(...details(`Data (${d.data.length})`, d.data.length === 0 ? ["No volume or mount changes."] : d.data.map((x) => `- ${inline(x.text)}`)));
    const body = d.changes.length === 0 ? ["No resource changes."] : fenced("diff", d.changes.flatMap((c) => changeLines(c, 0)).map(diffMarker));
    out.push(...details(`Changes (${d.changes.length})`, body));
  }
  return out.join("\n");
}

/** GitHub colours a ```diff block by its first character: + green, - red, ! orange; a line diff keeps its own. */
function diffMarker(line: string): string {
  if (line.startsWith("+- ")) return `! ${line.slice(3)}`;
  if (line.startsWith("~ ")) return `! ${line.slice(2)}`;
  return line;
}

export interface JsonDiff {
  readonly stack: string;
  readonly base: string;
  readonly newStack: boolean;
  readonly changes: StackDiff["changes"];
  readonly exposure: StackDiff["exposure"];
  readonly downtime: StackDiff["downtime"];
  readonly data: StackDiff["data"];
  readonly summary: StackDiff["summary"];
}

const jsonDiff = (d: StackDiff): JsonDiff => ({
  stack: d.stack,
  base: d.base,
  newStack: d.newStack,
  changes: d.changes,
  exposure: d.exposure,
  downtime: d.downtime,
  data: d.data,
  summary: d.summary,
});

export function renderDiffJson(diffs: readonly StackDiff[], combined: boolean): string {
  if (!combined && diffs.length === 1) return JSON.stringify(jsonDiff(diffs[0]), null, 2) + "\n";
  const total = (k: keyof StackDiff["summary"]): number => diffs.reduce((n, d) => n + d.summary[k], 0);
  const summary = {
    stacks: diffs.length,
    create: total("create"),
    update: total("update"),
    replace: total("replace"),
    delete: total("delete"),
    same: total("same"),
    exposure: total("exposure"),
    mandatory: total("mandatory"),
    advisory: total("advisory"),
  };
  return JSON.stringify({ stacks: diffs.map(jsonDiff), summary }, null, 2) + "\n";
}

export function renderDiff(diffs: readonly StackDiff[], format: Format, combined: boolean): string {
  if (format === "json") return renderDiffJson(diffs, combined);
  return format === "markdown" ? renderDiffMarkdown(diffs) : renderDiffText(diffs);
}
