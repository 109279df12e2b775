/**
 * How long a container gets to stop. The Docker provider stops a container
 * it deletes (on replace and destroy) with timeout 0, a SIGKILL, unless
 * `destroyGraceSeconds` is set (kreuzwerker/terraform-provider-docker v4.5.0
 * resource_docker_container_funcs.go, resourceDockerContainerDelete), so every
 * container gets one; `stopTimeout` gives the daemon the same grace when it
 * stops the container itself (daemon restart, `docker stop`, Watchtower).
 */
import { parseImageReference } from "./checks/imageReference";
import { parseGoDuration } from "./providers/goFormat";

/** Compose's and `docker stop`'s own default. */
export const DEFAULT_STOP_GRACE_SECONDS = 10;
/** Databases flush and checkpoint on shutdown; a kill mid-write means crash recovery or worse. */
export const DATABASE_STOP_GRACE_SECONDS = 120;

/** Images (last path component) that hold data they must flush on shutdown. */
const DATABASE_IMAGES = new Set([
  "postgres", "postgis", "timescaledb", "mysql", "mariadb", "mongo", "redis", "valkey", "dragonfly", "keydb",
  "clickhouse-server", "influxdb", "elasticsearch", "opensearch", "couchdb", "neo4j", "rabbitmq",
  // Time-series stores: a kill mid-write costs a WAL replay on the next start.
  "prometheus", "loki",
]);

export function isDatabaseImage(image: string): boolean {
  const ref = parseImageReference(image);
  if (!ref.ok) return false;
  return DATABASE_IMAGES.has(ref.value.path.split("/").pop() ?? "");
}

export function defaultStopGraceSeconds(image: string): number {
  return isDatabaseImage(image) ? DATABASE_STOP_GRACE_SECONDS : DEFAULT_STOP_GRACE_SECONDS;
}

/** A Compose duration (`30s`, `2m`, `1m30s`) in whole seconds, rounded up; undefined if unparsable. */
export function durationSeconds(text: string): number | undefined {
  const ns = parseGoDuration(text);
  return ns === undefined ? undefined : Number((ns + 999_999_999n) / 1_000_000_000n);
}
