import * as path from "path";
import { resolveContainerImage } from "../lib/container";
import { imageMatches, imageName } from "../lib/image";
import { schema, stackRule, TYPES } from "../lib/policy";
import { bool, Props, records, str } from "../lib/values";

export const DOCKER_SOCKETS = ["/var/run/docker.sock", "/run/docker.sock"];
export const SENSITIVE_PATHS = ["/", "/etc", "/proc", "/sys", "/root", "/boot", "/dev", "/run", "/var/run", "/var/lib/docker", "/usr", "/lib", "/bin", "/sbin"];

/**
 * Host agents that need read-only views of the host: updater, container metrics, log shippers, node metrics,
 * and the Docker API proxy that passes a Swarm manager's read endpoints to Prometheus (dockerswarm_sd_configs).
 */
export const ALLOWED_HOST_AGENTS = ["nickfedor/watchtower", "gcr.io/cadvisor/cadvisor", "grafana/alloy", "grafana/promtail", "prom/node-exporter", "lscr.io/linuxserver/socket-proxy"];

/**
 * Allow-listed Docker API proxies: read-only only while their environment
 * opens no write endpoint (POST, and LinuxServer's ALLOW_START/STOP/RESTARTS
 * which pass those POSTs even with POST=0). A read-only socket mount does not
 * limit what the proxy serves to its network.
 */
const API_PROXIES = ["lscr.io/linuxserver/socket-proxy", "tecnativa/docker-socket-proxy"];
const WRITE_SWITCHES = ["POST", "ALLOW_START", "ALLOW_STOP", "ALLOW_RESTARTS"];

/**
 * Whether a switch's value opens it. Both proxies test `{ env(POST) -m bool }`
 * in their haproxy.cfg; HAProxy casts the string to an integer from its
 * leading digits (haproxy src/sample.c: the STR to BOOL cast is c_str2int,
 * read_int64), so any non-zero number opens it: `1`, `10`, `2x`. HAProxy reads
 * `true` as 0, but whoever writes it means open, so it counts too.
 */
const opens = (value: string): boolean => /^[+-]?0*[1-9]/.test(value) || value.toLowerCase() === "true";

function writeSwitches(props: Props): string[] {
    // Stryker disable next-line ArrayDeclaration: equivalent: a seeded "Stryker was here" holds no "="
    const envs = Array.isArray(props["envs"]) ? props["envs"].filter((e): e is string => typeof e === "string") : [];
    return envs.filter((e) => {
        // The value is everything after the first "=" (an entry without one has an empty value).
        const [name, ...value] = e.split("=");
        return WRITE_SWITCHES.includes(name) && opens(value.join("="));
    });
}

export interface NoSensitiveMountsConfig {
    allowedImages: string[];
    extraSensitivePaths: string[];
}

// Paths come normalized (no trailing or doubled slash), so "/" is under only itself.
const under = (p: string, base: string) => p === base || p.startsWith(`${base}/`);
const normalized = (p: string) => path.posix.normalize(p).replace(/(.)\/$/, "$1");

/** Bind sources of a container, with whether each is read-only; named volumes and unknowns are left out. */
function binds(props: Props): { source: string; readOnly: boolean }[] {
    const out: { source: string; readOnly: boolean }[] = [];
    for (const v of records(props["volumes"])) {
        const host = str(v["hostPath"]);
        if (typeof host === "string") out.push({ source: host, readOnly: bool(v["readOnly"]) === true });
    }
    for (const m of records(props["mounts"])) {
        const source = str(m["source"]);
        // Only a bind's source is a host path. A volume's is its name, never absolute, and every
        // sensitive path is absolute (the config schema requires it): the type test is for the reader.
        if (str(m["type"]) === "bind" && typeof source === "string") out.push({ source, readOnly: bool(m["readOnly"]) === true });
    }
    return out;
}

export const noSensitiveMounts = stackRule<NoSensitiveMountsConfig>({
    name: "no-sensitive-mounts",
    description: "Only allow-listed images may bind-mount the Docker socket or sensitive host paths, and only read-only.",
    remediationSteps:
        "Use a named volume or a dedicated data directory instead. If the service is a trusted host agent, add its image to " +
        "`allowedImages` in policies/config/<stack>.json and mount read-only. Note `:ro` on docker.sock does not limit the Docker API; " +
        "the allow-list is the real control.",
    severity: "critical",
    configSchema: {
        properties: {
            allowedImages: schema.strings(ALLOWED_HOST_AGENTS, "Images that may mount sensitive paths read-only."),
            extraSensitivePaths: schema.paths([], "More host paths to protect (absolute)."),
        },
    },
    defaults: { allowedImages: ALLOWED_HOST_AGENTS, extraSensitivePaths: [] },
    check: (resources, config, report) => {
        const sensitive = [...SENSITIVE_PATHS, ...config.extraSensitivePaths.map(normalized)];
        for (const c of resources.filter((r) => r.type === TYPES.container)) {
            const image = resolveContainerImage(c);
            const allowed = image !== undefined && config.allowedImages.some((e) => imageMatches(image, e));
            for (const { source, readOnly } of binds(c.props)) {
                const p = normalized(source);
                // Mounting a parent (e.g. /var) exposes the sensitive child as well.
                const hit = [...DOCKER_SOCKETS, ...sensitive].find((s) => under(p, s) || under(s, p));
                if (!hit) continue;
                const what = DOCKER_SOCKETS.some((s) => under(s, p)) ? "the Docker socket" : `sensitive host path ${hit}`;
                if (!allowed) {
                    const who = image ? `image ${imageName(image)} is not allow-listed` : "its image could not be determined";
                    report(`${c.name} mounts ${source} (${what}) but ${who}.`, c.urn);
                } else if (!readOnly) {
                    report(`${c.name} mounts ${source} (${what}) writable; allow-listed images must mount it read-only.`, c.urn);
                } else if (API_PROXIES.some((e) => imageMatches(image, e))) {
                    const open = writeSwitches(c.props);
                    if (open.length > 0) report(`${c.name} serves the Docker API with ${open.join(", ")}: write access for its whole network; keep POST and ALLOW_* at 0.`, c.urn);
                }
            }
        }
    },
});
