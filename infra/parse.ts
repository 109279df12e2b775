/**
 * Parsers for the Compose-style strings users already know (`"127.0.0.1:8080:80"`,
 * `"data:/var/lib/data:ro"`, `"512m"`). Each returns a value or a message; the
 * caller attaches the file and key path.
 */

export type Protocol = "tcp" | "udp";

export interface PortBinding {
  /** Interface on the host; filled from the profile's default when the config omits it. */
  readonly hostIp: string | undefined;
  /** Host port; undefined lets Docker pick a free one. */
  readonly published: number | undefined;
  readonly target: number;
  readonly protocol: Protocol;
}

export interface VolumeMount {
  readonly type: "volume" | "bind";
  readonly source: string;
  readonly target: string;
  readonly readOnly: boolean;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(error: string): Parsed<T> => ({ ok: false, error });

function port(text: string, what: string): Parsed<number> {
  if (!/^\d+$/.test(text)) return fail(`${what} "${text}" is not a port number`);
  const n = Number(text);
  if (n < 1 || n > 65535) return fail(`${what} ${n} is outside 1-65535`);
  return ok(n);
}

/** Compose short syntax: `[HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]`. */
export function parsePortString(spec: string): Parsed<PortBinding> {
  let rest = spec.trim();
  let protocol: Protocol = "tcp";
  const slash = rest.lastIndexOf("/");
  if (slash >= 0) {
    const p = rest.slice(slash + 1);
    if (p !== "tcp" && p !== "udp") return fail(`protocol "${p}" must be tcp or udp`);
    protocol = p;
    rest = rest.slice(0, slash);
  }
  if (rest.includes("-")) return fail(`port ranges are not supported ("${spec}"): list each port`);
  let hostIp: string | undefined;
  if (rest.startsWith("[")) {
    const close = rest.indexOf("]");
    // Without a `]`, rest[0] is `[` and the second test fails too: `close < 0` is for the reader.
    if (close < 0 || rest[close + 1] !== ":") return fail(`"${spec}" has an unterminated IPv6 address`);
    hostIp = rest.slice(1, close);
    rest = rest.slice(close + 2);
  }
  const parts = rest.split(":");
  if (hostIp === undefined && parts.length === 3) hostIp = parts.shift();
  if (parts.length > 2 || (hostIp !== undefined && parts.length !== 2)) {
    return fail(`"${spec}" is not [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]`);
  }
  const target = port(parts[parts.length - 1], "container port");
  if (!target.ok) return target;
  let published: number | undefined;
  if (parts.length === 2 && parts[0] !== "") {
    const p = port(parts[0], "host port");
    if (!p.ok) return p;
    published = p.value;
  }
  if (hostIp !== undefined && !isIp(hostIp)) return fail(`host IP "${hostIp}" is not an IP address`);
  return ok({ hostIp, published, target: target.value, protocol });
}

export function isIp(text: string): boolean {
  if (/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(text)) {
    return text.split(".").every((o) => Number(o) <= 255);
  }
  return /^[0-9a-fA-F:]+$/.test(text) && text.includes(":");
}

const WINDOWS_DRIVE = /^[A-Za-z]:[\\/]/;
export const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** Compose short syntax: `SOURCE:TARGET[:ro|rw]`, where SOURCE is a volume name or an absolute host path. */
export function parseVolumeString(spec: string): Parsed<VolumeMount> {
  // A Windows drive letter carries a colon of its own (Docker Desktop hosts).
  const drive = WINDOWS_DRIVE.test(spec) ? spec.slice(0, 2) : "";
  const parts = spec.slice(drive.length).split(":");
  if (parts.length < 2 || parts.length > 3) return fail(`"${spec}" is not SOURCE:TARGET[:ro|rw]`);
  const mode = parts[2] ?? "rw";
  if (mode !== "ro" && mode !== "rw") return fail(`mode "${mode}" must be ro or rw`);
  return volumeFrom(drive + parts[0], parts[1], mode === "ro");
}

export function volumeFrom(source: string, target: string, readOnly: boolean, type?: "volume" | "bind"): Parsed<VolumeMount> {
  if (!target.startsWith("/")) return fail(`container path "${target}" must be absolute`);
  const isPath = source.startsWith("/") || WINDOWS_DRIVE.test(source) || source.startsWith(".") || source.startsWith("~");
  const kind = type ?? (isPath ? "bind" : "volume");
  if (kind === "bind") {
    if (source.startsWith(".") || source.startsWith("~")) {
      return fail(`host path "${source}" is relative: the Docker host may be another machine, so give an absolute path`);
    }
    if (!source.startsWith("/") && !WINDOWS_DRIVE.test(source)) return fail(`host path "${source}" must be absolute`);
  } else if (!VOLUME_NAME.test(source)) {
    return fail(`volume name "${source}" may hold only letters, digits, '_', '.' and '-'`);
  }
  return ok({ type: kind, source, target, readOnly });
}

const UNITS: Record<string, number> = { b: 1 / (1024 * 1024), k: 1 / 1024, m: 1, g: 1024 };

/** Memory as Compose writes it (`512m`, `2g`, `1.5G`), or a plain number of MiB; returns MiB. */
export function parseMemory(spec: string | number): Parsed<number> {
  if (typeof spec === "number") return spec > 0 ? ok(Math.round(spec)) : fail(`memory must be positive`);
  const m = /^(\d+(?:\.\d+)?)\s*([bkmg])i?b?$/i.exec(spec.trim());
  if (!m) return fail(`memory "${spec}" is not a size such as 512m or 2g`);
  const mib = Math.round(Number(m[1]) * UNITS[m[2].toLowerCase()]);
  return mib >= 6 ? ok(mib) : fail(`memory "${spec}" is below Docker's 6 MiB minimum`);
}

/** Splits a shell-like command line the way Compose does for the string form of `command:`. */
export function splitCommand(command: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(command); m; m = re.exec(command)) {
    out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, "$1") : (m[2] ?? m[3]));
  }
  return out;
}
