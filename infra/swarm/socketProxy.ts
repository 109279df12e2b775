/**
 * The Docker API proxy Prometheus discovers Swarm tasks through, so that
 * Prometheus itself runs as its image's non-root user with no socket: a
 * read-only socket mount does not restrict the Docker API, a filtering
 * proxy does.
 *
 * Image facts from linuxserver/docker-socket-proxy at tag 3.4.3-r0-ls92
 * (Dockerfile, root/docker-entrypoint.sh, root/templates/haproxy.cfg):
 * HAProxy on port 2375 allows an API section per environment variable
 * (`SERVICES=1` → `/services`, ...), with `POST=0` only GET and HEAD;
 * PING, VERSION and EVENTS default to on. The entrypoint writes its
 * config to /run, so a read-only root needs a tmpfs there. It runs as root
 * (the image supports nothing else) and `chroot /` needs CAP_SYS_CHROOT;
 * HAProxy calls setuid/setgid only for a non-zero id.
 *
 * Endpoints from prometheus/prometheus discovery/moby (role tasks):
 * tasks, services, nodes and networks, plus `/_ping` for the client's API
 * version negotiation. Newer Prometheus also inspects each task's
 * container for its labels and skips failures: containers stay denied,
 * since an inspect shows a container's environment.
 */
import { platformService, type Service } from "../model";

/** The proxy's Swarm service name (and its DNS name on its network). */
export const SOCKET_PROXY_KEY = "socket-proxy";
export const SOCKET_PROXY_PORT = 2375;
export const SOCKET_PROXY_IMAGE = "lscr.io/linuxserver/socket-proxy:3.4.3-r0-ls92";
/** Swarm discovery's endpoint in prometheus.yml. */
export const SOCKET_PROXY_URL = `tcp://${SOCKET_PROXY_KEY}:${SOCKET_PROXY_PORT}`;

/**
 * The overlay network only the proxy and Prometheus join: the services API
 * returns every service's spec, environment included, so nothing else may
 * reach the proxy.
 */
export const DOCKER_API_NETWORK = "monitoring-docker-api";

/** In-memory /run for the entrypoint's HAProxy config and pid file; mode as Read gives it back (permission bits only). */
export const SOCKET_PROXY_TMPFS = { target: "/run", sizeBytes: 8 * 1024 * 1024, mode: 0o755 } as const;

const SOCKET = "/var/run/docker.sock";

/** What the proxy allows: `1` sections, everything else denied (the image's defaults set explicitly). */
export const SOCKET_PROXY_ENVIRONMENT: Readonly<Record<string, string>> = {
  TASKS: "1",
  SERVICES: "1",
  NODES: "1",
  NETWORKS: "1",
  PING: "1",
  VERSION: "0",
  EVENTS: "0",
  CONTAINERS: "0",
  POST: "0",
  // Bind IPv4 only: the overlay network has no IPv6, and the healthcheck asks 127.0.0.1.
  DISABLE_IPV6: "1",
  // Info would log every discovery request (four per job each refresh).
  LOG_LEVEL: "warning",
};

export function socketProxyService(image: string = SOCKET_PROXY_IMAGE): Service {
  return platformService({
    key: SOCKET_PROXY_KEY,
    image,
    port: SOCKET_PROXY_PORT,
    networks: [DOCKER_API_NETWORK],
    environment: SOCKET_PROXY_ENVIRONMENT,
    volumes: [{ type: "bind", source: SOCKET, target: SOCKET, readOnly: true }],
    readOnly: true,
    capDrop: ["ALL"],
    capAdd: ["SYS_CHROOT"],
    // The image is Alpine: busybox wget is there.
    healthcheck: {
      tests: ["CMD-SHELL", `wget -q -O /dev/null http://127.0.0.1:${SOCKET_PROXY_PORT}/_ping || exit 1`],
      interval: "30s",
      timeout: "5s",
      retries: 3,
      startPeriod: "10s",
    },
    memoryMb: 64,
    cpus: 0.25,
  });
}
