/**
 * A unified diff of two texts' lines, for the long text inputs a plan holds
 * (generated config files uploaded into containers): what a reviewer reads
 * in `git diff`, hunks with three lines of context.
 */

const CONTEXT = 3;

type Op = { readonly kind: " " | "-" | "+"; readonly line: string };

/** The edit script from `a` to `b` by longest common subsequence (config files are a few hundred lines). */
function editScript(a: readonly string[], b: readonly string[]): Op[] {
  // Common head and tail first: most edits touch a few lines in the middle.
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  const n = midA.length;
  const m = midB.length;
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i][j] = midA[i] === midB[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const ops: Op[] = a.slice(0, start).map((line) => ({ kind: " ", line }));
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && midA[i] === midB[j]) {
      ops.push({ kind: " ", line: midA[i] });
      i++;
      j++;
    } else if (i < n && (j === m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      // Removals before additions, as diff(1) prints a changed line.
      ops.push({ kind: "-", line: midA[i++] });
    } else {
      ops.push({ kind: "+", line: midB[j++] });
    }
  }
  for (const line of a.slice(endA)) ops.push({ kind: " ", line });
  return ops;
}

const splitLines = (text: string): string[] => {
  const lines = text.split(/\r?\n/);
  // A trailing newline ends the last line; it does not start an empty one.
  if (lines.length > 1 && lines[lines.length - 1] === "") lines.pop();
  return text === "" ? [] : lines;
};

/**
 * The hunks of a unified diff (`@@ -a,b +c,d @@` headers, then lines starting
 * with " ", "-" or "+"), without the `---`/`+++` file header. Empty when equal.
 */
export function unifiedDiff(oldText: string, newText: string): string[] {
  const ops = editScript(splitLines(oldText), splitLines(newText));
  const changed = ops.map((o, k) => (o.kind === " " ? -1 : k)).filter((k) => k >= 0);
  if (changed.length === 0) return [];
  // Group changes whose context would touch into one hunk.
  const groups: [number, number][] = [];
  for (const k of changed) {
    const last = groups[groups.length - 1];
    if (last && k - last[1] <= 2 * CONTEXT + 1) last[1] = k;
    else groups.push([k, k]);
  }
  // Line numbers before each op, on each side.
  const oldAt: number[] = [];
  const newAt: number[] = [];
  let o = 1;
  let n = 1;
  for (const op of ops) {
    oldAt.push(o);
    newAt.push(n);
    if (op.kind !== "+") o++;
    if (op.kind !== "-") n++;
  }
  const out: string[] = [];
  for (const [first, last] of groups) {
    const from = Math.max(0, first - CONTEXT);
    const to = Math.min(ops.length - 1, last + CONTEXT);
    const hunk = ops.slice(from, to + 1);
    const oldLen = hunk.filter((h) => h.kind !== "+").length;
    const newLen = hunk.filter((h) => h.kind !== "-").length;
    // As diff(1) writes it: an empty side starts one line before.
    const oldStart = oldLen === 0 ? oldAt[from] - 1 : oldAt[from];
    const newStart = newLen === 0 ? newAt[from] - 1 : newAt[from];
    out.push(`@@ -${oldStart},${oldLen} +${newStart},${newLen} @@`, ...hunk.map((h) => `${h.kind}${h.line}`));
  }
  return out;
}
