/**
 * SwarmMonitoring built on its own under the mock runtime: which Swarm
 * services, configs, secrets and networks the monitoring stack becomes, and
 * how the settings reach them.
 */
import { createHash } from "crypto";
import { parse } from "yaml";
import { SwarmMonitoring } from "../../components/swarmMonitoring";
import { platformService } from "../../infra/model";
import type { RecordedResource } from "../../infra/plan/evaluate";
import type { SwarmSpec } from "../../infra/swarm/model";
import { CONFIG, managerProvider, named, recordComponents, SECRET, SERVICE, secretValue, type Obj } from "./swarmSupport";

const SWARM: SwarmSpec = {
  manager: "manager",
  nodes: [
    { host: "manager", hostname: "mgr-01", role: "manager", labels: {} },
    { host: "worker", hostname: "wrk-01", role: "worker", labels: {} },
  ],
  services: {},
  encryptedNetworks: [],
};

const SERVICES = [
  platformService({ key: "api", containerName: "api-1", image: "registry.example/api:1", port: 8080, networks: ["homelab"], metrics: { port: 9100, path: "/prom" } }),
  platformService({ key: "batch", image: "registry.example/batch:1", networks: ["jobs"], metrics: { port: 9200, path: "/metrics" } }),
  platformService({ key: "plain", image: "registry.example/plain:1", networks: ["homelab"] }),
];

interface Built {
  readonly mon: SwarmMonitoring;
  readonly full: SwarmMonitoring;
}

function program(): Built {
  const provider = managerProvider();
  const common = { stack: "lab", swarm: SWARM, host: "manager", provider, network: "homelab", networkId: "homelab-net-id", services: SERVICES, logMaxSize: "10m", logMaxFiles: 3 };
  return {
    mon: new SwarmMonitoring("mon", common),
    full: new SwarmMonitoring("full", {
      ...common,
      host: "worker",
      retentionDays: 30,
      grafanaAdminPassword: "admin-pw",
      nodeExporter: true,
      tunnelConnector: true,
      diskAlertPercent: 91,
      errorRateAlert: 0.2,
      alerting: { receivers: { ops: { ntfy: { url: "https://ntfy.example/ops" } } } },
      grafanaRootUrl: "https://grafana.example.com",
      images: { grafana: "grafana/grafana:12.0.0" },
      socketProxyImage: "registry.example/socket-proxy:2",
      backupRpo: "26h",
    }),
  };
}

let resources: RecordedResource[];
let built: Built;
let outputs: Map<unknown, unknown>;
beforeAll(async () => {
  ({ resources, result: built, outputs } = await recordComponents(program));
});

type Rule = { alert: string; expr: string };
const service = (name: string): RecordedResource => named(resources, `${name}-service`);
const task = (name: string): Obj => service(name).inputs.taskSpec as Obj;
const container = (name: string): Obj => task(name).containerSpec as Obj;
const text = (name: string): string => String(named(resources, name).inputs.dataRaw);
const rules = (prefix: string): Rule[] => (parse(text(`${prefix}-prometheus-rules-homelab.rules.yml-config`)) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules);
const rule = (prefix: string, alert: string): string[] => rules(prefix).filter((r) => r.alert === alert).map((r) => r.expr);
/** First 8 hex of sha256 over `path NUL content`: what a generated config's name ends with. */
const hash = (path: string, content: string): string => createHash("sha256").update(`${path}\0${content}`, "utf8").digest("hex").slice(0, 8);
const dockerResources = (): RecordedResource[] => resources.filter((r) => r.type.startsWith("docker:"));

