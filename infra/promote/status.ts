/**
 * Where each service's image stands along the promotion order, so an operator
 * sees at a glance which stack still waits for a promotion.
 */
import * as fs from "fs";
import { ConfigError, type ConfigProblem } from "../errors";
import { stackFilePath, StackFile } from "../stackfile";
import { PROMOTION_ORDER } from "../../stacks/profiles";
import { checkImmutable, immutablePattern } from "./images";

export interface StatusStack {
  readonly stack: string;
  readonly file: string;
  /** False when the stack has no file yet; its column is then empty. */
  readonly present: boolean;
}

export interface StatusRow {
  readonly service: string;
  /** Stack -> image; undefined when the stack lacks the service (or gives it no image). */
  readonly images: Readonly<Record<string, string | undefined>>;
  /**
   * Stacks that run the service while an earlier stack in the order runs a
   * different immutable image of it (one promotion could move): those wait
   * for a promotion. An earlier mutable image moves nothing, so it makes no
   * stack behind.
   */
  readonly behind: readonly string[];
}

export interface StatusReport {
  readonly stacks: readonly StatusStack[];
  readonly rows: readonly StatusRow[];
}

/** Reads every stack in the order; throws ConfigError listing the problems of all files at once. */
export function promotionStatus(projectDir: string, order: readonly string[] = PROMOTION_ORDER): StatusReport {
  const problems: ConfigProblem[] = [];
  const stacks: StatusStack[] = [];
  const parsed = new Map<string, { file: StackFile; pattern: RegExp | undefined }>();
  for (const stack of order) {
    const file = stackFilePath(projectDir, stack);
    const present = fs.existsSync(file);
    stacks.push({ stack, file, present });
    if (!present) continue;
    try {
      const stackFile = StackFile.read(file);
      parsed.set(stack, { file: stackFile, pattern: immutablePattern(stackFile, problems) });
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      problems.push(...err.problems);
    }
  }
  if (stacks.every((s) => !s.present)) {
    // A wrong --project-dir would otherwise print an empty table and look like success.
    problems.push({ file: projectDir, path: "", message: `no stack file for any of ${order.join(", ")} (expected ${order.map((s) => `Pulumi.${s}.yaml`).join(", ")})` });
  }
  if (problems.length > 0) throw new ConfigError(problems);

  // Rows follow first appearance along the order, so dev's file order leads.
  const services: string[] = [];
  for (const stack of order) for (const s of parsed.get(stack)?.file.services() ?? []) if (!services.includes(s.service)) services.push(s.service);
  const rows = services.map((service): StatusRow => {
    const images: Record<string, string | undefined> = {};
    for (const stack of order) images[stack] = parsed.get(stack)?.file.getImage(service);
    const promotable = (stack: string): boolean => {
      const image = images[stack];
      const pattern = parsed.get(stack)?.pattern;
      return (
        image !== undefined &&
        // Stryker disable next-line ConditionalExpression: a parsed stack whose pattern is undefined has pushed a problem, and problems throw before rows are built
        pattern !== undefined &&
        checkImmutable(image, pattern).immutable
      );
    };
    const behind = order.filter((stack, i) => {
      const mine = images[stack];
      return mine !== undefined && order.slice(0, i).some((earlier) => promotable(earlier) && images[earlier] !== mine);
    });
    return { service, images, behind };
  });
  return { stacks, rows };
}

/** A plain-text table: service, one column per stack, then the stacks that are behind. */
export function formatStatus(report: StatusReport): string {
  const header = ["SERVICE", ...report.stacks.map((s) => (s.present ? s.stack : `${s.stack} (no file)`)), "BEHIND"];
  const body = report.rows.map((r) => [r.service, ...report.stacks.map((s) => r.images[s.stack] ?? "-"), r.behind.length === 0 ? "-" : r.behind.join(", ")]);
  const table = [header, ...body];
  const widths = header.map((_, c) => Math.max(...table.map((row) => row[c].length)));
  const render = (row: string[]): string => row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c]))).join("  ");
  const behindCount = report.rows.filter((r) => r.behind.length > 0).length;
  const summary = behindCount === 0 ? "nothing is waiting for promotion" : `${behindCount} service${behindCount === 1 ? "" : "s"} waiting for promotion`;
  return [...table.map(render), "", summary].join("\n") + "\n";
}
