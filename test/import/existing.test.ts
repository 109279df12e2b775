/**
 * Importing into a stack file that already exists: services are added,
 * conflicts are reported, nothing is overwritten without --replace, and the
 * file's comments, key order and `secure:` values survive byte for byte.
 */
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { importCompose } from "../../infra/import";
import { loadStack } from "../../infra/plan/evaluate";
import { CASES, ENV, fixtureFiles, FIXTURES, removeScratch, ROOT, scratchProject } from "./support";

afterAll(removeScratch);

const seed000 = [path.join(FIXTURES, "seed000", "docker-compose.yml")];
const lines = (text: string): string[] => text.split("\n");

/** True when `sub`'s lines appear in `text`'s lines in the same order (nothing edited, only inserted). */
function keepsEveryLine(before: string, after: string): boolean {
  const all = lines(after);
  let i = 0;
  for (const line of lines(before)) {
    while (i < all.length && all[i] !== line) i++;
    if (i === all.length) return false;
    i++;
  }
  return true;
}

describe("importing into an existing stack", () => {
  it("adds new services after the existing ones and keeps every line of the file", () => {
    const dir = scratchProject("dev");
    const before = fs.readFileSync(path.join(dir, "Pulumi.dev.yaml"), "utf8");
    const { report, text } = importCompose({ files: fixtureFiles(CASES[1]), stack: "dev", projectDir: dir, env: ENV });
    expect(fs.readFileSync(path.join(dir, "Pulumi.dev.yaml"), "utf8")).toBe(text);
    expect(keepsEveryLine(before, text)).toBe(true);
    const services = Object.keys((parseYaml(text) as { config: Record<string, object> }).config["homelab:services"]);
    expect(services).toEqual(["commander", "sentinel", "worker", "postgres", "cache", "api", "cms", "cms-database", "vault", "vault-setup", "task-worker", "task-scheduler"]);
    const cache = report.services.find((s) => s.name === "cache");
    expect(cache?.status).toBe("refused");
    expect(cache?.keys[0]).toEqual({ key: "(service)", status: "refused", note: "the stack already has a service of this name: pass --replace to overwrite it" });
    // dev's commander already binds 127.0.0.1:8000: the api's port is left out and reported, not a failed import.
    expect(report.services.find((s) => s.name === "api")?.keys.find((k) => k.key === "ports[0]")).toEqual({ key: "ports[0]", status: "refused", note: 'host port already bound by service "commander" in this stack: pick another port' });
    expect(loadStack({ stack: "dev", projectDir: dir }).model.services).toHaveLength(12);
  });

  it("leaves the file byte for byte when every service conflicts", () => {
    const dir = scratchProject("homelab");
    const before = fs.readFileSync(path.join(dir, "Pulumi.homelab.yaml"), "utf8");
    const { report } = importCompose({ files: seed000, stack: "homelab", projectDir: dir, env: ENV });
    expect(fs.readFileSync(path.join(dir, "Pulumi.homelab.yaml"), "utf8")).toBe(before);
    expect(report.services.filter((s) => s.status !== "refused")).toEqual([]);
  });

  it("--replace swaps a service's block in place and keeps its secure values", () => {
    const dir = scratchProject("dev");
    const before = fs.readFileSync(path.join(dir, "Pulumi.dev.yaml"), "utf8");
    const { text } = importCompose({ files: seed000, stack: "dev", projectDir: dir, env: ENV, replace: true });
    const oldConfig = (parseYaml(before) as { config: Record<string, Record<string, Record<string, unknown>>> }).config;
    const config = (parseYaml(text) as { config: Record<string, Record<string, Record<string, unknown>>> }).config;
    expect(Object.keys(config["homelab:services"])).toEqual(Object.keys(oldConfig["homelab:services"]));
    expect(config["homelab:services"].commander.image).toBe("ghcr.io/pedromiravaz/miravaz-commander:latest");
    expect(config["homelab:services"].commander.secretEnvironment).toEqual(oldConfig["homelab:services"].commander.secretEnvironment);
    expect(config["homelab:services"].worker).toEqual(oldConfig["homelab:services"].worker);
    // Everything outside the two replaced blocks is unchanged, comments and ciphertext included.
    const outside = (t: string): string => t.replace(/\n    commander:\n[\s\S]*?\n    worker:/, "\n    worker:");
    expect(outside(text)).toBe(outside(before));
    expect(() => loadStack({ stack: "dev", projectDir: dir })).not.toThrow();
  });

  it("--dry-run writes nothing, neither a new file nor an edit", () => {
    const dir = scratchProject("dev");
    const before = fs.readFileSync(path.join(dir, "Pulumi.dev.yaml"), "utf8");
    const r1 = importCompose({ files: fixtureFiles(CASES[1]), stack: "dev", projectDir: dir, env: ENV, dryRun: true });
    const r2 = importCompose({ files: seed000, stack: "fresh", projectDir: dir, env: ENV, dryRun: true });
    expect(r1.report.written).toBe(false);
    expect(r1.text).not.toBe(before);
    expect(fs.readFileSync(path.join(dir, "Pulumi.dev.yaml"), "utf8")).toBe(before);
    expect(r2.text).toContain("commander:");
    expect(fs.existsSync(path.join(dir, "Pulumi.fresh.yaml"))).toBe(false);
    expect(fs.readdirSync(dir).sort()).toEqual(["Pulumi.dev.yaml", "Pulumi.yaml", "infra"]);
  });

  it("with the stack's passphrase, encrypts into the existing file with its own encryptionsalt", () => {
    const dir = scratchProject("homelab");
    const salt = (parseYaml(fs.readFileSync(path.join(ROOT, "Pulumi.homelab.yaml"), "utf8")) as { encryptionsalt: string }).encryptionsalt;
    const { text, report } = importCompose({ files: fixtureFiles(CASES[1]), stack: "homelab", projectDir: dir, env: { ...ENV, PULUMI_CONFIG_PASSPHRASE: "homelab-example" } });
    expect(report.secrets.mode).toBe("encrypted");
    const doc = parseYaml(text) as { encryptionsalt: string; config: Record<string, Record<string, Record<string, unknown>>> };
    expect(doc.encryptionsalt).toBe(salt);
    expect(Object.keys(doc.config["homelab:services"].cms.secretEnvironment as object)).toEqual(["DB_PASSWORD", "SECRET"]);
  });

  it("refuses a wrong passphrase before writing anything", () => {
    const dir = scratchProject("homelab");
    const before = fs.readFileSync(path.join(dir, "Pulumi.homelab.yaml"), "utf8");
    expect(() => importCompose({ files: fixtureFiles(CASES[1]), stack: "homelab", projectDir: dir, env: { ...ENV, PULUMI_CONFIG_PASSPHRASE: "wrong" } })).toThrow(/PULUMI_CONFIG_PASSPHRASE does not open/);
    expect(fs.readFileSync(path.join(dir, "Pulumi.homelab.yaml"), "utf8")).toBe(before);
  });
});
