/**
 * examples/phase5 (seed 003): nginx, FastAPI backend, static frontend and
 * Coqui TTS; the admin port bound to the VM's LAN address only; /health and
 * /health/tts as the backend's health check; sqlite and audio-cache volumes;
 * the backend's `.env` as a 0600 secret file; disk alert at 80%; the
 * backend's own alerts on TTS failures and database size, run by promtool.
 */
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { planStacks } from "../../infra/plan";
import { alert, group, promtoolTest } from "../alerting/ruleTests";
import { removeLaidOut } from "../alerting/tools";
import { container, containers, decryptedSecrets, dependsOnContainers, EXAMPLES_DIR, list, planExample, stackOf, type ExampleRun } from "./support";

jest.setTimeout(120_000);
afterAll(removeLaidOut);

const DIR = path.join(EXAMPLES_DIR, "phase5");
let run: ExampleRun;
beforeAll(async () => {
  run = await planExample("phase5");
});

test("plans clean with the example's own policy config", () => {
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  const plan = stackOf(run, "homelab");
  expect(plan.violations.filter((v) => v.level === "mandatory")).toEqual([]);
  expect(plan.policyConfig).toBe(path.join("..", "examples", "phase5", "policy-config", "homelab.json"));
  expect([...containers(plan).keys()]).toEqual(expect.arrayContaining(["ef_proxy", "ef_backend", "ef_frontend", "ef_tts"]));
});

test("the admin port listens on the VM's LAN address only, the app only through the tunnel", () => {
  const plan = stackOf(run, "homelab");
  const ports = plan.endpoints.filter((e) => e.kind === "hostPort");
  expect(ports).toEqual([expect.objectContaining({ interface: "192.168.1.20", scope: "private", hostPort: 8081, container: "ef_proxy", containerPort: 8081 })]);
  const tunnel = plan.endpoints.filter((e) => e.kind === "tunnel");
  expect(tunnel).toEqual([expect.objectContaining({ hostname: "app.phase5.example", access: "access", container: "ef_proxy", port: 80 })]);
});

test("nginx's admin server admits 192.168.1.0/24 alone, and the public server refuses /admin", () => {
  const conf = String(list(container(stackOf(run, "homelab"), "ef_proxy").inputs["uploads"])[0]["content"]);
  const admin = /listen 8081;[\s\S]*?\n}/.exec(conf)?.[0] ?? "";
  expect(admin).toContain("allow 192.168.1.0/24;");
  expect(admin).toContain("deny all;");
  expect(conf).toMatch(/listen 80;[\s\S]*location \/admin \{ return 404; \}/);
});

test("the same admin port on any other address is a mandatory violation", async () => {
  const text = fs.readFileSync(path.join(DIR, "Pulumi.homelab.yaml"), "utf8").replace('"192.168.1.20:8081:8081"', '"192.168.1.21:8081:8081"');
  const [plan] = await planStacks({ stacks: ["homelab"], projectDir: DIR, stackFileTexts: { homelab: text } });
  const v = plan.violations.filter((x) => x.policy === "no-public-ports");
  expect(v).toHaveLength(1);
  expect(v[0].level).toBe("mandatory");
  expect(v[0].message).toContain("192.168.1.21");
});

test("the backend's health check asks /health and /health/tts; the proxy starts after it", () => {
  const plan = stackOf(run, "homelab");
  const hc = container(plan, "ef_backend").inputs["healthcheck"] as { tests: string[] };
  const script = hc.tests.join(" ");
  expect(script).toContain("http://localhost:8000/health'");
  expect(script).toContain("http://localhost:8000/health/tts'");
  expect(dependsOnContainers(plan, "ef_proxy")).toEqual(["ef_backend", "ef_frontend"]);
  expect(dependsOnContainers(plan, "ef_backend")).toEqual(["ef_tts"]);
  expect(container(plan, "ef_tts").inputs["wait"]).toBe(true);
});