describe("monitoring with its defaults", () => {
  test("a homelab:swarm:Monitoring component of eight Swarm services, each its child", () => {
    const mon = named(resources, "mon");
    expect(mon.type).toBe("homelab:swarm:Monitoring");
    expect(Object.keys(built.mon.services)).toEqual(["cadvisor", "jaeger", "alertmanager", "socket-proxy", "prometheus", "loki", "alloy", "grafana"]);
    for (const k of Object.keys(built.mon.services)) {
      expect(named(resources, `mon-${k}`)).toMatchObject({ type: "homelab:swarm:Service", parent: mon.urn });
      expect(service(`mon-${k}`).inputs.name).toBe(k);
    }
    expect(outputs.get(built.mon)).toEqual({
      services: ["cadvisor", "jaeger", "alertmanager", "socket-proxy", "prometheus", "loki", "alloy", "grafana"],
      scrapeJobs: ["api", "prometheus", "cadvisor", "jaeger", "loki", "grafana", "alloy", "alertmanager"],
    });
  });

  test("scrapes the services with metrics on its network; reports the others", () => {
    expect(built.mon.scrapePlan.jobs.map((j) => j.job)).toEqual(["api", "prometheus", "cadvisor", "jaeger", "loki", "grafana", "alloy", "alertmanager"]);
    expect(built.mon.scrapePlan.jobs[0]).toEqual({ job: "api", address: "api-1:9100", path: "/prom", kind: "service" });
    expect(built.mon.scrapePlan.skipped).toEqual([{ service: "batch", reason: 'not on network "homelab"' }]);
  });

  test("the Docker API proxy's network is an internal, encrypted overlay of its own", () => {
    const component = named(resources, "mon-docker-api");
    expect(component.type).toBe("homelab:swarm:Network");
    expect(component.parent).toBe(named(resources, "mon").urn);
    expect(named(resources, "mon-docker-api-network").inputs).toMatchObject({ name: "monitoring-docker-api", driver: "overlay", internal: true, options: { encrypted: "" } });
  });

  test("the proxy: its image, on its network alone, /run in memory, pinned to the monitoring host, nothing published", () => {
    expect(container("mon-socket-proxy").image).toBe("lscr.io/linuxserver/socket-proxy:3.4.3-r0-ls92");
    expect(task("mon-socket-proxy").networksAdvanceds).toEqual([{ id: "mon-docker-api-network-id", aliases: ["socket-proxy"] }]);
    expect(container("mon-socket-proxy").mounts).toContainEqual({ type: "tmpfs", target: "/run", readOnly: false, tmpfsOptions: { sizeBytes: 8388608, mode: 493 } });
    expect(task("mon-socket-proxy").placement).toEqual({ constraints: ["node.hostname == mgr-01"] });
    expect(task("mon-socket-proxy").logDriver).toEqual({ name: "json-file", options: { "max-size": "10m", "max-file": "3" } });
    expect(named(resources, "mon-socket-proxy").parent).toBe(named(resources, "mon").urn);
  });

  test("Prometheus alone joins both networks; the others the stack's network only", () => {
    expect(task("mon-prometheus").networksAdvanceds).toEqual([
      { id: "homelab-net-id", aliases: ["prometheus"] },
      { id: "mon-docker-api-network-id", aliases: ["prometheus"] },
    ]);
    for (const k of ["cadvisor", "jaeger", "alertmanager", "loki", "alloy", "grafana"]) expect(task(`mon-${k}`).networksAdvanceds).toEqual([{ id: "homelab-net-id", aliases: [k] }]);
  });

  test("per-node agents global, the rest one task pinned to the monitoring host, none published", () => {
    expect(service("mon-cadvisor").inputs.mode).toEqual({ global: true });
    expect(service("mon-alloy").inputs.mode).toEqual({ global: true });
    expect(service("mon-grafana").inputs.mode).toEqual({ replicated: { replicas: 1 } });
    expect(task("mon-grafana").placement).toEqual({ constraints: ["node.hostname == mgr-01"] });
    for (const s of resources.filter((r) => r.type === SERVICE)) expect(s.inputs).not.toHaveProperty("endpointSpec");
  });

  test("generated files are configs named after service, directory, file and a hash of path and content", () => {
    const mounts = container("mon-prometheus").configs as Obj[];
    const content = text("mon-prometheus-prometheus-prometheus.yml-config");
    expect(mounts).toEqual([
      { configId: "mon-prometheus-prometheus-prometheus.yml-config-id", configName: `prometheus_prometheus-prometheus.yml_${hash("/etc/prometheus/prometheus.yml", content)}`, fileName: "/etc/prometheus/prometheus.yml" },
      {
        configId: "mon-prometheus-rules-homelab.rules.yml-config-id",
        configName: `prometheus_rules-homelab.rules.yml_${hash("/etc/prometheus/rules/homelab.rules.yml", text("mon-prometheus-rules-homelab.rules.yml-config"))}`,
        fileName: "/etc/prometheus/rules/homelab.rules.yml",
      },
    ]);
    const config = named(resources, "mon-prometheus-prometheus-prometheus.yml-config");
    expect(config).toMatchObject({ type: CONFIG, parent: named(resources, "mon").urn });
    expect(config.options.deleteBeforeReplace).toBe(false);
    expect(config.inputs.labels).toEqual([{ label: "homelab.service", value: "prometheus" }]);
    // Grafana's datasources and dashboard provider are both homelab.yaml: the directory keeps them apart.
    expect((container("mon-grafana").configs as Obj[]).map((c) => String(c.configName).replace(/_[0-9a-f]{8}$/, ""))).toEqual([
      "grafana_datasources-homelab.yaml",
      "grafana_dashboards-homelab.yaml",
      "grafana_dashboards-container-health.json",
    ]);
  });

  test("Prometheus finds tasks through the proxy, alerts the Alertmanager, keeps this stack on this network, 15 days", () => {
    const cfg = parse(text("mon-prometheus-prometheus-prometheus.yml-config")) as Obj & { scrape_configs: Obj[] };
    expect(cfg.global).toMatchObject({ external_labels: { stack: "lab" } });
    expect(cfg.alerting).toEqual({ alertmanagers: [{ static_configs: [{ targets: ["alertmanager:9093"] }] }] });
    const api = cfg.scrape_configs[0] as { job_name: string; dockerswarm_sd_configs: Obj[]; relabel_configs: Obj[] };
    expect(api.job_name).toBe("api");
    expect(api.dockerswarm_sd_configs[0]).toMatchObject({ host: "tcp://socket-proxy:2375", role: "tasks", port: 9100 });
    expect(api.relabel_configs).toContainEqual({ source_labels: ["__meta_dockerswarm_network_name"], regex: "homelab", action: "keep" });
    expect(container("mon-prometheus").args).toContain("--storage.tsdb.retention.time=15d");
    expect(text("mon-loki-loki-homelab.yaml-config")).toContain("retention_period: 360h");
  });

  test("default alert thresholds: disk at 80% (cAdvisor's view without node-exporter), errors at 5%, Swarm task names, no backup alerts", () => {
    expect(rule("mon", "DiskUsageHigh")).toEqual(['100 * max by (node, device) (container_fs_usage_bytes{id="/"} / (container_fs_limit_bytes{id="/"} > 0)) > 80']);
    expect(rule("mon", "HighErrorRate")).toEqual(['sum(rate(http_requests_total{job="api",status=~"5.."}[5m])) / sum(rate(http_requests_total{job="api"}[5m])) > 0.05']);
    expect(rule("mon", "ContainerRestarting")[0]).toContain("container_label_com_docker_swarm_service_name");
    expect(rule("mon", "BackupStale")).toEqual([]);
    expect(rule("mon", "TunnelConnectorDown")).toEqual([]);
  });

  test("Alertmanager's config is a Swarm secret it reads from /run/secrets", () => {
    const secret = named(resources, "mon-alertmanager-alertmanager.yml-secret");
    expect(secret).toMatchObject({ type: SECRET, parent: named(resources, "mon").urn });
    expect(secret.inputs.name).toBe("alertmanager_alertmanager.yml_0badf00d");
    expect(secret.inputs.labels).toEqual([{ label: "homelab.service", value: "alertmanager" }]);
    const yaml = Buffer.from(String(secretValue(secret.inputs.data)), "base64").toString("utf8");
    expect(parse(yaml)).toMatchObject({ route: { receiver: "homelab-discard" } });
    expect(container("mon-alertmanager").secrets).toEqual([{ secretId: "mon-alertmanager-alertmanager.yml-secret-id", secretName: "alertmanager_alertmanager.yml_0badf00d", fileName: "alertmanager.yml" }]);
    expect(container("mon-alertmanager").args).toContain("--config.file=/run/secrets/alertmanager.yml");
    expect(service("mon-alertmanager").dependencies).toEqual([secret.urn]);
  });

  test("Grafana's admin password is generated, a Swarm secret read through GF_SECURITY_ADMIN_PASSWORD__FILE", () => {
    const password = named(resources, "mon-grafana-admin-password");
    expect(password.inputs).toEqual({ length: 32, special: false });
    expect(password.parent).toBe(named(resources, "mon").urn);
    const secret = named(resources, "mon-grafana-GF_SECURITY_ADMIN_PASSWORD-secret");
    expect(secret.inputs.name).toBe("grafana_GF_SECURITY_ADMIN_PASSWORD_0badf00d");
    expect(secret.propertyDependencies?.data).toContain(password.urn);
    expect(container("mon-grafana").secrets).toEqual([{ secretId: "mon-grafana-GF_SECURITY_ADMIN_PASSWORD-secret-id", secretName: "grafana_GF_SECURITY_ADMIN_PASSWORD_0badf00d", fileName: "GF_SECURITY_ADMIN_PASSWORD" }]);
    const env = container("mon-grafana").env as Obj;
    expect(env.GF_SECURITY_ADMIN_PASSWORD__FILE).toBe("/run/secrets/GF_SECURITY_ADMIN_PASSWORD");
    expect(env).not.toHaveProperty("GF_SECURITY_ADMIN_PASSWORD");
    expect(env).not.toHaveProperty("GF_SERVER_ROOT_URL");
    expect(container("mon-grafana").image).toBe("grafana/grafana:11.4.0");
  });

  test("Grafana starts after what its datasources point at, and after its own configs and secret", () => {
    const deps = [...service("mon-grafana").dependencies].sort();
    expect(deps).toEqual(
      [
        "mon-prometheus-service",
        "mon-loki-service",
        "mon-jaeger-service",
        "mon-alertmanager-service",
        "mon-grafana-datasources-homelab.yaml-config",
        "mon-grafana-dashboards-homelab.yaml-config",
        "mon-grafana-dashboards-container-health.json-config",
        "mon-grafana-GF_SECURITY_ADMIN_PASSWORD-secret",
      ]
        .map((n) => named(resources, n).urn)
        .sort(),
    );
  });

  test("the log shipper takes its node's hostname and starts after Loki; no other service sets a hostname", () => {
    expect(container("mon-alloy").hostname).toBe("{{.Node.Hostname}}");
    expect([...service("mon-alloy").dependencies].sort()).toEqual([named(resources, "mon-loki-service").urn, named(resources, "mon-alloy-alloy-config.alloy-config").urn].sort());
    for (const k of ["cadvisor", "jaeger", "alertmanager", "socket-proxy", "prometheus", "loki", "grafana"]) expect(container(`mon-${k}`)).not.toHaveProperty("hostname");
    const alloy = text("mon-alloy-alloy-config.alloy-config");
    expect(alloy).toContain('external_labels = { stack = "lab", node = constants.hostname }');
    expect(alloy).toContain('source_labels = ["__meta_docker_container_label_com_docker_swarm_service_name"]');
  });

  test("everything goes through the manager's provider", () => {
    expect(new Set(dockerResources().map((r) => r.provider?.split("::")[3]))).toEqual(new Set(["manager-docker"]));
  });
});

