/**
 * Docker image references, by the grammar of distribution/reference
 * (registry, path, tag, digest). A reference that fails here would fail at
 * `docker pull`, after resources around it were already created.
 */
import type { Parsed } from "../parse";

export interface ImageReference {
  /** Registry host (with port), undefined for Docker Hub. */
  readonly registry: string | undefined;
  /** Repository path, e.g. `pedromiravaz/miravaz-api` or `postgres`. */
  readonly path: string;
  readonly tag: string | undefined;
  /** `sha256:<hex>` */
  readonly digest: string | undefined;
}

const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN = new RegExp(`^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?$`);
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[_.]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const NAME_MAX = 255;

const fail = (error: string): Parsed<ImageReference> => ({ ok: false, error });

/** Parses `[registry/]path[:tag][@digest]`; the error says which part is wrong. */
export function parseImageReference(text: string): Parsed<ImageReference> {
  if (text.trim().length === 0) return fail("the image reference is empty, e.g. ghcr.io/owner/app:1.2.3");
  if (/\s/.test(text)) return fail("an image reference has no spaces, e.g. ghcr.io/owner/app:1.2.3");
  // Never valid in a reference, and the mark of a pasted shell line.
  if (/[;&|$`<>"'\\(){}*?!]/.test(text)) return fail("an image reference holds no shell characters (; & | $ quotes ...), e.g. ghcr.io/owner/app:1.2.3");
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return fail("the digest after '@' must be an algorithm and hex, e.g. @sha256:<64 hex digits>");
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf("/");
  const colon = rest.lastIndexOf(":");
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return fail("the tag after ':' may hold letters, digits, '_', '.' and '-' (at most 128, not starting with '.' or '-')");
  }
  if (rest.length === 0) return fail("the image name is missing, e.g. postgres:16.4");
  if (rest.length > NAME_MAX) return fail(`the image name is longer than ${NAME_MAX} characters`);
  const parts = rest.split("/");
  let registry: string | undefined;
  const first = parts[0];
  if (parts.length > 1 && (first.includes(".") || first.includes(":") || first === "localhost" || first !== first.toLowerCase())) {
    if (!DOMAIN.test(first)) return fail(`registry "${first}" is not a host name with an optional port`);
    registry = first;
    parts.shift();
  }
  for (const p of parts) {
    if (!PATH_COMPONENT.test(p)) return fail("each part of the repository path is lower-case letters and digits, joined by '.', '_', '__' or '-'");
  }
  return { ok: true, value: { registry, path: parts.join("/"), tag, digest } };
}
