/**
 * The plan's flowcharts judged by mermaid itself: mermaid's own bundle
 * (node_modules/mermaid/dist/mermaid.min.js, loaded from disk, no network)
 * parses and renders each shipped stack's diagram in headless Chromium
 * (Debian's `chromium`, listed in .ci/run). A diagram mermaid refuses is what
 * GitHub would show as an error box instead of the picture.
 */
import * as path from "path";
import { chromium, type Browser, type Page } from "playwright-core";
import { mermaidDiagram } from "../../infra/plan";
import { assemblePlan, evaluateForPlan } from "../../infra/plan/plan";
import { mermaidLabel } from "../../infra/plan/mermaid";
import { PROJECT_DIR, SHIPPED_STACKS } from "../support/stacks";

jest.setTimeout(60_000);

const CHROMIUM = "/usr/bin/chromium";
const MERMAID = path.join(PROJECT_DIR, "node_modules", "mermaid", "dist", "mermaid.min.js");

let browser: Browser;
let page: Page;
const diagrams = new Map<string, string>();

beforeAll(async () => {
  for (const stack of SHIPPED_STACKS) {
    // The diagram reads the topology only; no policy verdict is needed to draw it.
    const plan = assemblePlan(await evaluateForPlan({ stack }), { pack: { name: "none", version: "0" }, configFile: "none", violations: [] });
    diagrams.set(stack, mermaidDiagram(plan));
  }
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  page = await browser.newPage();
  // Nothing leaves the machine: every request but the page itself is refused.
  await page.route(/^(?!about:|data:|file:)/, (route) => route.abort());
  await page.setContent("<!doctype html><html><body></body></html>");
  await page.addScriptTag({ path: MERMAID });
  await page.evaluate(() => (globalThis as unknown as { mermaid: { initialize(c: object): void } }).mermaid.initialize({ startOnLoad: false, securityLevel: "strict" }));
});
afterAll(async () => {
  await browser?.close();
});

interface Rendered {
  readonly ok: boolean;
  readonly error?: string;
  readonly nodes?: number;
  readonly edges?: number;
  readonly clusters?: number;
  readonly labels?: string[];
}

/** mermaid.parse, then mermaid.render into an SVG whose drawn nodes, edges and subgraphs are counted. */
function render(text: string): Promise<Rendered> {
  return page.evaluate(async (source) => {
    const m = (globalThis as unknown as { mermaid: { parse(t: string): Promise<unknown>; render(id: string, t: string): Promise<{ svg: string }> } }).mermaid;
    try {
      await m.parse(source);
      const { svg } = await m.render(`d${Math.random().toString(36).slice(2)}`, source);
      // The test compiles without DOM types; the page has them.
      type Found = ArrayLike<{ textContent: string | null }>;
      const Parser = (globalThis as unknown as { DOMParser: new () => { parseFromString(s: string, t: string): { querySelectorAll(q: string): Found } } }).DOMParser;
      const doc = new Parser().parseFromString(svg, "image/svg+xml");
      return {
        ok: true,
        nodes: doc.querySelectorAll("g.node").length,
        edges: doc.querySelectorAll("path.flowchart-link").length,
        clusters: doc.querySelectorAll("g.cluster").length,
        labels: Array.from(doc.querySelectorAll("g.node")).map((n) => (n.textContent ?? "").trim()),
      };
    } catch (err) {
      return { ok: false, error: String(err instanceof Error ? err.message : err) };
    }
  }, text);
}

describe("mermaid renders the plan's flowcharts", () => {
  it("refuses a broken flowchart, so a clean render means something", async () => {
    expect(await render("flowchart LR\n  a[one] --> \n  subgraph")).toMatchObject({ ok: false });
  });

  it.each([...SHIPPED_STACKS])("%s: parses and draws every node and edge", async (stack) => {
    const text = diagrams.get(stack)!;
    const r = await render(text);
    expect(r).toMatchObject({ ok: true });
    // The counts the diagram's text declares: one drawn node per node line, one path per arrow.
    const edgeLines = text.split("\n").filter((l) => /\s(-->|-\.->)(\|[^|]*\|)?\s/.test(l)).length;
    const subgraphs = text.split("\n").filter((l) => /^\s*subgraph\s/.test(l)).length;
    expect(edgeLines).toBeGreaterThan(5);
    expect({ edges: r.edges, clusters: r.clusters }).toEqual({ edges: edgeLines, clusters: subgraphs });
    expect(r.nodes).toBeGreaterThan(5);
  });

  it("draws quotes and angle brackets in a label as text, not markup", async () => {
    const r = await render(`flowchart LR\n  n1[${mermaidLabel('say "hi" <b>')}]`);
    expect(r).toMatchObject({ ok: true, nodes: 1, labels: ['say "hi" <b>'] });
  });
});
