/**
 * The unified line diff against GNU diff (`diff -U3`), the tool whose output
 * reviewers know: the same hunks, line for line.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { unifiedDiff } from "../../../infra/plan/diff";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-lines-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** GNU diff's hunks for the same two texts, without its two file-header lines. */
function gnuDiff(a: string, b: string): string[] {
  fs.writeFileSync(path.join(dir, "a"), a);
  fs.writeFileSync(path.join(dir, "b"), b);
  const r = spawnSync("diff", ["-U3", "a", "b"], { cwd: dir, encoding: "utf8" });
  if (r.error) throw r.error;
  if (r.status === 0) return [];
  return r.stdout.split("\n").slice(2, -1);
}

const numbered = (n: number, edit: (i: number) => string | undefined = (i) => `line ${i}`): string =>
  Array.from({ length: n }, (_, i) => edit(i + 1))
    .filter((l): l is string => l !== undefined)
    .join("\n") + "\n";

const cases: [string, string, string][] = [
  ["equal texts", numbered(5), numbered(5)],
  ["one line changed in the middle", numbered(20), numbered(20, (i) => (i === 10 ? "line ten" : `line ${i}`))],
  ["lines added at the end", numbered(5), numbered(8)],
  ["lines removed at the start", numbered(8), numbered(8, (i) => (i <= 2 ? undefined : `line ${i}`))],
  ["two distant changes: two hunks", numbered(40), numbered(40, (i) => (i === 5 || i === 30 ? `changed ${i}` : `line ${i}`))],
  ["two close changes: one hunk", numbered(40), numbered(40, (i) => (i === 10 || i === 15 ? `changed ${i}` : `line ${i}`))],
  ["from empty", "", numbered(3)],
  ["to empty", numbered(3), ""],
  [
    "a scrape job removed from a config",
    "scrape_configs:\n  - job_name: a\n    static_configs: [x]\n  - job_name: b\n    static_configs: [y]\n  - job_name: c\n",
    "scrape_configs:\n  - job_name: a\n    static_configs: [x]\n  - job_name: c\n",
  ],
];

test.each(cases)("%s: the hunks GNU diff prints", (_, a, b) => {
  const ours = unifiedDiff(a, b);
  expect(ours).toEqual(gnuDiff(a, b));
  if (a !== b) expect(ours.length).toBeGreaterThan(0);
});
