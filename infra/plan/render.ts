/**
 * The three faces of a plan: text for a terminal, markdown for a pull-request
 * comment (with a mermaid diagram), JSON for machines. All three are built
 * from the display form of the resources, so none can show a secret.
 */
import type { Endpoint, HostPortEndpoint, TunnelEndpoint } from "./endpoints";
import { MERMAID_MAX_EDGES, MERMAID_MAX_TEXT, mermaidDiagram, mermaidEdgeCount, mermaidFits } from "./mermaid";
import type { PlannedResource, StackPlan } from "./plan";
import { findingText, groupFindings } from "./findings";
import type { Violation } from "./policy";
import { backupCoverage, coverageHeadline, coverageRows, type BackupCoverage } from "./backups";
import { SWARM_HEADER, swarmRows } from "./swarm";

export type Format = "text" | "markdown" | "json";
export const FORMATS: readonly Format[] = ["text", "markdown", "json"];

export interface JsonPlan {
  readonly stack: string;
  readonly file: string;
  readonly profile: string;
  readonly policyPack: string;
  readonly policyConfig: string;
  readonly resources: readonly {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly parent: string | null;
    readonly provider: string | null;
    readonly inputs: PlannedResource["inputs"];
    readonly dependencies: readonly string[];
    readonly propertyDependencies: PlannedResource["propertyDependencies"];
    readonly options: PlannedResource["options"];
  }[];
  readonly endpoints: readonly Endpoint[];
  readonly violations: readonly Violation[];
  readonly summary: StackPlan["summary"];
  /** Backup coverage per named volume. */
  readonly backups: BackupCoverage;
}

export function jsonPlan(plan: StackPlan): JsonPlan {
  return {
    stack: plan.stack,
    file: plan.file,
    profile: plan.profile,
    policyPack: `${plan.policyPack.name}@${plan.policyPack.version}`,
    policyConfig: plan.policyConfig,
    resources: plan.resources.map((r) => ({
      urn: r.urn,
      type: r.type,
      name: r.name,
      parent: r.parent ?? null,
      provider: r.provider ?? null,
      inputs: r.inputs,
      dependencies: r.dependencies,
      propertyDependencies: r.propertyDependencies,
      options: r.options,
    })),
    endpoints: plan.endpoints,
    violations: plan.violations,
    summary: plan.summary,
    backups: backupCoverage(plan.model),
  };
}

/**
 * One stack: its JSON object. `combined` (--all, or several stacks named):
 * `{stacks: [...], summary}`, whatever the number of stacks, so the shape
 * follows from the command line alone.
 */
export function renderJson(plans: readonly StackPlan[], combined: boolean): string {
  if (!combined && plans.length === 1) return JSON.stringify(jsonPlan(plans[0]), null, 2) + "\n";
  return (
    JSON.stringify(
      {
        stacks: plans.map(jsonPlan),
        summary: {
          stacks: plans.length,
          mandatory: plans.reduce((n, p) => n + p.summary.mandatory, 0),
          advisory: plans.reduce((n, p) => n + p.summary.advisory, 0),
        },
      },
      null,
      2,
    ) + "\n"
  );
}

/** Children by parent URN, in registration order. */
function childrenOf(resources: readonly PlannedResource[]): Map<string | undefined, PlannedResource[]> {
  const urns = new Set(resources.map((r) => r.urn));
  const out = new Map<string | undefined, PlannedResource[]>();
  for (const r of resources) {
    const p = r.parent && urns.has(r.parent) ? r.parent : undefined;
    out.set(p, [...(out.get(p) ?? []), r]);
  }
  return out;
}

/** Components first (their children follow), then custom resources, each by name. */
function sortSiblings(list: readonly PlannedResource[]): PlannedResource[] {
  return [...list].sort((a, b) => Number(a.custom) - Number(b.custom) || a.name.localeCompare(b.name));
}

export function resourceTree(resources: readonly PlannedResource[]): string[] {
  const children = childrenOf(resources);
  const lines: string[] = [];
  const walk = (r: PlannedResource, prefix: string, last: boolean, root: boolean): void => {
    const branch = root ? "" : last ? "└─ " : "├─ ";
    lines.push(`${prefix}${branch}${r.name}  (${r.type})`);
    const kids = sortSiblings(children.get(r.urn) ?? []);
    const next = root ? prefix : prefix + (last ? "   " : "│  ");
    kids.forEach((k, i) => walk(k, next, i === kids.length - 1, false));
  };
  for (const r of sortSiblings(children.get(undefined) ?? [])) walk(r, "", true, true);
  return lines;
}

function tunnelRow(e: TunnelEndpoint): [string, string, string] {
  const via = `tunnel ${e.tunnel ?? ""} (${e.access === "public" ? "public" : "Access"}${e.dns ? "" : ", no DNS record"})`.replace("  ", " ");
  const to = `${e.container ?? e.origin}${e.port === undefined ? "" : `:${e.port}`}${e.host ? ` on ${e.host}` : ""}`;
  return [`https://${e.hostname}`, via, to];
}

function hostPortRow(e: HostPortEndpoint): [string, string, string] {
  return [
    `${e.interface}:${e.hostPort ?? "(random)"}/${e.protocol}`,
    `host port on ${e.host ?? "?"} (${e.scope})`,
    `${e.container}:${e.containerPort}`,
  ];
}

export function endpointRows(endpoints: readonly Endpoint[]): [string, string, string][] {
  return endpoints.map((e) => (e.kind === "tunnel" ? tunnelRow(e) : hostPortRow(e)));
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r: readonly string[]) => r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  return [fmt(header), fmt(widths.map((w) => "-".repeat(w))), ...rows.map(fmt)];
}

