/**
 * The alerting pipeline of every shipped stack, as the plan registers it,
 * checked by the real tools: promtool on the Prometheus files Prometheus is
 * given, amtool on the Alertmanager file with the example secrets opened.
 */
import * as path from "path";
import { parse } from "yaml";
import { alertmanagerYaml } from "../../infra/alerting/alertmanager";
import type { RuleFile } from "../../infra/monitoring/alerts";
import type { PrometheusConfig } from "../../infra/monitoring/prometheus";
import { evaluateStack, SECRET_SIG, type Evaluation, type RecordedResource } from "../../infra/plan/evaluate";
import { stackSecrets } from "../plan/secrets";
import { CONTAINER, editStack, named, ofType, problemsOf, SHIPPED_STACKS, VOLUME } from "../support/stacks";
import { loadStack } from "../../infra/plan/evaluate";
import { alert, group, promtoolTest } from "./ruleTests";
import { decryptedModel, layOut, removeLaidOut, runTool } from "./tools";

afterAll(removeLaidOut);

type Upload = { file: string; content: unknown };
const uploads = (c: RecordedResource): Upload[] => (c.inputs.uploads as Upload[] | undefined) ?? [];
const uploaded = (c: RecordedResource, file: string): unknown => {
  const u = uploads(c).find((x) => x.file === file);
  if (!u) throw new Error(`${c.name} has no upload ${file}`);
  return u.content;
};
const container = (e: Evaluation, role: string): RecordedResource => named(e.resources, `monitoring-${role}-container`);

const evaluations = new Map<string, Evaluation>();
beforeAll(async () => {
  for (const s of SHIPPED_STACKS) evaluations.set(s, await evaluateStack({ stack: s }));
});
const ev = (s: string): Evaluation => evaluations.get(s)!;

/** The Prometheus files exactly as uploaded, laid out under /etc/prometheus in a temp dir. */
function prometheusDir(e: Evaluation): string {
  const p = container(e, "prometheus");
  return layOut({
    "etc/prometheus/prometheus.yml": uploaded(p, "/etc/prometheus/prometheus.yml") as string,
    "etc/prometheus/rules/homelab.rules.yml": uploaded(p, "/etc/prometheus/rules/homelab.rules.yml") as string,
  });
}

