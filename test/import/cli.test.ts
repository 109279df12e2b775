/**
 * `npm run import` as a user meets it: exit codes, one clear error naming
 * file, line and key path for bad input, never a stack trace or a secret.
 */
import * as fs from "fs";
import * as path from "path";
import { runImportCli } from "../../infra/cli/import";
import { ENV, FIXTURES, removeScratch, scratchProject } from "./support";

afterAll(removeScratch);

async function run(argv: string[], env: NodeJS.ProcessEnv = ENV): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await runImportCli(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) }, env);
  return { code, out, err };
}

function composeFile(text: string, name = "docker-compose.yml"): string {
  const dir = fs.mkdtempSync(path.join(scratchProject(), "compose-"));
  fs.writeFileSync(path.join(dir, name), text);
  return path.join(dir, name);
}

const seed000 = path.join(FIXTURES, "seed000", "docker-compose.yml");

describe("npm run import", () => {
  it("prints the JSON report: services, each key with mapped, changed or refused", async () => {
    const dir = scratchProject();
    const { code, out } = await run([seed000, "--stack", "homelab", "--format", "json", "--project-dir", dir]);
    expect(code).toBe(0);
    const report = JSON.parse(out) as { services: { name: string; status: string; keys: { key: string; status: string; note: string }[] }[] };
    expect(report.services.map((s) => s.name)).toEqual(["commander", "sentinel", "jaeger", "cloudflared", "watchtower"]);
    expect(report.services[0].keys.find((k) => k.key === "environment")).toEqual({ key: "environment", status: "changed", note: "DATABASE_URL, API_TOKEN -> secretEnvironment (values never written in plain text)" });
    expect(fs.existsSync(path.join(dir, "Pulumi.homelab.yaml"))).toBe(true);
  });

  it("prints the text report with the secret commands, never the values", async () => {
    const dir = scratchProject();
    const { code, out } = await run([seed000, "--stack", "homelab", "--project-dir", dir, "--dry-run"]);
    expect(code).toBe(0);
    expect(out).toMatch(/^would write \(dry run\) Pulumi\.homelab\.yaml: 2 of 5 services imported into stack homelab$/m);
    expect(out).toContain("  pulumi config set --secret --path 'homelab:services.commander.secretEnvironment.API_TOKEN' --stack homelab\n");
    expect(out).not.toMatch(/example-(api|db|tunnel)/);
  });

  it("exits 2 naming file, line and key path for a compose file outside the specification", async () => {
    const file = composeFile("services:\n  api:\n    image: nginx:1.27\n    ports:\n      - target: 80\n        bogus: 1\n    restrat: always\n");
    const { code, err } = await run([file, "--stack", "x", "--project-dir", path.dirname(file)]);
    expect(code).toBe(2);
    expect(err).toContain("docker-compose.yml: services.api: line 3: unknown key \"restrat\" (not in the Compose specification)");
    expect(err).toContain("docker-compose.yml: services.api.ports[0]: line 5: unknown key \"bogus\"");
    expect(err).not.toMatch(/\n\s+at /);
    expect(fs.readdirSync(path.dirname(file))).toEqual(["docker-compose.yml"]);
  });

  it("exits 2 for a required variable with no value, quoting no secret", async () => {
    const dir = scratchProject();
    const { code, err } = await run([path.join(FIXTURES, "seed001", "docker-compose.yml"), "--stack", "dev", "--project-dir", dir, "--env-file", seed000.replace("docker-compose.yml", ".env")]);
    expect(code).toBe(2);
    expect(err).toContain("docker-compose.yml: services.cms.environment.DB_PASSWORD: line 46: required variable CMS_DB_PASSWORD: set CMS_DB_PASSWORD");
    expect(err).not.toContain("example-");
  });

  it("exits 2 for YAML that does not parse, a missing file, and bad arguments", async () => {
    const bad = composeFile("services:\n  api:\n    image: [unclosed\n");
    expect((await run([bad, "--stack", "x", "--project-dir", path.dirname(bad)])).err).toMatch(/docker-compose\.yml: line \d+: /);
    const missing = await run(["/nonexistent/docker-compose.yml", "--stack", "x"]);
    expect([missing.code, missing.err]).toEqual([2, "error: invalid configuration (1 problem):\n  - docker-compose.yml: no such compose file\n"]);
    expect((await run([seed000])).err).toBe("error: give --stack <name>\n");
    expect((await run([seed000, "--stack", "x", "--format", "yaml"])).code).toBe(2);
    expect((await run(["--stack", "x"])).code).toBe(2);
  });

  it("exits 2 for an extends cycle and for include", async () => {
    const cyc = composeFile("services:\n  a:\n    image: nginx:1.27\n    extends: b\n  b:\n    image: nginx:1.27\n    extends: a\n");
    const r = await run([cyc, "--stack", "x", "--project-dir", path.dirname(cyc)]);
    expect([r.code, r.err]).toEqual([2, expect.stringContaining("extends cycle: a -> b -> a")]);
    const inc = composeFile("include:\n  - other.yml\nservices:\n  a:\n    image: nginx:1.27\n");
    expect((await run([inc, "--stack", "x", "--project-dir", path.dirname(inc)])).err).toContain("include: not supported: pass the included files as more compose files");
  });
});

describe("odd input never crashes the import", () => {
  const ODD: readonly [string, number][] = [
    ["", 2],
    ["[]", 2],
    ["services:\n", 2],
    ["services: {}\n", 0],
    ["services:\n  a: {}\n", 0],
    ["services:\n  a:\n    image: 5\n", 2],
    ["services:\n  A_B:\n    image: nginx:1.27\n", 0],
    ["services:\n  ab:\n    image: nginx:1.27\n    ports: ['1-5:1-5', 80, '::1:80:80', '[::1]:81:80']\n", 0],
    ["services:\n  ab:\n    image: nginx:1.27\n    volumes: ['/x', 'v:/a:z', 'C:\\\\data:/d', {type: tmpfs, target: /t}]\n    environment: {A: null, B: 1, C: true}\n", 0],
    ["services:\n  ab:\n    image: nginx:1.27\n    healthcheck: {test: ['CMD-SHELL', 'true'], interval: 1h2m3s, start_interval: 1s}\n    deploy: {replicas: 2}\n    restart: on-failure:3\n    container_name: Foo\n    networks: {n: {aliases: [x]}}\nnetworks:\n  n: {external: true}\n", 0],
    ["services:\n  ab:\n    image: nginx:1.27\n    depends_on: [missing]\n    labels: ['traefik.http.routers.r.rule=Host(`a.b.c`) || PathPrefix(`/x`)']\n    command: ${NOPE}\n", 0],
    ["services:\n  ab:\n    image: 'nginx:${T:-}'\n    env_file: [{path: ./nope.env, required: false}]\n", 0],
    ["services:\n  a:\n    image: nginx:1.27\n    env_file: ./nope.env\n", 2],
    ["x: ${\n", 2],
    ["services:\n  a: &a\n    image: nginx:1.27\n  b:\n    <<: *a\n    extends: {service: nope}\n", 2],
  ];

  it.each(ODD.map(([text, code], i) => [i, code, text] as const))("case %i exits %i without a stack trace", async (_i, expected, text) => {
    const file = composeFile(text);
    const { code, err } = await run([file, "--stack", "odd", "--project-dir", path.dirname(file), "--dry-run"]);
    expect(code).toBe(expected);
    expect(err).not.toMatch(/\n\s+at /);
    if (code === 2) expect(err).toMatch(/^error: /);
  });
});
