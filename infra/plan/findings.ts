/**
 * Policy findings as people read them: the rule's requirement once per rule
 * (a mandatory rule's "should" said as "must"), then each resource's reason
 * in full, a finding reported twice shown once with its count.
 */
import type { Violation } from "./policy";

export interface Finding {
  /** The resource name at the end of the URN; "stack" for stack-wide findings. */
  readonly resource: string;
  /** What is wrong with this resource: the lines after the rule's description, or the description. */
  readonly reason: string;
  /** How many identical findings this line stands for. */
  readonly count: number;
}

export interface RuleFindings {
  readonly policy: string;
  readonly level: Violation["level"];
  /** The rule's description, worded as a requirement when the rule is mandatory. */
  readonly requirement: string;
  readonly findings: readonly Finding[];
}

/** "Containers should cap CPU" -> "Containers must cap CPU": a mandatory rule is not a suggestion. */
export function asRequirement(description: string): string {
  return description.replace(/\bshould not\b/g, "must not").replace(/\bshould\b/g, "must").replace(/\bShould\b/g, "Must");
}

function urnName(urn: string): string {
  return urn.split("::").pop() || "stack";
}

/**
 * Groups violations by rule, in the order given. The policy SDK writes a
 * violation's message as its rule's description, a newline, then what it
 * reported (node_modules/@pulumi/policy/server.js, the reportViolation it
 * hands each rule).
 */
export function groupFindings(violations: readonly Violation[]): RuleFindings[] {
  const groups = new Map<string, { policy: string; level: Violation["level"]; description: string; findings: Map<string, Finding> }>();
  for (const v of violations) {
    const [description, ...rest] = v.message.split("\n");
    const reason = rest.join(" ").trim() || description;
    const key = `${v.level}\u0000${v.policy}`;
    const g = groups.get(key) ?? { policy: v.policy, level: v.level, description, findings: new Map<string, Finding>() };
    groups.set(key, g);
    const id = `${v.urn}\u0000${reason}`;
    const seen = g.findings.get(id);
    g.findings.set(id, { resource: urnName(v.urn), reason, count: (seen?.count ?? 0) + 1 });
  }
  return [...groups.values()].map((g) => ({
    policy: g.policy,
    level: g.level,
    requirement: g.level === "mandatory" ? asRequirement(g.description) : g.description,
    findings: [...g.findings.values()],
  }));
}

/** One finding as a line of text: `resource: reason`, with `(2 times)` when it was reported more than once. */
export function findingText(f: Finding): string {
  return `${f.resource}: ${f.reason}${f.count > 1 ? ` (${f.count} times)` : ""}`;
}
