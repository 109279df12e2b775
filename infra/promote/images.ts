/**
 * Which image references may be promoted. Promotion exists so that a stack
 * runs exactly what the previous stack ran; that only holds when the
 * reference cannot be re-pointed after it was tested.
 */
import type { ConfigProblem } from "../errors";
import { RELEASE_KEY, type StackFile } from "../stackfile";

/** Used when the source stack sets no `homelab:release.immutableTag`: the tags CI builds from commits. */
export const DEFAULT_IMMUTABLE_TAG = "^sha-[0-9a-f]{7,40}$";

export interface ImageRefParts {
  /** Everything before the tag or digest: `ghcr.io/acme/api`, `localhost:5000/x`. */
  readonly name: string;
  readonly tag: string | undefined;
  /** `sha256:<hex>` when the reference carries `@...`. */
  readonly digest: string | undefined;
}

/** Splits `name[:tag][@digest]`; a colon before the last slash is a registry port, not a tag. */
export function splitImageRef(ref: string): ImageRefParts {
  const at = ref.indexOf("@");
  const digest = at >= 0 ? ref.slice(at + 1) : undefined;
  const rest = at >= 0 ? ref.slice(0, at) : ref;
  const slash = rest.lastIndexOf("/");
  const colon = rest.lastIndexOf(":");
  return colon > slash
    ? { name: rest.slice(0, colon), tag: rest.slice(colon + 1), digest }
    : { name: rest, tag: undefined, digest };
}

export type Mutability =
  | { readonly immutable: true; readonly by: "digest" | "tag" }
  | { readonly immutable: false; readonly reason: string };

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/**
 * A digest always qualifies: it names content, whatever tag sits beside it.
 * Otherwise the tag must match `immutableTag`. `latest` and untagged
 * references never qualify, even under a pattern loose enough to match them,
 * because registries move them by design.
 */
export function checkImmutable(ref: string, immutableTag: RegExp): Mutability {
  const parts = splitImageRef(ref);
  if (parts.name === "" || /\s/.test(ref)) return { immutable: false, reason: "is not an image reference" };
  if (parts.digest !== undefined) {
    return DIGEST.test(parts.digest)
      ? { immutable: true, by: "digest" }
      : { immutable: false, reason: `has a malformed digest "${parts.digest}" (expected sha256: and 64 hex digits)` };
  }
  if (parts.tag === undefined || parts.tag === "") {
    return { immutable: false, reason: "has no tag or digest, so it means whatever `latest` points to at pull time" };
  }
  if (parts.tag === "latest") return { immutable: false, reason: "uses the moving tag `latest`" };
  if (!immutableTag.test(parts.tag)) {
    return { immutable: false, reason: `has tag "${parts.tag}", which does not match the immutable-tag pattern /${immutableTag.source}/` };
  }
  return { immutable: true, by: "tag" };
}

/**
 * The stack's own immutable-tag pattern (its `homelab:release.immutableTag`,
 * else the default). Problems name the file, key path and line.
 */
export function immutablePattern(stack: StackFile, problems: ConfigProblem[]): RegExp | undefined {
  const raw = stack.getConfig(RELEASE_KEY, "immutableTag");
  if (raw === undefined || raw === null) return new RegExp(DEFAULT_IMMUTABLE_TAG);
  const where = { file: stack.name, path: `${RELEASE_KEY}.immutableTag` };
  const line = stack.lineOf(RELEASE_KEY, "immutableTag");
  if (typeof raw !== "string") {
    problems.push({ ...where, message: `line ${line}: must be a regular expression string` });
    return undefined;
  }
  try {
    return new RegExp(raw);
  } catch (err) {
    problems.push({ ...where, message: `line ${line}: is not a valid regular expression (${(err as Error).message})` });
    return undefined;
  }
}
