import { parse, parseDocument } from "yaml";
import { platformService, type Service } from "../../infra/model";
import { alertRules, alertRulesYaml, type RuleFile } from "../../infra/monitoring/alerts";
import { alloyConfig } from "../../infra/monitoring/alloy";
import { containerHealthDashboard, grafanaDashboardProviderYaml, grafanaDatasources, grafanaDatasourcesYaml, GRAFANA_DASHBOARD_DIR } from "../../infra/monitoring/grafana";
import { lokiConfig } from "../../infra/monitoring/loki";
import * as path from "path";
import { prometheusConfig, prometheusYaml, PROMETHEUS_CONFIG_FILE, PROMETHEUS_RULES_FILE, type PrometheusConfig } from "../../infra/monitoring/prometheus";
import { scrapePlan } from "../../infra/monitoring/targets";
import { parseAlloy } from "./alloyParse";

const svc = (key: string, over: Partial<Service> = {}): Service =>
  platformService({ key, image: `example/${key}:1.0`, host: "server", networks: ["net"], ...over });

const scope = { host: "server", network: "net", nodeExporter: false };

describe("scrapePlan", () => {
  const services = [
    svc("api", { containerName: "api-main", metrics: { port: 8000, path: "/metrics" } }),
    svc("db"),
    svc("remote", { host: "other", metrics: { port: 9000, path: "/m" } }),
    svc("hidden", { networks: ["backend"], metrics: { port: 9000, path: "/m" } }),
  ];

  it("scrapes a service with metrics by container name and port, and skips what Prometheus cannot reach", () => {
    const plan = scrapePlan(services, scope);
    const api = plan.jobs.find((j) => j.job === "api");
    expect(api).toEqual({ job: "api", address: "api-main:8000", path: "/metrics", kind: "service" });
    expect(plan.jobs.map((j) => j.job)).not.toContain("db");
    expect(plan.jobs.map((j) => j.job)).not.toContain("remote");
    expect(plan.jobs.map((j) => j.job)).not.toContain("hidden");
    expect(plan.skipped.map((s) => s.service).sort()).toEqual(["hidden", "remote"]);
    expect(plan.skipped.find((s) => s.service === "remote")!.reason).toMatch(/host "other"/);
  });

  // Each platform container's own metrics port, as its upstream documents it.
  const PLATFORM = [
    { job: "prometheus", address: "prometheus:9090", path: "/metrics", kind: "platform" },
    { job: "cadvisor", address: "cadvisor:8080", path: "/metrics", kind: "platform" },
    { job: "jaeger", address: "jaeger:14269", path: "/metrics", kind: "platform" },
    { job: "loki", address: "loki:3100", path: "/metrics", kind: "platform" },
    { job: "grafana", address: "grafana:3000", path: "/metrics", kind: "platform" },
    { job: "alloy", address: "alloy:12345", path: "/metrics", kind: "platform" },
  ];
  const ALERTMANAGER = { job: "alertmanager", address: "alertmanager:9093", path: "/metrics", kind: "platform" };

  it("always scrapes every platform container; node-exporter only when enabled", () => {
    expect(scrapePlan([], scope).jobs).toEqual([...PLATFORM, ALERTMANAGER]);
    expect(scrapePlan([], { ...scope, nodeExporter: true }).jobs).toEqual([
      ...PLATFORM,
      { job: "node-exporter", address: "node-exporter:9100", path: "/metrics", kind: "platform" },
      ALERTMANAGER,
    ]);
  });
});