test("sqlite and the audio cache live on named volumes mounted by the backend", () => {
  const plan = stackOf(run, "homelab");
  const mounts = list(container(plan, "ef_backend").inputs["volumes"]).map((v) => `${String(v["volumeName"])}:${String(v["containerPath"])}`);
  expect(mounts.sort()).toEqual(["ef-audio-cache:/data/audio-cache", "ef-db:/data/db"]);
  const volumes = plan.resources.filter((r) => r.type === "docker:index/volume:Volume").map((r) => r.inputs["name"]);
  expect(volumes).toEqual(expect.arrayContaining(["ef-db", "ef-audio-cache"]));
});

test("the backend's .env arrives as a secret file with mode 0600, its values never in the plan", () => {
  const uploads = list(container(stackOf(run, "homelab"), "ef_backend").inputs["uploads"]);
  expect(uploads).toEqual([{ file: "/app/.env", content: "[secret]", permissions: "0600" }]);
  const text = JSON.stringify(run.stacks);
  const secrets = decryptedSecrets("phase5", "homelab");
  expect(secrets).toContain("phase5-admin-password");
  for (const s of secrets) expect(text).not.toContain(s);
});

test("disk usage alerts at 80%, as the seed asks", () => {
  const prometheus = container(stackOf(run, "homelab"), "prometheus");
  const rules = list(prometheus.inputs["uploads"]).find((u) => String(u["file"]).endsWith(".rules.yml"));
  const doc = parseYaml(String(rules?.["content"])) as { groups: { rules: { alert: string; expr: string }[] }[] };
  const disk = doc.groups.flatMap((g) => g.rules).find((r) => r.alert === "DiskUsageHigh");
  expect(disk?.expr).toMatch(/> 80\b/);
  expect(doc.groups.flatMap((g) => g.rules).map((r) => r.alert)).toContain("ServiceDown");
});

test("the backend's TTS failure-rate and database-size alerts fire on their symptom and not before (promtool)", () => {
  const prometheus = container(stackOf(run, "homelab"), "prometheus");
  const rules = String(list(prometheus.inputs["uploads"]).find((u) => String(u["file"]).endsWith(".rules.yml"))?.["content"]);
  const labels = { severity: "warning", service: "backend", job: "backend" };
  const result = promtoolTest(rules, [
    // 10 of 100 requests a minute fail (10%): pending at first, firing once it has lasted 10 minutes.
    group("TTS failing", { 'tts_requests_total{status="error"}': "0+10x30", 'tts_requests_total{status="ok"}': "0+90x30" }, [
      { eval_time: "8m", alertname: "TtsFailureRateHigh", exp_alerts: [] },
      { eval_time: "25m", alertname: "TtsFailureRateHigh", exp_alerts: [alert(labels, "More than 5% of TTS requests failed over 10 minutes")] },
    ]),
    // 1 in 100 fails (1%): never.
    group("TTS mostly fine", { 'tts_requests_total{status="error"}': "0+1x40", 'tts_requests_total{status="ok"}': "0+99x40" }, [
      { eval_time: "40m", alertname: "TtsFailureRateHigh", exp_alerts: [] },
    ]),
    group("database grows past 2 GB", { sqlite_db_file_size_bytes: "1.5e9x10 2.5e9x40" }, [
      { eval_time: "20m", alertname: "SqliteDatabaseLarge", exp_alerts: [] },
      { eval_time: "45m", alertname: "SqliteDatabaseLarge", exp_alerts: [alert(labels, "db.sqlite is above 2 GB; plan the move to Postgres")] },
    ]),
  ]);
  expect(result.output).toContain("SUCCESS");
  expect(result.status).toBe(0);
});

test("the TTS image is the maintained Coqui fork, pinned to a release", () => {
  const image = stackOf(run, "homelab").resources.find((r) => r.type === "docker:index/remoteImage:RemoteImage" && String(r.inputs["name"]).includes("coqui"));
  expect(image?.inputs["name"]).toBe("ghcr.io/idiap/coqui-tts-cpu:v0.27.0");
});
