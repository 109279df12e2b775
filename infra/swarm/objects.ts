/**
 * Names of the Swarm configs and secrets a service mounts. Both are
 * immutable in a Swarm (kreuzwerker/terraform-provider-docker v4.5.0
 * resource_docker_config.go, resource_docker_secret.go: every input
 * ForceNew, no Update), so each name carries a suffix that changes with the
 * content: new content is a new object under a new name, created before the
 * service moves to it, and the old one is deleted once nothing uses it.
 * Swarmkit takes at most 64 characters of [a-zA-Z0-9-_.], starting and
 * ending with a letter or digit (manager/controlapi/common.go,
 * validateConfigOrSecretAnnotations).
 */
import { createHash } from "crypto";

export const MAX_OBJECT_NAME = 64;

/** Hex characters of the suffix: a content hash for configs, 4 random bytes for secrets. */
export const SUFFIX_HEX = 8;

/** `<service>_<item>_<suffix>`. */
export function objectName(serviceName: string, item: string, suffix: string): string {
  return `${serviceName}_${item}_${suffix}`;
}

/** Length the name of an object of this service and item will have. */
export function objectNameLength(serviceName: string, item: string): number {
  return objectName(serviceName, item, "0".repeat(SUFFIX_HEX)).length;
}

/**
 * Suffix of a config's name. A config holds no secret, so a hash of its
 * content may show; secrets get a random suffix instead (a hash would let
 * anyone who reads the name test guesses of the value).
 */
export function contentSuffix(content: string): string {
  return createHash("sha256").update(content, "utf8").digest("hex").slice(0, SUFFIX_HEX);
}

/** Octal mode text (`0644`) as the number the service's file reference takes. */
export function fileMode(mode: string): number {
  return parseInt(mode, 8);
}
