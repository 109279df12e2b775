/**
 * Swarm placement constraints (`node.labels.gpu == true`), parsed and
 * evaluated against the declared nodes, so the plan knows where a service
 * can run before the Swarm does. Syntax and attributes as Docker documents
 * them (docs.docker.com/reference/cli/docker/service/create/#constraint).
 */
import { declaredNames } from "../errors";
import type { SwarmNode } from "./model";

export interface Constraint {
  /** `node.hostname`, `node.role`, `node.labels.<name>`, `node.platform.os`, `node.platform.arch`. */
  readonly attribute: string;
  readonly op: "==" | "!=";
  readonly value: string;
}

export type ParsedConstraint = { ok: true; constraint: Constraint } | { ok: false; error: string };

const FORM = /^\s*([A-Za-z0-9_.-]+)\s*(==|!=)\s*(\S+)\s*$/;
/** Attributes the plan cannot know (they depend on the machine): any node may match. */
const UNKNOWABLE = new Set(["node.platform.os", "node.platform.arch"]);

export function parseConstraint(text: string): ParsedConstraint {
  const m = FORM.exec(text);
  if (!m) return { ok: false, error: `"${text}" is not ATTRIBUTE == VALUE or ATTRIBUTE != VALUE` };
  const [, attribute, op, value] = m;
  if (attribute === "node.hostname" || attribute === "node.role" || UNKNOWABLE.has(attribute) || /^node\.labels\.[^.]/.test(attribute)) {
    return { ok: true, constraint: { attribute, op: op as Constraint["op"], value } };
  }
  return { ok: false, error: `"${attribute}" is not checked by the plan: use node.hostname, node.role, node.labels.<name>, node.platform.os or node.platform.arch` };
}

/** The node's value for an attribute; undefined when it has none (an unset label). */
function valueOf(node: SwarmNode, attribute: string): string | undefined {
  if (attribute === "node.hostname") return node.hostname;
  if (attribute === "node.role") return node.role;
  if (attribute.startsWith("node.labels.")) return node.labels[attribute.slice("node.labels.".length)];
  return undefined;
}

export function matches(node: SwarmNode, c: Constraint): boolean {
  if (UNKNOWABLE.has(c.attribute)) return true;
  const v = valueOf(node, c.attribute);
  // Swarm: `!=` also holds for a node without the label.
  return c.op === "==" ? v === c.value : v !== c.value;
}

/** Nodes that satisfy every constraint. */
export function eligibleNodes(nodes: readonly SwarmNode[], constraints: readonly Constraint[]): SwarmNode[] {
  return nodes.filter((n) => constraints.every((c) => matches(n, c)));
}

/** Why a constraint names something no declared node has, or undefined when some node has it. */
export function unknownNameProblem(nodes: readonly SwarmNode[], c: Constraint): string | undefined {
  if (UNKNOWABLE.has(c.attribute)) return undefined;
  if (c.attribute === "node.role") return c.value === "manager" || c.value === "worker" ? undefined : `node.role is manager or worker, not "${c.value}"`;
  if (c.attribute === "node.hostname") {
    return nodes.some((n) => n.hostname === c.value) ? undefined : `no declared node has hostname "${c.value}" ${declaredNames(nodes.map((n) => n.hostname))}`;
  }
  const label = c.attribute.slice("node.labels.".length);
  const having = nodes.filter((n) => n.labels[label] !== undefined);
  if (having.length === 0) return `no declared node has the label "${label}" (set it under homelab:hosts.<host>.labels and with docker node update --label-add)`;
  if (c.op === "==" && !having.some((n) => n.labels[label] === c.value)) {
    return `no declared node has ${label}=${c.value} (values: ${[...new Set(having.map((n) => n.labels[label]))].join(", ")})`;
  }
  return undefined;
}

/** The constraints of a list that parse; the others are checkPlacement's to report. */
export function validConstraints(texts: readonly string[]): Constraint[] {
  return texts.flatMap((c) => {
    const r = parseConstraint(c);
    return r.ok ? [r.constraint] : [];
  });
}
