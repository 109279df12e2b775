/**
 * The mutation-testing groups (stryker.config.mjs): each names files that exist, and together they mutate
 * exactly the files the whole run does, so a guarded file cannot drop out of every group unnoticed.
 * The config is an ES module, read here through a Node child process as Stryker reads it.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "../..");

interface Loaded {
    readonly groups: Record<string, { mutate: string[]; tests: string[]; bundle?: string }>;
    readonly mutate: string[];
    readonly testMatch?: string[];
}

function load(env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
    const script = `import("./stryker.config.mjs").then((m) => console.log(JSON.stringify({ groups: m.groups, mutate: m.default.mutate, testMatch: m.default.jest.config.testMatch })))`;
    const base: NodeJS.ProcessEnv = { ...process.env };
    delete base.MUTATE_GROUP;
    delete base.MUTATE_TESTS;
    const r = spawnSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8", env: { ...base, ...env } });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function files(dir: string): string[] {
    return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
        const rel = `${dir}/${e.name}`;
        return e.isDirectory() ? files(rel) : [rel];
    });
}
const ALL = ["policies", "infra", "components", "test"].flatMap(files).filter((f) => !f.includes("node_modules"));

/** The glob forms the config uses: `**` for any folders, `*` within one name. */
function matcher(glob: string): RegExp {
    const body = glob
        .split("**/")
        .map((part) => part.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*"))
        .join("(?:.*/)?");
    return new RegExp(`^${body}$`);
}
function select(globs: readonly string[]): Set<string> {
    const include = globs.filter((g) => !g.startsWith("!")).map(matcher);
    const exclude = globs.filter((g) => g.startsWith("!")).map((g) => matcher(g.slice(1)));
    return new Set(ALL.filter((f) => include.some((r) => r.test(f)) && !exclude.some((r) => r.test(f))));
}

const loaded = load();
const config = JSON.parse(loaded.stdout) as Loaded;

describe("mutation groups", () => {
    it("loads, and has the groups the README names", () => {
        expect(loaded.status).toBe(0);
        expect(Object.keys(config.groups).sort()).toEqual(["components", "input", "lib", "rules", "stackfile"]);
    });

    it.each(Object.keys(config.groups))("%s: every test and every mutate pattern names files that exist", (name) => {
        const group = config.groups[name];
        for (const glob of [...group.tests, ...group.mutate.filter((g) => !g.startsWith("!"))]) {
            expect([glob, select([glob]).size > 0]).toEqual([glob, true]);
        }
        for (const test of select(group.tests)) expect(test).toMatch(/^test\/.*\.test\.ts$/);
    });

    it("together mutate exactly the files of the whole run, each in one group", () => {
        const whole = select(config.mutate);
        const byGroup = Object.values(config.groups).map((g) => select(g.mutate));
        expect(whole.size).toBeGreaterThan(50);
        expect([...new Set(byGroup.flatMap((s) => [...s]))].sort()).toEqual([...whole].sort());
        expect(byGroup.reduce((n, s) => n + s.size, 0)).toBe(whole.size);
    });

    it.each(Object.entries(config.groups).filter(([, g]) => g.bundle !== undefined))(
        "%s: the bundle requires exactly the group's tests, each in a describe block of its own",
        (name, group) => {
            const bundle = group.bundle as string;
            // Not a test file of its own: a plain `npm test` must not run these tests twice.
            expect(bundle).toMatch(/^test\/mutation\/bundles\/[a-z]+\.ts$/);
            const text = fs.readFileSync(path.join(ROOT, bundle), "utf8");
            const entries = [...text.matchAll(/^describe\("([^"]+)", \(\) => void require\("([^"]+)"\)\);$/gm)];
            // A test file added to the group's folder without its line here fails this.
            expect(entries.map((e) => e[1]).sort()).toEqual([...select(group.tests)].sort());
            for (const [, file, spec] of entries) {
                expect(path.relative(ROOT, path.resolve(ROOT, path.dirname(bundle), spec))).toBe(file.replace(/\.ts$/, ""));
            }
            expect(text.match(/require\(/g)).toHaveLength(entries.length);
            expect(JSON.parse(load({ MUTATE_GROUP: name }).stdout).testMatch).toEqual([`<rootDir>/${bundle}`]);
        },
    );

    it("runs a group without a bundle on its own test files", () => {
        expect(config.groups.rules.bundle).toBeUndefined();
        expect(JSON.parse(load({ MUTATE_GROUP: "rules" }).stdout).testMatch).toEqual(["<rootDir>/test/policies/**/*.test.ts"]);
        expect(JSON.parse(load({ MUTATE_GROUP: "input", MUTATE_TESTS: "test/infra/parse.test.ts" }).stdout).testMatch).toEqual([
            "<rootDir>/test/infra/parse.test.ts",
        ]);
    });

    it("refuses a group it does not have, naming the ones it has", () => {
        const r = load({ MUTATE_GROUP: "polices" });
        expect(r.status).not.toBe(0);
        expect(r.stderr).toContain("MUTATE_GROUP must be one of rules, lib, input, stackfile, components; got polices");
    });
});