describe("monitoring with every option", () => {
  test("node-exporter and the Pushgateway join; the tunnel connector and the Pushgateway are scraped", () => {
    expect(Object.keys(built.full.services)).toEqual(["cadvisor", "node-exporter", "pushgateway", "jaeger", "alertmanager", "socket-proxy", "prometheus", "loki", "alloy", "grafana"]);
    expect(built.full.scrapePlan.jobs.map((j) => j.job)).toEqual(["api", "prometheus", "cadvisor", "jaeger", "loki", "grafana", "alloy", "node-exporter", "alertmanager", "cloudflared", "pushgateway"]);
    expect(service("full-node-exporter").inputs.mode).toEqual({ global: true });
  });

  test("pinned to the host given, retention in days, images and the proxy's image as given", () => {
    expect(task("full-prometheus").placement).toEqual({ constraints: ["node.hostname == wrk-01"] });
    expect(container("full-prometheus").args).toContain("--storage.tsdb.retention.time=30d");
    expect(text("full-loki-loki-homelab.yaml-config")).toContain("retention_period: 720h");
    expect(container("full-grafana").image).toBe("grafana/grafana:12.0.0");
    expect(container("full-prometheus").image).toBe("prom/prometheus:v3.1.0");
    expect(container("full-socket-proxy").image).toBe("registry.example/socket-proxy:2");
  });

  test("the thresholds given, node-exporter's disk view, backup and tunnel alerts", () => {
    expect(rule("full", "DiskUsageHigh")[0]).toMatch(/^100 \* \(1 - node_filesystem_avail_bytes.* > 91$/);
    expect(rule("full", "HighErrorRate")[0]).toMatch(/ > 0\.2$/);
    expect(rule("full", "HostDiskFillingUp")).toHaveLength(1);
    expect(rule("full", "BackupStale")[0]).toBe("time() - max by (host, volume) (homelab_backup_last_success_timestamp_seconds) > 93600");
    expect(rule("full", "TunnelConnectorDown")).toEqual(['cloudflared_tunnel_ha_connections{job="cloudflared"} < 1']);
  });

  test("the given admin password is the secret (no password generated), and the root URL is set", () => {
    expect(resources.find((r) => r.name === "full-grafana-admin-password")).toBeUndefined();
    expect(secretValue(named(resources, "full-grafana-GF_SECURITY_ADMIN_PASSWORD-secret").inputs.data)).toBe("YWRtaW4tcHc=");
    expect((container("full-grafana").env as Obj).GF_SERVER_ROOT_URL).toBe("https://grafana.example.com");
  });

  test("with backups Grafana gets the Backups dashboard", () => {
    expect((container("full-grafana").configs as Obj[]).map((c) => c.fileName)).toContain("/etc/grafana/dashboards/backups.json");
    expect(named(resources, "full-grafana-dashboards-backups.json-config").inputs.labels).toEqual([{ label: "homelab.service", value: "grafana" }]);
  });

  test("the receivers given reach Alertmanager's secret config", () => {
    const yaml = Buffer.from(String(secretValue(named(resources, "full-alertmanager-alertmanager.yml-secret").inputs.data)), "base64").toString("utf8");
    expect((parse(yaml) as { receivers: { name: string }[] }).receivers.map((r) => r.name)).toEqual(["homelab-discard", "ops"]);
  });

  test("different settings, different config names", () => {
    const names = (prefix: string): unknown[] => (container(`${prefix}-prometheus`).configs as Obj[]).map((c) => c.configName);
    const [monConfig, monRules] = names("mon");
    const [fullConfig, fullRules] = names("full");
    expect(fullConfig).not.toBe(monConfig);
    expect(fullRules).not.toBe(monRules);
  });
});