const LEVEL_ORDER = ["mandatory", "remediate", "advisory"] as const;

function byLevel(violations: readonly Violation[]): [string, Violation[]][] {
  return LEVEL_ORDER.map((l) => [l, violations.filter((v) => v.level === l)] as [string, Violation[]]).filter(([, v]) => v.length > 0);
}

function verdict(plan: StackPlan): string {
  const s = plan.summary;
  if (s.mandatory > 0) return `FAIL: ${s.mandatory} mandatory violation${s.mandatory === 1 ? "" : "s"}, ${s.advisory} advisory`;
  return s.advisory > 0 ? `PASS with ${s.advisory} advisory finding${s.advisory === 1 ? "" : "s"}` : "PASS";
}

export function renderText(plans: readonly StackPlan[]): string {
  const out: string[] = [];
  for (const plan of plans) {
    const s = plan.summary;
    out.push(
      `Stack ${plan.stack} (${plan.file}, profile ${plan.profile}): ${s.resources} resources (${s.customResources} custom, ${s.components} components)`,
      "",
      "Resources",
      ...resourceTree(plan.resources).map((l) => `  ${l}`),
      "",
      "Reachable",
    );
    const rows = endpointRows(plan.endpoints);
    if (rows.length === 0) out.push("  nothing is published: no tunnel route, no host port");
    else out.push(...table(["FROM", "VIA", "TO"], rows).map((l) => `  ${l}`));
    const coverage = backupCoverage(plan.model);
    out.push("", `Backups: ${coverageHeadline(coverage)}`);
    if (coverage.volumes.length > 0) out.push(...table(["VOLUME", "HOST", "SERVICE", "BACKUP"], coverageRows(coverage)).map((l) => `  ${l}`));
    const swarm = swarmRows(plan.model);
    if (swarm.length > 0) out.push("", `Swarm (manager ${plan.model.swarm!.manager})`, ...table(SWARM_HEADER, swarm).map((l) => `  ${l}`));
    out.push("", `Policies (${plan.policyPack.name} ${plan.policyPack.version}, ${plan.policyConfig}): ${verdict(plan)}`);
    for (const [level, list] of byLevel(plan.violations)) {
      out.push(`  ${level} (${list.length})`);
      for (const rule of groupFindings(list)) {
        out.push(`    [${rule.policy}] ${rule.requirement}`);
        for (const f of rule.findings) out.push(`      ${findingText(f)}`);
      }
    }
    out.push("");
  }
  return out.join("\n");
}

/** Markdown table cell: pipes escaped, newlines folded. */
function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

function mdTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`)];
}

function diagramBlock(plan: StackPlan): string[] {
  const diagram = mermaidDiagram(plan);
  if (mermaidFits(diagram)) return ["```mermaid", diagram, "```"];
  return [
    `_No diagram: at ${mermaidEdgeCount(diagram)} edges and ${diagram.length} characters it is larger than GitHub draws (${MERMAID_MAX_EDGES} edges, ${MERMAID_MAX_TEXT} characters); the Reachable table below lists everything published._`,
  ];
}

export function renderMarkdown(plans: readonly StackPlan[]): string {
  const out: string[] = [];
  for (const plan of plans) {
    const s = plan.summary;
    out.push(
      `## Plan: \`${plan.stack}\` (${plan.profile} profile)`,
      "",
      `**${verdict(plan)}**: ${s.resources} resources (${s.customResources} custom), ${s.publicHostnames} public hostname(s), ${s.protectedHostnames} behind Access, ${s.hostPorts} host port(s). Policy pack \`${plan.policyPack.name}@${plan.policyPack.version}\` with \`${plan.policyConfig}\`.`,
      "",
      ...diagramBlock(plan),
      "",
      "### Reachable",
      "",
    );
    const rows = endpointRows(plan.endpoints);
    out.push(...(rows.length === 0 ? ["Nothing is published: no tunnel route, no host port."] : mdTable(["From", "Via", "To"], rows)), "");
    const coverage = backupCoverage(plan.model);
    out.push("### Backups", "", `${coverageHeadline(coverage)}.`, "");
    if (coverage.volumes.length > 0) out.push(...mdTable(["Volume", "Host", "Service", "Backup"], coverageRows(coverage)), "");
    const swarm = swarmRows(plan.model);
    if (swarm.length > 0) out.push(`### Swarm (manager \`${plan.model.swarm!.manager}\`)`, "", ...mdTable(["Service", "Tasks", "Nodes"], swarm), "");
    out.push("### Policy results", "");
    const groups = byLevel(plan.violations);
    if (groups.length === 0) out.push("No violations.", "");
    for (const [level, list] of groups) {
      const rows = groupFindings(list).flatMap((rule) =>
        rule.findings.map((f) => [`\`${rule.policy}\``, `\`${f.resource}\``, `${f.reason}${f.count > 1 ? ` (${f.count} times)` : ""}`, rule.requirement]),
      );
      out.push(`#### ${level} (${list.length})`, "", ...mdTable(["Policy", "Resource", "Finding", "Requirement"], rows), "");
    }
    out.push("<details><summary>Resources</summary>", "", "```text", ...resourceTree(plan.resources), "```", "", "</details>", "");
  }
  return out.join("\n");
}

export function render(plans: readonly StackPlan[], format: Format, combined: boolean): string {
  if (format === "json") return renderJson(plans, combined);
  return format === "markdown" ? renderMarkdown(plans) : renderText(plans);
}
