import { parse } from "yaml";
import type { RuleFile } from "../../infra/monitoring/alerts";
import type { DatasourceFile } from "../../infra/monitoring/grafana";
import type { PrometheusConfig } from "../../infra/monitoring/prometheus";
import { monitoringRoutes } from "../../infra/monitoring";
import { evaluateStack, SECRET_SIG, UNKNOWN, type Evaluation, type RecordedResource } from "../../infra/plan/evaluate";
import { parseAlloy } from "./alloyParse";
import { CONTAINER, DOCKER_PROVIDER, editStack, IMAGE, named, ofType, SHIPPED_STACKS, VOLUME } from "../support/stacks";

const MONITORING_TYPE = "homelab:monitoring:Monitoring";
const CORE = ["jaeger", "prometheus", "grafana", "loki", "alloy", "cadvisor", "alertmanager"];

type Upload = { file: string; content: string };
type Port = { internal: number; external?: number; ip?: string };

const container = (e: Evaluation, role: string): RecordedResource => named(e.resources, `monitoring-${role}-container`);
const uploads = (c: RecordedResource): Upload[] => (c.inputs.uploads as Upload[] | undefined) ?? [];
const upload = (c: RecordedResource, suffix: string): string => {
  const u = uploads(c).find((x) => x.file.endsWith(suffix));
  if (!u) throw new Error(`${c.name} has no upload ending ${suffix}: ${uploads(c).map((x) => x.file).join(", ")}`);
  return u.content;
};
const prometheusConfig = (e: Evaluation): PrometheusConfig => parse(upload(container(e, "prometheus"), "prometheus.yml")) as PrometheusConfig;
const targets = (cfg: PrometheusConfig): string[] => cfg.scrape_configs.flatMap((c) => c.static_configs.flatMap((s) => s.targets));
const envOf = (c: RecordedResource): unknown[] => (c.inputs.envs as unknown[] | undefined) ?? [];
const plainEnv = (c: RecordedResource): Record<string, string> =>
  Object.fromEntries(envOf(c).filter((x): x is string => typeof x === "string").map((x) => [x.slice(0, x.indexOf("=")), x.slice(x.indexOf("=") + 1)]));
const monitoringContainers = (e: Evaluation): RecordedResource[] => {
  const comp = e.resources.find((r) => r.type === MONITORING_TYPE);
  if (!comp) return [];
  const children = new Set(e.resources.filter((r) => r.parent === comp.urn).map((r) => r.urn));
  return ofType(e.resources, CONTAINER).filter((c) => c.parent !== undefined && children.has(c.parent));
};

const evaluations = new Map<string, Evaluation>();
beforeAll(async () => {
  for (const s of SHIPPED_STACKS) evaluations.set(s, await evaluateStack({ stack: s }));
});
const ev = (s: string): Evaluation => evaluations.get(s)!;

