/**
 * Cross-check against a reference implementation: Debian's docker-compose
 * (`docker-compose config`, installed by .ci/run) must agree with the import
 * on what each imported service means after merging and interpolation:
 * image, ports, volumes, environment and command.
 *
 * Debian ships docker-compose 1.29 (`docker-compose version`). Its `config`
 * output is itself a compose file: `$` comes back escaped as `$$`, short
 * ports become long ones ({published, target}) unless they name a host IP,
 * short volumes gain `:rw`,
 * relative paths come back absolute, and services of inactive profiles are
 * still listed (so only the services the import took are compared).
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { importCompose } from "../../infra/import";
import { parsePortString, parseVolumeString, splitCommand } from "../../infra/parse";
import { CASES, ENV, fixtureFiles, FIXTURES, removeScratch, scratchProject } from "./support";

afterAll(removeScratch);

type Map = Record<string, unknown>;

function reference(c: (typeof CASES)[number]): { services: Record<string, Map>; volumes: Record<string, Map> } {
  const args = [...fixtureFiles(c).flatMap((f) => ["-f", f]), ...c.profiles.flatMap((p) => ["--profile", p]), "config"];
  const out = execFileSync("docker-compose", args, { cwd: path.join(FIXTURES, c.name), env: { ...ENV, PATH: process.env.PATH ?? "/usr/bin:/bin" }, encoding: "utf8" });
  const doc = parseYaml(out) as { services: Record<string, Map>; volumes?: Record<string, Map> };
  return { services: doc.services, volumes: doc.volumes ?? {} };
}

const unescape = (s: string): string => s.replace(/\$\$/g, "$");

function command(v: unknown): string[] | undefined {
  if (v === undefined) return undefined;
  return typeof v === "string" ? splitCommand(unescape(v)) : (v as unknown[]).map((x) => unescape(String(x)));
}

/** 1.29 prints a port with a host IP in short syntax, every other one long. */
function refPorts(v: unknown): string[] {
  return stackPorts(v);
}

function stackPorts(v: unknown): string[] {
  return ((v as unknown[]) ?? []).map((p) => {
    if (typeof p === "string") {
      const r = parsePortString(p);
      if (!r.ok) throw new Error(r.error);
      return `${r.value.published ?? ""}->${r.value.target}/${r.value.protocol}`;
    }
    const m = p as { published?: number; target: number; protocol?: string };
    return `${m.published ?? ""}->${m.target}/${m.protocol ?? "tcp"}`;
  });
}

/** (source, target, ro), a named volume that driver_opts binds to a host path counted as that path. */
function refVolumes(v: unknown, volumes: Record<string, Map>): string[] {
  const device = (name: string): string => {
    const o = (volumes[name]?.driver_opts ?? {}) as Map;
    return String(o.o ?? "").split(",").includes("bind") && typeof o.device === "string" ? o.device : name;
  };
  return ((v as unknown[]) ?? []).map((x) => {
    if (typeof x === "string") {
      const [source, target, mode] = x.split(":");
      return `${device(source)}:${target}:${mode === "ro" ? "ro" : "rw"}`;
    }
    const m = x as { source: string; target: string; read_only?: boolean; type: string };
    return `${m.type === "volume" ? device(m.source) : m.source}:${m.target}:${m.read_only ? "ro" : "rw"}`;
  });
}

function stackVolumes(v: unknown): string[] {
  return ((v as unknown[]) ?? []).map((x) => {
    const r = parseVolumeString(String(x));
    if (!r.ok) throw new Error(r.error);
    return `${r.value.source}:${r.value.target}:${r.value.readOnly ? "ro" : "rw"}`;
  });
}

describe.each(CASES.map((c) => [`${c.name} -> ${c.stack}${c.profiles.length ? ` --profile ${c.profiles.join(",")}` : ""}`, c] as const))("docker-compose config agrees with the import of %s", (_label, c) => {
  const ref = reference(c);
  const dir = scratchProject();
  const { report, file } = importCompose({ files: fixtureFiles(c), stack: c.stack, projectDir: dir, env: ENV, profiles: c.profiles });
  const stack = (parseYaml(fs.readFileSync(file, "utf8")) as { config: Record<string, Record<string, Map>> }).config["homelab:services"];
  const imported = Object.keys(stack);
  const secretsOf = (svc: string): string[] => report.secrets.paths.filter((p) => p.startsWith(`homelab:services.${svc}.secretEnvironment.`)).map((p) => p.split(".").pop()!);

  it("imports services that docker-compose also has", () => {
    expect(imported.length).toBeGreaterThan(1);
    for (const svc of imported) expect(Object.keys(ref.services)).toContain(svc);
  });

  it.each(imported)("%s: same image, command, ports, volumes and environment", (svc) => {
    const r = ref.services[svc];
    const s = stack[svc];
    expect(s.image).toBe(r.image);
    expect(command(s.command)).toEqual(command(r.command));
    expect(stackPorts(s.ports)).toEqual(refPorts(r.ports));
    expect(stackVolumes(s.volumes)).toEqual(refVolumes(r.volumes, ref.volumes));
    const refEnv = Object.fromEntries(Object.entries((r.environment ?? {}) as Map).map(([k, v]) => [k, unescape(String(v))]));
    const secrets = secretsOf(svc);
    const plain = Object.fromEntries(Object.entries(refEnv).filter(([k]) => !secrets.includes(k)));
    expect((s.environment as Map | undefined) ?? {}).toEqual(plain);
    expect(secrets.sort()).toEqual(Object.keys(refEnv).filter((k) => !(k in plain)).sort());
  });
});