describe.each(SHIPPED_STACKS)("%s: alerting", (stack) => {
  it("runs Alertmanager hardened like the other monitoring containers, unpublished, with retained data", () => {
    const e = ev(stack);
    const am = container(e, "alertmanager");
    expect(am.inputs.name).toBe("alertmanager");
    expect(named(e.resources, "monitoring-alertmanager-image").inputs.name).toMatch(/^prom\/alertmanager:v\d+\.\d+\.\d+$/);
    expect(am.inputs.networksAdvanced).toEqual([{ name: e.model.defaultNetwork, aliases: ["alertmanager"] }]);
    expect(am.inputs.ports ?? []).toEqual([]);
    expect(am.inputs.securityOpts).toEqual(["no-new-privileges:true"]);
    expect(am.inputs.privileged).toBe(false);
    expect(am.inputs.capabilities).toEqual({ adds: [], drops: ["ALL"] });
    expect(am.inputs.memory).toBe(128);
    expect(Number(am.inputs.cpus)).toBeLessThanOrEqual(1);
    expect((am.inputs.healthcheck as { tests: string[] }).tests).toEqual(["CMD-SHELL", "wget -q -O /dev/null http://localhost:9093/-/healthy || exit 1"]);
    const vol = ofType(e.resources, VOLUME).find((v) => v.inputs.name === "alertmanager-data")!;
    expect(vol.options.retainOnDelete).toBe(true);
    expect(am.inputs.volumes).toEqual([{ volumeName: "alertmanager-data", containerPath: "/alertmanager", readOnly: false }]);
  });

  it("delivers alertmanager.yml only as a secret upload, and no secret anywhere else", () => {
    const e = ev(stack);
    const am = container(e, "alertmanager");
    const content = uploaded(am, "/etc/alertmanager/alertmanager.yml") as Record<string, unknown>;
    expect(content[SECRET_SIG]).toBeDefined();
    // The plan's value: the generator's output with the engine's "[secret]" placeholders.
    expect(content.value).toBe(alertmanagerYaml(e.model.alerting));
    const { plaintexts, ciphertexts } = stackSecrets(stack);
    const exposed = JSON.stringify({ outputs: e.outputs, containers: ofType(e.resources, CONTAINER).map((c) => ({ ...c.inputs, uploads: uploads(c).filter((u) => typeof u.content === "string") })) });
    for (const s of [...plaintexts, ...ciphertexts]) expect(exposed).not.toContain(s);
    expect(JSON.stringify(am.inputs.command)).not.toMatch(/ntfy|hc-ping|password/i);
  });

  it("points Prometheus at Alertmanager and scrapes it (and the tunnel connector when it runs alongside)", () => {
    const e = ev(stack);
    const cfg = parse(uploaded(container(e, "prometheus"), "/etc/prometheus/prometheus.yml") as string) as PrometheusConfig;
    expect(cfg.alerting).toEqual({ alertmanagers: [{ static_configs: [{ targets: ["alertmanager:9093"] }] }] });
    const jobs = cfg.scrape_configs.map((c) => c.job_name);
    expect(jobs).toContain("alertmanager");
    expect(jobs.includes("cloudflared")).toBe(e.model.features.tunnel);
    const rules = (parse(uploaded(container(e, "prometheus"), "/etc/prometheus/rules/homelab.rules.yml") as string) as RuleFile).groups.flatMap((g) => g.rules.map((r) => r.alert));
    expect(rules.includes("TunnelConnectorDown")).toBe(e.model.features.tunnel);
  });

  it("gives Grafana Alertmanager as a Prometheus-flavoured Alertmanager data source", () => {
    const ds = parse(uploaded(container(ev(stack), "grafana"), "/etc/grafana/provisioning/datasources/homelab.yaml") as string) as { datasources: Record<string, unknown>[] };
    expect(ds.datasources.filter((d) => d.type === "alertmanager")).toEqual([
      { name: "Alertmanager", uid: "alertmanager", type: "alertmanager", access: "proxy", url: "http://alertmanager:9093", isDefault: false, editable: false, jsonData: { implementation: "prometheus", handleGrafanaManagedAlerts: false } },
    ]);
  });

  it("passes promtool check config (rule files resolved) and check rules on the uploaded files", () => {
    const dir = prometheusDir(ev(stack));
    const config = runTool("promtool", ["check", "config", path.join(dir, "etc/prometheus/prometheus.yml")]);
    expect(config.output).toMatch(/SUCCESS: \d+ rules found/);
    expect(config.status).toBe(0);
    const rules = runTool("promtool", ["check", "rules", path.join(dir, "etc/prometheus/rules/homelab.rules.yml")]);
    expect(rules.status).toBe(0);
  });

  it("passes amtool check-config on alertmanager.yml with the example secrets opened", () => {
    const m = decryptedModel(stack);
    const dir = layOut({ "etc/alertmanager/alertmanager.yml": alertmanagerYaml(m.alerting) });
    const r = runTool("amtool", ["check-config", path.join(dir, "etc/alertmanager/alertmanager.yml")]);
    expect(r.output).toContain("SUCCESS");
    expect(r.status).toBe(0);
  });
});

