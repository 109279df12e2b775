/**
 * PromQL syntax check with the Prometheus project's own grammar
 * (@prometheus-io/lezer-promql, the parser behind Prometheus's web UI).
 * Lezer parsers recover from errors by inserting error nodes, so "parses"
 * means "the tree has no error node".
 */
import { parser } from "@prometheus-io/lezer-promql";

/** Why `expr` is not PromQL (with the offending column), or undefined when it parses. */
export function promqlSyntaxError(expr: string): string | undefined {
  if (expr.trim() === "") return "is empty";
  const tree = parser.parse(expr);
  let at: number | undefined;
  tree.iterate({
    enter: (node) => {
      if (at === undefined && node.type.isError) at = node.from;
      return at === undefined;
    },
  });
  if (at === undefined) return undefined;
  const near = expr.slice(at, at + 20);
  return `is not valid PromQL: syntax error at column ${at + 1}${near === "" ? " (unexpected end)" : ` near "${near}"`}`;
}
