/**
 * The README's worked example is real: seed 000's compose file, imported as
 * the README says, prints exactly the report shown and writes exactly the
 * stack file shown.
 */
import * as fs from "fs";
import * as path from "path";
import { runImportCli } from "../../infra/cli/import";
import { ENV, FIXTURES, removeScratch, ROOT, scratchDir } from "./support";

afterAll(removeScratch);

function exampleBlocks(): string[] {
  const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("### Worked example"), readme.indexOf("### Compose service keys"));
  return [...section.matchAll(/^```\w*\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
}

it("README's worked example: seed 000's compose file in, that report and that stack file out", async () => {
  const [compose, report, stack] = exampleBlocks();
  const source = path.join(FIXTURES, "seed000");
  expect(compose).toBe(fs.readFileSync(path.join(source, "docker-compose.yml"), "utf8"));

  // The layout the example assumes: the compose folder beside the homelab checkout.
  const base = scratchDir("homelab-example-");
  const project = path.join(base, "homelab");
  const composeDir = path.join(base, "miravaz-stack");
  fs.mkdirSync(project);
  fs.mkdirSync(composeDir);
  fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(project, "Pulumi.yaml"));
  for (const f of ["docker-compose.yml", ".env"]) fs.copyFileSync(path.join(source, f), path.join(composeDir, f));

  let out = "";
  const code = await runImportCli([path.join(composeDir, "docker-compose.yml"), "--stack", "miravaz", "--project-dir", project], { stdout: (t) => (out += t), stderr: () => undefined }, ENV);
  expect(code).toBe(0);
  expect(out).toBe(report);
  expect(fs.readFileSync(path.join(project, "Pulumi.miravaz.yaml"), "utf8")).toBe(stack);
});
