/**
 * The Go formatting the Docker provider applies when it reads a container
 * back, reimplemented so the program can send exactly what comes back.
 */

const NS_PER: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  "µs": 1_000n,
  "μs": 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

/** Go's time.ParseDuration for non-negative durations (`90s`, `1m30s`, `1.5h`); undefined if invalid. */
export function parseGoDuration(text: string): bigint | undefined {
  if (text === "0") return 0n;
  const re = /(\d+)(?:\.(\d+))?(ns|us|µs|μs|ms|s|m|h)/y;
  let total = 0n;
  let at = 0;
  while (at < text.length) {
    re.lastIndex = at;
    const m = re.exec(text);
    if (!m) return undefined;
    const unit = NS_PER[m[3]];
    const frac = m[2] ?? "";
    total += BigInt(m[1]) * unit + (frac === "" ? 0n : (BigInt(frac) * unit) / 10n ** BigInt(frac.length));
    at = re.lastIndex;
  }
  return text.length === 0 ? undefined : total;
}

/** `whole` then `.fraction` with trailing zeros dropped, as Go's fmtFrac does. */
function withFraction(value: bigint, per: bigint, digits: number): string {
  const whole = value / per;
  const frac = (value % per).toString().padStart(digits, "0").replace(/0+$/, "");
  return frac === "" ? whole.toString() : `${whole}.${frac}`;
}

/** Go's time.Duration.String(): `60s` comes back `1m0s`, `1h` comes back `1h0m0s`. */
export function goDurationString(ns: bigint): string {
  if (ns === 0n) return "0s";
  if (ns < 1_000n) return `${ns}ns`;
  if (ns < 1_000_000n) return `${withFraction(ns, 1_000n, 3)}µs`;
  if (ns < 1_000_000_000n) return `${withFraction(ns, 1_000_000n, 6)}ms`;
  const h = ns / NS_PER.h;
  const m = (ns % NS_PER.h) / NS_PER.m;
  const s = withFraction(ns % NS_PER.m, NS_PER.s, 9);
  return `${h > 0n ? `${h}h` : ""}${h > 0n || m > 0n ? `${m}m` : ""}${s}s`;
}

/** A duration as the Docker provider reads it back; anything unparsable is left as it is. */
export function canonicalDuration(text: string): string {
  const ns = parseGoDuration(text);
  return ns === undefined ? text : goDurationString(ns);
}

/** docker/cli opts.ParseCPUs: a decimal CPU count as nano-CPUs; undefined if not a plain decimal or too precise. */
export function parseCpus(text: string): bigint | undefined {
  const m = /^(\d+)(?:\.(\d*))?$/.exec(text);
  if (!m) return undefined;
  const frac = (m[2] ?? "").replace(/0+$/, "");
  if (frac.length > 9) return undefined;
  return BigInt(m[1]) * 1_000_000_000n + BigInt(frac.padEnd(9, "0") || "0");
}

/**
 * The provider's nanoInt64ToDecimalString (internal/provider/helpers.go):
 * big.Rat.FloatString(9), then FloatString(1) when that string holds exactly
 * nine zeros, else trailing zeros trimmed. So `1` reads back `1.0`, `0.5`
 * stays `0.5`, `0.25` stays `0.25`.
 */
export function nanoCpusToDecimalString(nanos: bigint): string {
  if (nanos === 0n) return "0";
  const whole = nanos / 1_000_000_000n;
  const str = `${whole}.${(nanos % 1_000_000_000n).toString().padStart(9, "0")}`;
  if ((str.match(/0/g) ?? []).length === 9) {
    // FloatString(1) rounds half away from zero.
    const tenths = (nanos + 50_000_000n) / 100_000_000n;
    return `${tenths / 10n}.${tenths % 10n}`;
  }
  return str.replace(/0+$/, "");
}

/** A `cpus` value as the Docker provider reads it back; anything unparsable is left as it is. */
export function canonicalCpus(text: string): string {
  const nanos = parseCpus(text);
  return nanos === undefined || nanos === 0n ? text : nanoCpusToDecimalString(nanos);
}

/**
 * The Docker provider's shortDur (internal/provider/resource_docker_service_structures.go):
 * Go's Duration.String() without a trailing `m0s` or `h0m`, as a Swarm service reads
 * its durations back. `60s` reads back `1m`, `1h` reads back `1h`, `90s` `1m30s`.
 */
export function canonicalShortDuration(text: string): string {
  const ns = parseGoDuration(text);
  if (ns === undefined) return text;
  let s = goDurationString(ns);
  if (s.endsWith("m0s")) s = s.slice(0, -2);
  if (s.endsWith("h0m")) s = s.slice(0, -2);
  return s;
}

/** Go's strconv.FormatFloat(f, 'f', 1, 64) for a ratio the program keeps to one decimal. */
export function oneDecimal(ratio: number): string {
  return (Math.round(ratio * 10) / 10).toFixed(1);
}