describe.each(SHIPPED_STACKS)("%s: monitoring containers", (stack) => {
  it("runs every monitoring container on the default network of the monitoring host, under one Monitoring component", () => {
    const e = ev(stack);
    const names = monitoringContainers(e).map((c) => c.inputs.name);
    const expected = [...CORE, ...(e.model.monitoring.nodeExporter ? ["node-exporter"] : []), ...(e.model.backup.backups ? ["pushgateway"] : [])];
    expect([...names].sort()).toEqual([...expected].sort());
    const host = e.model.monitoring.host ?? e.model.hosts[0].name;
    const provider = named(ofType(e.resources, DOCKER_PROVIDER), `${host}-docker`);
    for (const c of monitoringContainers(e)) {
      expect(c.inputs.networksAdvanced).toEqual([{ name: e.model.defaultNetwork, aliases: [c.inputs.name] }]);
      expect(c.provider?.startsWith(`${provider.urn}::`)).toBe(true);
      expect(c.inputs.privileged).toBe(false);
      expect(c.inputs.securityOpts).toEqual(["no-new-privileges:true"]);
      expect(typeof c.inputs.memory).toBe("number");
      // Capped, and never above one CPU: Docker refuses a cap larger than the host's CPU count.
      expect(Number(c.inputs.cpus)).toBeGreaterThan(0);
      expect(Number(c.inputs.cpus)).toBeLessThanOrEqual(1);
      expect(c.inputs.restart).toBe(e.model.profile.restart);
    }
    // The network the containers join exists on that host.
    expect(ofType(e.resources, "docker:index/network:Network").some((n) => n.inputs.name === e.model.defaultNetwork && n.provider?.startsWith(`${provider.urn}::`))).toBe(true);
  });

  it("pins every monitoring image to an explicit version", () => {
    const e = ev(stack);
    const images = ofType(e.resources, IMAGE).filter((i) => i.name.startsWith("monitoring-")).map((i) => String(i.inputs.name));
    expect(images.length).toBe(monitoringContainers(e).length);
    for (const img of images) expect(img).toMatch(/^[a-z0-9./-]+:v?\d+\.\d+\.\d+$/);
  });

  it("has healthchecks on every container whose image can run one (Jaeger's cannot; Prometheus scrapes it instead)", () => {
    const e = ev(stack);
    for (const c of monitoringContainers(e)) {
      if (c.inputs.name === "jaeger") continue;
      expect((c.inputs.healthcheck as { tests: string[] } | undefined)?.tests.length).toBeGreaterThan(1);
    }
    expect(targets(prometheusConfig(e))).toContain("jaeger:14269");
  });

  // commander and sentinel declare `metrics: true` on port 8000 in every shipped stack; only prod turns on node-exporter.
  const SCRAPED: Record<string, string[]> = {
    // homelab and prod: the tunnel connector runs on the monitoring host, and backups push to the Pushgateway.
    dev: ["commander:8000", "sentinel:8000", "prometheus:9090", "cadvisor:8080", "jaeger:14269", "loki:3100", "grafana:3000", "alloy:12345", "alertmanager:9093"],
    homelab: ["commander:8000", "sentinel:8000", "prometheus:9090", "cadvisor:8080", "jaeger:14269", "loki:3100", "grafana:3000", "alloy:12345", "alertmanager:9093", "cloudflared:2000", "pushgateway:9091"],
    prod: ["commander:8000", "sentinel:8000", "prometheus:9090", "cadvisor:8080", "jaeger:14269", "loki:3100", "grafana:3000", "alloy:12345", "node-exporter:9100", "alertmanager:9093", "cloudflared:2000", "pushgateway:9091"],
  };
  const jobName = (target: string): string => target.slice(0, target.indexOf(":"));

  it("scrapes each service with metrics and every platform container, and nothing else", () => {
    const cfg = prometheusConfig(ev(stack));
    expect(targets(cfg)).toEqual(SCRAPED[stack]);
    expect(cfg.scrape_configs.map((c) => c.job_name)).toEqual(SCRAPED[stack].map(jobName));
  });

  it("loads the generated rules: ServiceDown per job, restarts, disk, error rate per service", () => {
    const e = ev(stack);
    const rules = (parse(upload(container(e, "prometheus"), "homelab.rules.yml")) as RuleFile).groups.flatMap((g) => g.rules);
    expect(rules.filter((r) => r.alert === "ServiceDown").map((r) => r.labels.job)).toEqual(SCRAPED[stack].map(jobName));
    expect(rules.filter((r) => r.alert === "HighErrorRate").map((r) => r.labels.job)).toEqual(["commander", "sentinel"]);
    expect(rules.filter((r) => r.alert === "ContainerRestarting")).toHaveLength(1);
    const disk = rules.find((r) => r.alert === "DiskUsageHigh")!;
    expect(disk.expr).toContain(stack === "prod" ? "node_filesystem_avail_bytes" : "container_fs_usage_bytes");
    // No shipped stack sets diskAlertPercent: the README's default, 80.
    expect(disk.expr).toMatch(/> 80$/);
  });

  it("keeps Prometheus and Loki data for retentionDays", () => {
    const e = ev(stack);
    const days = e.model.monitoring.retentionDays ?? 15;
    expect(container(e, "prometheus").inputs.command).toContain(`--storage.tsdb.retention.time=${days}d`);
    const loki = parse(upload(container(e, "loki"), ".yaml")) as { limits_config: { retention_period: string } };
    expect(loki.limits_config.retention_period).toBe(`${days * 24}h`);
  });

  it("provisions Grafana's datasources and the container health dashboard", () => {
    const e = ev(stack);
    const g = container(e, "grafana");
    const ds = parse(upload(g, "provisioning/datasources/homelab.yaml")) as DatasourceFile;
    expect(Object.fromEntries(ds.datasources.map((d) => [d.type, d.url]))).toEqual({
      prometheus: "http://prometheus:9090",
      loki: "http://loki:3100",
      jaeger: "http://jaeger:16686",
      alertmanager: "http://alertmanager:9093",
    });
    const dash = JSON.parse(upload(g, "container-health.json")) as { panels: { targets: { expr: string }[] }[] };
    expect(dash.panels.length).toBeGreaterThanOrEqual(3);
  });

  it("ships logs with Alloy from the read-only Docker socket to Loki", () => {
    const e = ev(stack);
    const a = container(e, "alloy");
    const blocks = parseAlloy(upload(a, "config.alloy"));
    const write = blocks.find((b) => b.name === "loki.write")!;
    expect(write.blocks.find((b) => b.name === "endpoint")!.attributes.url).toBe("http://loki:3100/loki/api/v1/push");
    expect(blocks.find((b) => b.name === "discovery.docker")!.blocks[0].attributes.values).toEqual([`homelab.stack=${stack}`]);
    expect(a.inputs.volumes).toEqual(expect.arrayContaining([{ hostPath: "/var/run/docker.sock", containerPath: "/var/run/docker.sock", readOnly: true }]));
  });

  it("mounts only read-only host paths into cAdvisor and node-exporter", () => {
    const e = ev(stack);
    for (const role of ["cadvisor", ...(e.model.monitoring.nodeExporter ? ["node-exporter"] : [])]) {
      const vols = container(e, role).inputs.volumes as { hostPath?: string; readOnly?: boolean }[];
      expect(vols.length).toBeGreaterThan(0);
      for (const v of vols) expect(v).toMatchObject({ readOnly: true });
    }
    const cadvisorHostPaths = (container(e, "cadvisor").inputs.volumes as { hostPath: string }[]).map((v) => v.hostPath);
    expect(cadvisorHostPaths.sort()).toEqual(["/", "/sys", "/var/lib/docker", "/var/run"]);
  });

  it("retains the Prometheus, Loki and Grafana data volumes", () => {
    const e = ev(stack);
    const vols = ofType(e.resources, VOLUME).filter((v) => v.name.startsWith("monitoring-"));
    const byName = Object.fromEntries(vols.map((v) => [String(v.inputs.name), v]));
    for (const n of ["prometheus-data", "loki-data", "grafana-data", "alertmanager-data"]) {
      expect(byName[n]).toBeDefined();
      expect(byName[n].options.retainOnDelete).toBe(true);
    }
  });

  it("gives traced services the OTEL variables pointing at Jaeger, and no one else", () => {
    const e = ev(stack);
    const jaeger = plainEnv(container(e, "jaeger"));
    expect(jaeger.COLLECTOR_OTLP_ENABLED).toBe("true");
    for (const s of e.model.services) {
      const env = plainEnv(named(e.resources, `${s.key}-container`));
      if (s.tracing) {
        expect(env.OTEL_EXPORTER_OTLP_ENDPOINT).toBe("http://jaeger:4317");
        expect(env.OTEL_SERVICE_NAME).toBe(s.key);
      } else expect(env.OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
    }
    expect(e.model.services.some((s) => s.tracing)).toBe(true);
  });

  it("passes the Grafana admin password only as a secret, and exports nothing secret", () => {
    const e = ev(stack);
    const env = envOf(container(e, "grafana"));
    const secret = env.filter((x) => typeof x === "object" && x !== null && SECRET_SIG in x) as unknown as { value: string }[];
    expect(secret).toHaveLength(1);
    if (e.model.monitoring.grafanaAdminPassword !== undefined) {
      // The engine's placeholder for the `secure:` value: the real one never reaches the plan.
      expect(secret[0].value).toBe("GF_SECURITY_ADMIN_PASSWORD=[secret]");
    } else {
      // Generated: unknown until the RandomPassword exists, and a secret all the same.
      expect(secret[0].value).toBe(UNKNOWN);
      expect(ofType(e.resources, "random:index/randomPassword:RandomPassword")).toHaveLength(1);
    }
    expect(env.some((x) => typeof x === "string" && x.startsWith("GF_SECURITY_ADMIN_PASSWORD"))).toBe(false);
    expect(JSON.stringify(e.outputs)).not.toMatch(/GF_SECURITY|\[secret\]/);
    const comp = e.resources.find((r) => r.type === MONITORING_TYPE)!;
    expect(JSON.stringify(comp.inputs)).not.toMatch(/password/i);
  });
});

describe("monitoring ports", () => {
  it("publishes the dev UIs on 127.0.0.1 only, at the configured ports", () => {
    const e = ev("dev");
    const published = monitoringContainers(e).flatMap((c) => ((c.inputs.ports as Port[] | undefined) ?? []).map((p) => ({ name: c.inputs.name, ...p })));
    expect(published.map((p) => [p.name, p.ip, p.external, p.internal]).sort()).toEqual(
      [
        ["grafana", "127.0.0.1", 3001, 3000],
        ["jaeger", "127.0.0.1", 16686, 16686],
        ["prometheus", "127.0.0.1", 9090, 9090],
      ].sort(),
    );
    expect(plainEnv(container(e, "grafana")).GF_SERVER_ROOT_URL).toBe("http://127.0.0.1:3001/");
    expect(plainEnv(container(ev("homelab"), "grafana")).GF_SERVER_ROOT_URL).toBe("https://grafana.miravaz.com/");
  });

  it.each(["homelab", "prod"])("%s publishes no monitoring port at all", (stack) => {
    for (const c of monitoringContainers(ev(stack))) expect((c.inputs.ports as Port[] | undefined) ?? []).toEqual([]);
  });

  it("routes the UIs with hostnames through the tunnel behind Access", () => {
    expect(monitoringRoutes(ev("homelab").model)).toEqual([
      { key: "grafana", hostname: "grafana.miravaz.com", service: "http://grafana:3000", public: false },
      { key: "jaeger", hostname: "trace.miravaz.com", service: "http://jaeger:16686", public: false },
    ]);
    expect(monitoringRoutes(ev("prod").model).map((r) => [r.hostname, r.service, r.public])).toEqual([["grafana.miravaz.cloud", "http://grafana:3000", false]]);
    expect(monitoringRoutes(ev("dev").model)).toEqual([]);
  });
});

describe("the model drives monitoring", () => {
  it("adds exactly one scrape target (and its alerts) when a service with metrics is added", async () => {
    const text = editStack("homelab", [
      [["homelab:services", "ledger"], { image: "ghcr.io/pedromiravaz/ledger:1.2.3", port: 9000, metrics: { path: "/prom" }, memory: "128m", healthcheck: { test: "true" } }],
    ]);
    const before = prometheusConfig(ev("homelab"));
    const after = prometheusConfig(await evaluateStack({ stack: "homelab", stackFileText: text }));
    expect(after.scrape_configs.length).toBe(before.scrape_configs.length + 1);
    const added = after.scrape_configs.filter((c) => !before.scrape_configs.some((b) => b.job_name === c.job_name));
    expect(added).toEqual([{ job_name: "ledger", metrics_path: "/prom", static_configs: [{ targets: ["ledger:9000"], labels: { kind: "service" } }] }]);
  });

  it("registers none of it when monitoring is switched off", async () => {
    const text = editStack("homelab", [[["homelab:features"], { monitoring: false }], [["homelab:monitoring"], undefined]]);
    const e = await evaluateStack({ stack: "homelab", stackFileText: text });
    expect(e.resources.filter((r) => r.type === MONITORING_TYPE || r.name.startsWith("monitoring-") || (r.type.startsWith("random:") && r.parent?.includes(MONITORING_TYPE)))).toEqual([]);
    const names = ofType(e.resources, CONTAINER).map((c) => c.inputs.name);
    for (const n of [...CORE, "node-exporter"]) expect(names).not.toContain(n);
    for (const s of e.model.services) expect(plainEnv(named(e.resources, `${s.key}-container`)).OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
  });

  it("generates a Grafana password with @pulumi/random when none is configured, still as a secret", async () => {
    const text = editStack("homelab", [[["homelab:monitoring", "grafanaAdminPassword"], undefined]]);
    const e = await evaluateStack({ stack: "homelab", stackFileText: text });
    const pw = ofType(e.resources, "random:index/randomPassword:RandomPassword");
    expect(pw.map((p) => p.name)).toEqual(["monitoring-grafana-admin-password"]);
    const comp = e.resources.find((r) => r.type === MONITORING_TYPE)!;
    expect(pw[0].parent).toBe(comp.urn);
    const env = envOf(container(e, "grafana"));
    expect(env.filter((x) => typeof x === "object" && x !== null && SECRET_SIG in x)).toHaveLength(1);
    expect(env.some((x) => typeof x === "string" && x.startsWith("GF_SECURITY_ADMIN_PASSWORD"))).toBe(false);
  });

  it("creates no RandomPassword when the stack configures the password", () => {
    expect(ofType(ev("homelab").resources, "random:index/randomPassword:RandomPassword")).toEqual([]);
  });
});
