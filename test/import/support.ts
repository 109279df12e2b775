/** Fixtures and a scratch project for the import tests. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export const ROOT = path.resolve(__dirname, "..", "..");
export const FIXTURES = path.join(__dirname, "fixtures");

/** Each fixture: its compose files in merge order and the stack it is imported into. */
export const CASES = [
  { name: "seed000", files: ["docker-compose.yml"], stack: "homelab", profiles: [] as string[] },
  { name: "seed001", files: ["docker-compose.yml", "docker-compose.override.yml"], stack: "dev", profiles: [] as string[] },
  { name: "realworld", files: ["docker-compose.yml"], stack: "homelab", profiles: [] as string[] },
  { name: "realworld", files: ["docker-compose.yml"], stack: "prod", profiles: ["debug"] },
] as const;

export const fixtureFiles = (c: { name: string; files: readonly string[] }): string[] => c.files.map((f) => path.join(FIXTURES, c.name, f));

/** A temporary project folder with the real Pulumi.yaml (and its program folder linked) and, optionally, a copy of a shipped stack file. */
const scratch: string[] = [];

/** A temporary folder, removed after the test file (see removeScratch). */
export function scratchDir(prefix = "homelab-import-"): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}

/** Removes every folder scratchDir made; each test file runs it in afterAll. */
export function removeScratch(): void {
  for (const dir of scratch.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

export function scratchProject(copyStack?: string): string {
  const dir = scratchDir();
  fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  // Pulumi.yaml's `main: infra/` must exist for the plan to accept the project.
  fs.symlinkSync(path.join(ROOT, "infra"), path.join(dir, "infra"));
  if (copyStack) fs.copyFileSync(path.join(ROOT, `Pulumi.${copyStack}.yaml`), path.join(dir, `Pulumi.${copyStack}.yaml`));
  return dir;
}

/** A clean environment, so the developer's shell cannot change what a test sees. */
export const ENV: Readonly<Record<string, string>> = { HOME: "/home/user" };
