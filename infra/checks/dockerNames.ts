/**
 * The names Docker and DNS accept. A service key becomes a container name
 * and a network alias, so it must satisfy both.
 */

/** Docker's container-name pattern (daemon/names: `[a-zA-Z0-9][a-zA-Z0-9_.-]+`). */
const CONTAINER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
/** One DNS label (RFC 1123): what other containers resolve the alias by. */
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** Why `name` is not a valid container name, or undefined when it is. */
export function containerNameProblem(name: string): string | undefined {
  // Other containers on the network resolve it by this name, so it is held to a DNS label's length too.
  if (name.length > 63) return "a container name is at most 63 characters: other containers resolve it by this name";
  if (!CONTAINER_NAME.test(name)) {
    return "a container name is at least two characters: letters, digits, '_', '.' or '-', starting with a letter or digit (e.g. api-2)";
  }
  return undefined;
}

/** Why `name` cannot be a network alias (a DNS label), or undefined when it can. */
export function networkAliasProblem(name: string): string | undefined {
  if (name.length > 63) return "a network alias is a DNS label of at most 63 characters";
  if (!DNS_LABEL.test(name)) {
    return "a network alias is a DNS label: lower-case letters, digits and '-', not starting or ending with '-' (e.g. api-2)";
  }
  return undefined;
}