describe("prometheus config", () => {
  const plan = scrapePlan([svc("api", { metrics: { port: 8000, path: "/prom" } }), svc("remote", { host: "other", metrics: { port: 1, path: "/" } })], scope);

  it("round-trips through YAML with one job per target and the rules file", () => {
    const cfg = parse(prometheusYaml(plan, { stack: "dev" })) as PrometheusConfig;
    const job = (name: string, target: string, path: string, kind: string) => ({ job_name: name, metrics_path: path, static_configs: [{ targets: [target], labels: { kind } }] });
    expect(cfg).toEqual({
      global: { scrape_interval: "15s", evaluation_interval: "15s", external_labels: { stack: "dev" } },
      // Relative to the config file's directory, as Prometheus resolves rule_files.
      rule_files: ["rules/homelab.rules.yml"],
      scrape_configs: [
        job("api", "api:8000", "/prom", "service"),
        job("prometheus", "prometheus:9090", "/metrics", "platform"),
        job("cadvisor", "cadvisor:8080", "/metrics", "platform"),
        job("jaeger", "jaeger:14269", "/metrics", "platform"),
        job("loki", "loki:3100", "/metrics", "platform"),
        job("grafana", "grafana:3000", "/metrics", "platform"),
        job("alloy", "alloy:12345", "/metrics", "platform"),
        job("alertmanager", "alertmanager:9093", "/metrics", "platform"),
      ],
    });
    expect(prometheusConfig(plan, { stack: "dev", scrapeInterval: "30s" }).global.scrape_interval).toBe("30s");
    expect(path.posix.join(path.posix.dirname(PROMETHEUS_CONFIG_FILE), cfg.rule_files[0])).toBe(PROMETHEUS_RULES_FILE);
  });

  it("names the skipped services in a comment", () => {
    const doc = parseDocument(prometheusYaml(plan, { stack: "dev" }));
    expect(doc.commentBefore).toMatch(/remote: runs on host "other"/);
  });
});

describe("alert rules", () => {
  const plan = scrapePlan([svc("api", { metrics: { port: 8000, path: "/metrics" } })], scope);
  const rules = (nodeExporter: boolean): RuleFile => parse(alertRulesYaml(plan, { diskAlertPercent: 75, errorRateAlert: 0.1, nodeExporter })) as RuleFile;
  const all = (f: RuleFile) => f.groups.flatMap((g) => g.rules);

  it("has one ServiceDown per scrape job", () => {
    const down = all(rules(false)).filter((r) => r.alert === "ServiceDown");
    expect(down.map((r) => r.expr)).toEqual([
      'up{job="api"} == 0',
      'up{job="prometheus"} == 0',
      'up{job="cadvisor"} == 0',
      'up{job="jaeger"} == 0',
      'up{job="loki"} == 0',
      'up{job="grafana"} == 0',
      'up{job="alloy"} == 0',
      'up{job="alertmanager"} == 0',
    ]);
  });

  it("counts container restarts over 15 minutes from cAdvisor", () => {
    const r = all(rules(false)).find((x) => x.alert === "ContainerRestarting")!;
    expect(r.expr).toContain("changes(container_start_time_seconds");
    expect(r.expr).toContain("[15m]");
    expect(r.expr).toMatch(/> 3$/);
  });

  it("measures disk from node-exporter when it runs, else from cAdvisor, at the configured percent", () => {
    const withNode = all(rules(true)).find((x) => x.alert === "DiskUsageHigh")!.expr;
    const without = all(rules(false)).find((x) => x.alert === "DiskUsageHigh")!.expr;
    expect(withNode).toContain("node_filesystem_avail_bytes");
    expect(without).toContain("container_fs_usage_bytes");
    expect(without).toContain("container_fs_limit_bytes");
    for (const e of [withNode, without]) expect(e).toMatch(/> 75$/);
  });

  it("has an error-rate rule per service with metrics, not per platform job", () => {
    const err = all(rules(false)).filter((x) => x.alert === "HighErrorRate");
    expect(err).toHaveLength(1);
    expect(err[0].labels.job).toBe("api");
    expect(err[0].expr).toContain('http_requests_total{job="api",status=~"5.."}');
    expect(err[0].expr).toMatch(/> 0.1$/);
  });

  it("uses the documented defaults when built directly", () => {
    const r = alertRules(plan, { diskAlertPercent: 80, errorRateAlert: 0.05, nodeExporter: false });
    expect(r.groups.map((g) => g.name)).toEqual(["homelab-availability", "homelab-containers", "homelab-errors"]);
  });
});

