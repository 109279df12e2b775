/**
 * Which Docker endpoint a host is reached at. A host's `docker` endpoint may
 * exist only on that machine (Docker Desktop's named pipe); CI reaches it
 * over the tailnet instead, at `ciDocker`. The workflows say they are CI with
 * HOMELAB_DOCKER_ENDPOINT=ci; anything else keeps the local endpoint.
 */
import type { HostSpec } from "./model";

export const ENDPOINT_VARIABLE = "HOMELAB_DOCKER_ENDPOINT";

/** The endpoint for the provider; undefined leaves it to DOCKER_HOST or the local socket. */
export function dockerEndpoint(host: Pick<HostSpec, "docker" | "ciDocker">, env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (env[ENDPOINT_VARIABLE] === "ci") return host.ciDocker ?? host.docker;
  return host.docker;
}
