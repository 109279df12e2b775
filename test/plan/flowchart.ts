/**
 * A strict reader for the mermaid flowcharts the plan writes, so tests can
 * ask which nodes and edges a diagram has: every line must be one of the few
 * forms the renderer uses, with quoted labels and safe ids. Whether mermaid
 * accepts a diagram is judged by mermaid itself, in mermaid.render.test.ts.
 */

export interface Flowchart {
  readonly direction: string;
  /** Node id -> label, for every declared node. */
  readonly nodes: Map<string, string>;
  /** Subgraph id -> label and the node ids declared inside it. */
  readonly subgraphs: Map<string, { label: string; members: string[] }>;
  readonly edges: { from: string; to: string; label: string | undefined; dotted: boolean }[];
  /** Lines that are not valid in this grammar, with the reason. */
  readonly problems: string[];
}

// Words the flowchart grammar reserves; as ids they would be read as keywords.
const RESERVED = new Set(["end", "subgraph", "graph", "flowchart", "style", "classDef", "class", "click", "linkStyle", "call", "href", "direction", "default", "interpolate", "accTitle", "accDescr"]);
const ID = "([A-Za-z][A-Za-z0-9_]*)";
// A quoted label: no quote, newline or raw angle bracket inside (the renderer writes #quot; #lt; #gt;).
const LABEL = '"([^"<>\\n]*)"';
const SHAPES: [string, string][] = [
  ["\\[\\[", "\\]\\]"],
  ["\\[\\(", "\\)\\]"],
  ["\\(\\(", "\\)\\)"],
  ["\\{\\{", "\\}\\}"],
  ["\\[", "\\]"],
];
const NODE = new RegExp(`^${ID}(?:${SHAPES.map(([o, c]) => `${o}${LABEL}${c}`).join("|")})$`);
const SUBGRAPH = new RegExp(`^subgraph ${ID} \\[${LABEL}\\]$`);
const EDGE = new RegExp(`^${ID} (-->|-\\.->)(?:\\|${LABEL}\\|)? ${ID}$`);

export function parseFlowchart(block: string): Flowchart {
  const [first, ...rest] = block.split("\n");
  const problems: string[] = [];
  const direction = /^flowchart (LR|RL|TB|TD|BT)$/.exec(first)?.[1] ?? "";
  if (!direction) problems.push(`first line is not "flowchart <direction>": ${first}`);
  const nodes = new Map<string, string>();
  const subgraphs = new Map<string, { label: string; members: string[] }>();
  const edges: Flowchart["edges"] = [];
  const open: string[] = [];
  const useId = (id: string, line: string): void => {
    if (RESERVED.has(id)) problems.push(`reserved word as id: ${line}`);
    // After an arrow, an id starting with o or x can be read as a circle or cross edge end.
    if (/^[ox]/.test(id)) problems.push(`id starting with o/x: ${line}`);
  };
  for (const raw of rest) {
    const line = raw.trim();
    let m: RegExpExecArray | null;
    if (line === "end") {
      if (open.pop() === undefined) problems.push("end without subgraph");
    } else if ((m = SUBGRAPH.exec(line))) {
      useId(m[1], line);
      if (subgraphs.has(m[1]) || nodes.has(m[1])) problems.push(`duplicate id: ${line}`);
      subgraphs.set(m[1], { label: m[2], members: [] });
      open.push(m[1]);
    } else if ((m = EDGE.exec(line))) {
      useId(m[1], line);
      useId(m[4], line);
      edges.push({ from: m[1], to: m[4], label: m[3], dotted: m[2] === "-.->" });
    } else if ((m = NODE.exec(line))) {
      useId(m[1], line);
      if (nodes.has(m[1]) || subgraphs.has(m[1])) problems.push(`duplicate id: ${line}`);
      nodes.set(m[1], m.slice(2).find((x) => x !== undefined) ?? "");
      if (open.length > 0) subgraphs.get(open[open.length - 1])!.members.push(m[1]);
    } else problems.push(`not flowchart syntax: ${line}`);
  }
  if (open.length > 0) problems.push(`unclosed subgraph(s): ${open.join(", ")}`);
  for (const e of edges) {
    for (const id of [e.from, e.to]) if (!nodes.has(id)) problems.push(`edge to an undeclared node: ${id}`);
  }
  return { direction, nodes, subgraphs, edges, problems };
}

/** The mermaid blocks of a markdown document. */
export function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```mermaid\n([\s\S]*?)\n```/g)].map((m) => m[1]);
}