describe("grafana provisioning", () => {
  it("provisions Prometheus (default), Loki and Jaeger", () => {
    const urls = { prometheus: "http://prometheus:9090", loki: "http://loki:3100", jaeger: "http://jaeger:16686" };
    const parsed = parse(grafanaDatasourcesYaml(urls)) as ReturnType<typeof grafanaDatasources>;
    expect(parsed.apiVersion).toBe(1);
    const byType = Object.fromEntries(parsed.datasources.map((d) => [d.type, d]));
    expect(byType.prometheus.url).toBe(urls.prometheus);
    expect(byType.loki.url).toBe(urls.loki);
    expect(byType.jaeger.url).toBe(urls.jaeger);
    expect(parsed.datasources.filter((d) => d.isDefault).map((d) => d.type)).toEqual(["prometheus"]);
  });

  it("loads dashboards from the directory the dashboard file goes to", () => {
    const p = parse(grafanaDashboardProviderYaml()) as { providers: { type: string; options: { path: string } }[] };
    expect(p.providers[0]).toMatchObject({ type: "file", options: { path: GRAFANA_DASHBOARD_DIR } });
  });

  it("has a container health dashboard with CPU, memory and restarts from cAdvisor", () => {
    const d = containerHealthDashboard();
    const exprs = d.panels.flatMap((p) => p.targets.map((t) => t.expr));
    expect(exprs.some((e) => e.includes("container_cpu_usage_seconds_total"))).toBe(true);
    expect(exprs.some((e) => e.includes("container_memory_working_set_bytes"))).toBe(true);
    expect(exprs.some((e) => e.includes("container_start_time_seconds"))).toBe(true);
    expect(new Set(d.panels.map((p) => p.id)).size).toBe(d.panels.length);
    expect(d.panels.every((p) => p.datasource.uid === "prometheus")).toBe(true);
  });
});

describe("loki config", () => {
  it("keeps logs for the retention period with the compactor enforcing it", () => {
    const c = lokiConfig(7) as { limits_config: { retention_period: string }; compactor: { retention_enabled: boolean } };
    expect(c.limits_config.retention_period).toBe("168h");
    expect(c.compactor.retention_enabled).toBe(true);
  });
});

describe("alloy config", () => {
  const input = { stack: "dev", dockerHost: "unix:///var/run/docker.sock", lokiUrl: "http://loki:3100" };

  it("renders the log shipping pipeline (parsed back)", () => {
    const b = (name: string, label: string | undefined, attributes: Record<string, unknown>, blocks: unknown[] = []) => ({ name, label, attributes, blocks });
    expect(parseAlloy(alloyConfig(input))).toEqual([
      b("discovery.docker", "containers", { host: "unix:///var/run/docker.sock" }, [b("filter", undefined, { name: "label", values: ["homelab.stack=dev"] })]),
      b("discovery.relabel", "containers", { targets: [] }, [
        b("rule", undefined, { source_labels: ["__meta_docker_container_name"], regex: "/(.*)", target_label: "container" }),
        b("rule", undefined, { source_labels: ["__meta_docker_container_label_homelab_service"], target_label: "service" }),
      ]),
      b("loki.source.docker", "containers", {
        host: "unix:///var/run/docker.sock",
        targets: { ref: "discovery.docker.containers.targets" },
        relabel_rules: { ref: "discovery.relabel.containers.rules" },
        forward_to: [{ ref: "loki.write.default.receiver" }],
      }),
      b("loki.write", "default", { external_labels: { object: { stack: "dev" } } }, [b("endpoint", undefined, { url: "http://loki:3100/loki/api/v1/push" })]),
    ]);
  });

  it("discovers this stack's containers through the socket and ships to Loki", () => {
    const blocks = parseAlloy(alloyConfig(input));
    const find = (name: string) => blocks.find((b) => b.name === name)!;
    expect(find("discovery.docker").attributes.host).toBe("unix:///var/run/docker.sock");
    expect(find("discovery.docker").blocks[0].attributes.values).toEqual(["homelab.stack=dev"]);
    const source = find("loki.source.docker");
    expect(source.attributes.targets).toEqual({ ref: "discovery.docker.containers.targets" });
    expect(source.attributes.forward_to).toEqual([{ ref: "loki.write.default.receiver" }]);
    const write = find("loki.write");
    expect(write.label).toBe("default");
    expect(write.blocks.find((b) => b.name === "endpoint")!.attributes.url).toBe("http://loki:3100/loki/api/v1/push");
  });
});