describe("shipped stacks route alerts to someone", () => {
  const routed = (stack: string, labels: Record<string, string>): string => {
    const dir = layOut({ "alertmanager.yml": alertmanagerYaml(decryptedModel(stack).alerting) });
    const r = runTool("amtool", ["config", "routes", "test", `--config.file=${path.join(dir, "alertmanager.yml")}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)]);
    expect(r.status).toBe(0);
    return r.output.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("Warning:")).join(",");
  };

  it("homelab: everything to the phone's ntfy topic, the Watchdog to the heartbeat", () => {
    expect(routed("homelab", { alertname: "ServiceDown", severity: "critical", service: "commander" })).toBe("phone");
    expect(routed("homelab", { alertname: "DiskUsageHigh", severity: "warning" })).toBe("phone");
    expect(routed("homelab", { alertname: "Watchdog", severity: "none" })).toBe("homelab-heartbeat");
  });

  it("prod: critical pages on-call, the rest mails the team, the Watchdog pings the heartbeat", () => {
    expect(routed("prod", { alertname: "ServiceDown", severity: "critical", service: "commander" })).toBe("oncall");
    expect(routed("prod", { alertname: "HighErrorRate", severity: "warning", service: "commander" })).toBe("team");
    expect(routed("prod", { alertname: "Watchdog", severity: "none" })).toBe("homelab-heartbeat");
  });

  it("the ntfy topics and heartbeat URLs in the files are the decrypted example values", () => {
    const am = parse(alertmanagerYaml(decryptedModel("prod").alerting)) as { receivers: { name: string; webhook_configs?: { url: string }[] }[] };
    const urls = am.receivers.flatMap((r) => (r.webhook_configs ?? []).map((w) => new URL(w.url).origin + new URL(w.url).pathname));
    expect(urls.sort()).toEqual(["https://hc-ping.com/8c3e5a71-2d9f-4b6e-a0c4-7e1f9b2d6a35", "https://ntfy.sh/miravaz-prod-alerts-9vz2m"]);
  });
});

describe.each(SHIPPED_STACKS)("%s: promtool test rules on the uploaded rule file", (stack) => {
  it("fires the Watchdog and a ServiceDown for each scrape job it configures, and no HostDown before its 2 minutes", () => {
    const p = container(ev(stack), "prometheus");
    const rules = uploaded(p, "/etc/prometheus/rules/homelab.rules.yml") as string;
    const cfg = parse(uploaded(p, "/etc/prometheus/prometheus.yml") as string) as PrometheusConfig;
    const targets = cfg.scrape_configs.map((c) => ({ job: c.job_name, instance: c.static_configs[0].targets[0], kind: c.static_configs[0].labels.kind }));
    expect(targets.length).toBeGreaterThan(5);
    const input = Object.fromEntries(targets.map((t) => [`up{job="${t.job}",instance="${t.instance}"}`, "0x5"]));
    const down = targets.map((t) =>
      alert({ severity: "critical", job: t.job, instance: t.instance, ...(t.kind === "service" ? { service: t.job } : {}) }, `${t.job} (${t.instance}) has not answered Prometheus for 2 minutes`),
    );
    const r = promtoolTest(rules, [
      group("Watchdog", {}, [{ eval_time: "1m", alertname: "Watchdog", exp_alerts: [alert({ severity: "none" }, "always firing while Prometheus, its rules and Alertmanager work (dead man's switch)")] }]),
      group("everything down", input, [
        { eval_time: "1m", alertname: "HostDown", exp_alerts: [] },
        { eval_time: "3m", alertname: "ServiceDown", exp_alerts: down },
      ]),
    ]);
    expect(r.output).toContain("SUCCESS");
    expect(r.status).toBe(0);
  });
});

describe("homelab: commander's own alert in the shipped stack", () => {
  const bucket = (le: string): string => `http_request_duration_seconds_bucket{job="commander",instance="commander:8000",handler="/",le="${le}"}`;
  it("fires when the 95th percentile is above 2 seconds, and not when requests are fast", () => {
    const rules = uploaded(container(ev("homelab"), "prometheus"), "/etc/prometheus/rules/homelab.rules.yml") as string;
    const slow = { [bucket("1")]: "0x20", [bucket("5")]: "0+10x20", [bucket("+Inf")]: "0+10x20" };
    const fast = { [bucket("1")]: "0+10x20", [bucket("5")]: "0+10x20", [bucket("+Inf")]: "0+10x20" };
    const r = promtoolTest(rules, [
      group("slow", slow, [
        {
          eval_time: "15m",
          alertname: "CommanderSlowResponses",
          exp_alerts: [alert({ severity: "warning", service: "commander", job: "commander" }, "commander's 95th percentile response time is above 2 seconds")],
        },
      ]),
      group("fast", fast, [{ eval_time: "15m", alertname: "CommanderSlowResponses", exp_alerts: [] }]),
    ]);
    expect(r.output).toContain("SUCCESS");
    expect(r.status).toBe(0);
  });
});

describe("alertmanagerPort", () => {
  it("publishes Alertmanager's UI on 127.0.0.1 only, when asked", async () => {
    const e = await evaluateStack({ stack: "dev", stackFileText: editStack("dev", [[["homelab:monitoring", "alertmanagerPort"], 9093]]) });
    expect(container(e, "alertmanager").inputs.ports).toEqual([{ internal: 9093, external: 9093, ip: "127.0.0.1", protocol: "tcp" }]);
  });

  it("refuses a port another monitoring UI already uses", () => {
    const text = editStack("dev", [[["homelab:monitoring", "alertmanagerPort"], 9090]]);
    expect(problemsOf(() => loadStack({ stack: "dev", stackFileText: text }))).toEqual([
      "Pulumi.dev.yaml:18: homelab:monitoring.alertmanagerPort: host port 9090 is already used by monitoring.prometheusPort",
    ]);
  });
});
