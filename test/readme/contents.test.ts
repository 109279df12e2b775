/**
 * The README's table of contents lists every section (`##`) and every
 * subsection (`###`), and each link leads to a heading, by GitHub's anchor rule.
 */
import * as fs from "fs";
import * as path from "path";

const README = fs.readFileSync(path.resolve(__dirname, "..", "..", "README.md"), "utf8");

/** GitHub's heading anchors: lower case, punctuation dropped, spaces as '-'. */
const anchor = (heading: string): string => heading.toLowerCase().replace(/[^\p{L}\p{N}_\- ]/gu, "").replace(/ /g, "-");

function headings(): { level: number; text: string }[] {
  let fenced = false;
  return README.split("\n").flatMap((l) => {
    if (l.startsWith("```")) fenced = !fenced;
    const m = fenced ? null : /^(#{2,3}) (.+)$/.exec(l);
    return m && m[2] !== "Contents" ? [{ level: m[1].length, text: m[2] }] : [];
  });
}

function contents(): { level: number; text: string; target: string }[] {
  const start = README.indexOf("## Contents\n");
  const block = README.slice(start, README.indexOf("\n## ", start + 1));
  return [...block.matchAll(/^( *)- \[(.+)\]\(#(.+)\)$/gm)].map((m) => ({ level: m[1].length === 0 ? 2 : 3, text: m[2], target: m[3] }));
}

describe("README table of contents", () => {
  it("lists every section and subsection, in order", () => {
    expect(headings().length).toBeGreaterThan(20);
    expect(contents().map((c) => [c.level, c.text])).toEqual(headings().map((h) => [h.level, h.text]));
  });

  it("links each entry to its heading's anchor", () => {
    for (const c of contents()) expect([c.text, c.target]).toEqual([c.text, anchor(c.text)]);
  });
});
