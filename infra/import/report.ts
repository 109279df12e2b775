/**
 * The import report: every key of every service with what became of it,
 * as text for a person and as JSON for tools. Never holds a secret value.
 */
import type { KeyStatus } from "./keys";

export interface KeyReport {
  readonly key: string;
  readonly status: KeyStatus;
  readonly note: string;
}

export interface ServiceReport {
  readonly name: string;
  /** refused: not imported; changed: imported with at least one key changed or refused; mapped: as written. */
  readonly status: KeyStatus;
  readonly keys: readonly KeyReport[];
}

export interface ExpectedFinding {
  readonly rule: string;
  /** The rule's level in the stack's policy config: mandatory ones make `npm run plan` exit 1. */
  readonly level: string;
  readonly service: string;
  readonly why: string;
}

export interface ImportReport {
  readonly stack: string;
  readonly file: string;
  readonly services: readonly ServiceReport[];
  /** Top-level compose keys (networks, volumes, secrets, ...). */
  readonly topLevel: readonly KeyReport[];
  /** Secret values: either written encrypted (`encrypted`) or left for these commands to set. */
  readonly secrets: { readonly mode: "encrypted" | "commands"; readonly paths: readonly string[]; readonly commands: readonly string[] };
  /** Policy-pack findings the plan will show for the imported services. */
  readonly expectedFindings: readonly ExpectedFinding[];
  readonly warnings: readonly string[];
  /** Whether the stack file was written (false under --dry-run). */
  readonly written: boolean;
}

export function serviceStatus(imported: boolean, keys: readonly KeyReport[]): KeyStatus {
  if (!imported) return "refused";
  return keys.every((k) => k.status === "mapped") ? "mapped" : "changed";
}

export function renderJson(r: ImportReport): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}

const MARK: Record<KeyStatus, string> = { mapped: "mapped ", changed: "changed", refused: "refused" };

export function renderText(r: ImportReport): string {
  const out: string[] = [];
  const verb = r.written ? "wrote" : "would write (dry run)";
  const imported = r.services.filter((s) => s.status !== "refused").length;
  out.push(`${verb} ${r.file}: ${imported} of ${r.services.length} service${r.services.length === 1 ? "" : "s"} imported into stack ${r.stack}`);
  for (const s of r.services) {
    out.push("", `${s.name}: ${s.status === "refused" ? "NOT IMPORTED" : s.status}`);
    for (const k of s.keys) out.push(`  ${MARK[k.status]}  ${k.key}${k.note ? `: ${k.note}` : ""}`);
  }
  if (r.topLevel.length > 0) {
    out.push("", "top level:");
    for (const k of r.topLevel) out.push(`  ${MARK[k.status]}  ${k.key}${k.note ? `: ${k.note}` : ""}`);
  }
  if (r.secrets.paths.length > 0) {
    out.push("");
    if (r.secrets.mode === "encrypted") out.push(`secrets: ${r.secrets.paths.length} value(s) written encrypted with PULUMI_CONFIG_PASSPHRASE:`, ...r.secrets.paths.map((p) => `  ${p}`));
    else out.push("secrets: not written; set each one (pulumi prompts for the value):", ...r.secrets.commands.map((c) => `  ${c}`));
  }
  if (r.expectedFindings.length > 0) {
    out.push("", "expected policy findings (npm run plan -- --stack " + r.stack + "):");
    for (const f of r.expectedFindings) out.push(`  ${f.level.padEnd(9)}  ${f.rule}  ${f.service}: ${f.why}`);
  }
  if (r.warnings.length > 0) out.push("", "warnings:", ...r.warnings.map((w) => `  ${w}`));
  return `${out.join("\n")}\n`;
}
