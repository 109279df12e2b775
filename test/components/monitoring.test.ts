/**
 * The Monitoring component on its own under the mock runtime: which
 * containers it runs for which settings, the defaults a stack without
 * monitoring settings gets, the UI ports, the Grafana password, the scrape
 * plan and alert rules it feeds Prometheus, the outputs it records, and each
 * container as the Docker provider receives it (image, command, mounts, data
 * volumes, healthcheck, limits, capabilities, uploaded files, start order).
 */
import * as docker from "@pulumi/docker";
import { parse } from "yaml";
import { Monitoring } from "../../components/monitoring";
import { recordProgram, UNKNOWN, type RecordedResource } from "../../infra/plan/evaluate";
import { named, ofType } from "../support/stacks";
import { parseAlloy, type ParsedBlock } from "../monitoring/alloyParse";
import { BASE_ARGS, CONTAINER, container, isSecret, recordMonitoring, reveal, upload, type Recording } from "./monitoringRecord";

type Obj = Record<string, unknown>;

const COMPONENT_URN = "urn:pulumi:unit::homelab::pulumi:pulumi:Stack$homelab:monitoring:Monitoring::mon";
const PASSWORD_URN = "urn:pulumi:unit::homelab::homelab:monitoring:Monitoring$random:index/randomPassword:RandomPassword::mon-grafana-admin-password";
const SERVICE = "homelab:docker:Service";
const ALWAYS = ["mon-cadvisor", "mon-jaeger", "mon-alertmanager", "mon-prometheus", "mon-loki", "mon-alloy", "mon-grafana"];

/** Every setting away from its default. */
const FULL = {
  nodeExporter: true,
  tunnelConnector: true,
  backupRpo: "24h",
  uiPorts: { grafana: 3001, jaeger: 16687, prometheus: 9091, alertmanager: 9094 },
  bindAddress: "10.1.2.3",
  grafanaAdminPassword: "correct-horse-battery",
  grafanaRootUrl: "https://grafana.example.net/",
  restart: "always",
  retentionDays: 7,
  images: { grafana: "grafana/grafana:11.5.1", loki: "registry.example.net/loki:3.3.2" },
  diskAlertPercent: 91,
  errorRateAlert: 0.2,
  alerting: { receivers: { ops: { webhook: { url: "https://hooks.example.net/T0KEN" } } } },
} as const;

const services = (rec: Recording): string[] => ofType(rec.resources, SERVICE).map((r) => r.name);
const containers = (rec: Recording): Obj[] => ofType(rec.resources, CONTAINER).map((r) => r.inputs as Obj);
const prometheusConfig = (rec: Recording): Obj => parse(upload(rec, "prometheus", "/etc/prometheus/prometheus.yml").content) as Obj;
const scrapeJobs = (rec: Recording): string[] => (prometheusConfig(rec).scrape_configs as Obj[]).map((c) => String(c.job_name));
const alertmanagerConfig = (rec: Recording): Obj => parse(upload(rec, "alertmanager", "/etc/alertmanager/alertmanager.yml").content) as Obj;
const envs = (rec: Recording, role: string): unknown[] => container(rec, role).envs as unknown[];

/** Alert rules by name: each name's expressions, in order. */
function rules(rec: Recording): Record<string, string[]> {
  const file = parse(upload(rec, "prometheus", "/etc/prometheus/rules/homelab.rules.yml").content) as { groups: { rules: { alert: string; expr: string }[] }[] };
  const out: Record<string, string[]> = {};
  for (const g of file.groups) for (const r of g.rules) (out[r.alert] ??= []).push(r.expr);
  return out;
}

/** What the component's constructor throws, with a runtime to register into. */
async function constructionError(bindAddress: string): Promise<unknown> {
  const { result } = await recordProgram(
    () => {
      try {
        new Monitoring("mon", { ...BASE_ARGS, provider: new docker.Provider("local-docker", {}), bindAddress });
        return undefined;
      } catch (e) {
        return e;
      }
    },
    { stack: "unit" },
  );
  return result;
}

const urn = (type: string, name: string): string => `urn:pulumi:unit::homelab::homelab:docker:Service$${type}::${name}`;
const containerUrn = (role: string): string => urn("docker:index/container:Container", `mon-${role}-container`);
const volumeUrn = (role: string, volume: string): string => urn("docker:index/volume:Volume", `mon-${role}-${volume}-volume`);
const imageUrn = (role: string): string => urn("docker:index/remoteImage:RemoteImage", `mon-${role}-image`);

/** What a healthcheck built on wget in the image looks like on the wire. */
const wgetCheck = (url: string): Obj => ({
  tests: ["CMD-SHELL", `wget -q -O /dev/null ${url} || exit 1`],
  interval: "30s",
  timeout: "5s",
  retries: 3,
  startPeriod: "30s",
});

/** The fields of a container that its builder decides. */
function spec(rec: Recording, role: string): Obj {
  const c = container(rec, role);
  return {
    command: c.command,
    volumes: c.volumes,
    healthcheck: c.healthcheck,
    memory: c.memory,
    cpus: c.cpus,
    capabilities: c.capabilities,
    labels: c.labels,
  };
}

const labels = (service: string): Obj[] => [
  { label: "homelab.stack", value: "unit" },
  { label: "homelab.service", value: service },
  { label: "com.centurylinklabs.watchtower.enable", value: "false" },
];

/** A data volume: named as in the config, kept through destroy and rename, labels fixed at creation. */
function expectRetainedVolume(r: RecordedResource, name: string): void {
  expect(r.inputs).toEqual({ name, labels: [{ label: "homelab.stack", value: "unit" }] });
  expect(r.options.retainOnDelete).toBe(true);
  expect(r.options.ignoreChanges).toEqual(["labels"]);
}

// Compared with toStrictEqual: toEqual would let an upload without a file (undefined) pass.
const uploadedFiles = (rec: Recording, role: string): unknown[] => ((container(rec, role).uploads ?? []) as Obj[]).map((u) => u.file);
const dependsOn = (rec: Recording, role: string): string[] => [...named(rec.resources, `mon-${role}-container`).dependencies].sort();

let base: Recording;
let full: Recording;
// Built once for the whole file: loading the Pulumi modules again per file would double a mutation run.
beforeAll(async () => {
  base = await recordMonitoring();
  full = await recordMonitoring(FULL);
});

describe("Monitoring with only the required settings", () => {
  it("runs the seven core containers as its children, and neither node-exporter nor the Pushgateway", () => {
    expect(named(base.resources, "mon").type).toBe("homelab:monitoring:Monitoring");
    expect(services(base)).toEqual(ALWAYS);
    for (const name of ALWAYS) expect([name, named(base.resources, name).parent]).toEqual([name, COMPONENT_URN]);
    expect(Object.keys(base.monitoring.services).sort()).toEqual(["alertmanager", "alloy", "cadvisor", "grafana", "jaeger", "loki", "prometheus"]);
    expect(containers(base).map((c) => c.name).sort()).toEqual(["alertmanager", "alloy", "cadvisor", "grafana", "jaeger", "loki", "prometheus"]);
  });

  it("joins every container to the stack's network under its role's name, restarting unless stopped, on the given provider", () => {
    for (const r of ofType(base.resources, CONTAINER)) {
      const c = r.inputs as Obj;
      expect([c.name, c.networksAdvanced, c.restart]).toEqual([c.name, [{ name: "unit-net", aliases: [c.name] }], "unless-stopped"]);
      expect(c.logOpts).toEqual({ "max-size": "10m", "max-file": "3" });
      expect(r.provider).toMatch(/^urn:pulumi:unit::homelab::pulumi:pulumi:Stack\$pulumi:providers:docker::local-docker::/);
    }
  });

  it("publishes no UI port", () => {
    for (const c of containers(base)) expect([c.name, c.ports]).toEqual([c.name, []]);
    for (const role of ["grafana", "jaeger", "prometheus", "alertmanager"]) expect(base.outputs[`mon-${role}`].hostBindings).toEqual([]);
  });

  it("generates a 32-character alphanumeric Grafana admin password and hands it over only as a secret", () => {
    const password = named(base.resources, "mon-grafana-admin-password");
    expect([password.type, password.parent, password.inputs]).toEqual(["random:index/randomPassword:RandomPassword", COMPONENT_URN, { length: 32, special: false }]);
    const secret = envs(base, "grafana").filter(isSecret);
    // Unknown until the password is created, as in a preview.
    expect(secret.map(reveal)).toEqual([UNKNOWN]);
    expect(named(base.resources, "mon-grafana-container").propertyDependencies?.envs).toEqual([PASSWORD_URN]);
  });

  it("leaves Grafana's root URL at Grafana's own default", () => {
    expect(envs(base, "grafana").filter((e) => !isSecret(e))).toEqual([
      "GF_SECURITY_ADMIN_USER=admin",
      "GF_USERS_ALLOW_SIGN_UP=false",
      "GF_ANALYTICS_REPORTING_ENABLED=false",
      "GF_ANALYTICS_CHECK_FOR_UPDATES=false",
    ]);
  });

  it("keeps metrics and logs for 15 days", () => {
    expect(container(base, "prometheus").command).toContain("--storage.tsdb.retention.time=15d");
    expect((parse(upload(base, "loki", "/etc/loki/homelab.yaml").content) as { limits_config: Obj }).limits_config.retention_period).toBe("360h");
  });

  it("scrapes the reachable service and its own containers, skips the one on another host, and sends alerts to Alertmanager", () => {
    expect(scrapeJobs(base)).toEqual(["app", "prometheus", "cadvisor", "jaeger", "loki", "grafana", "alloy", "alertmanager"]);
    expect(base.monitoring.scrapePlan.skipped).toEqual([{ service: "far", reason: 'runs on host "other", Prometheus on "box"' }]);
    const cfg = prometheusConfig(base);
    expect((cfg.global as Obj).external_labels).toEqual({ stack: "unit" });
    expect(cfg.alerting).toEqual({ alertmanagers: [{ static_configs: [{ targets: ["alertmanager:9093"] }] }] });
  });

  it("alerts at 80% disk (from cAdvisor) and 5% errors, with the service's own alert and no backup alerts", () => {
    const r = rules(base);
    expect(r.DiskUsageHigh).toEqual(['100 * max by (device) (container_fs_usage_bytes{id="/"} / (container_fs_limit_bytes{id="/"} > 0)) > 80']);
    expect(r.HighErrorRate).toEqual(['sum(rate(http_requests_total{job="app",status=~"5.."}[5m])) / sum(rate(http_requests_total{job="app"}[5m])) > 0.05']);
    expect(r.AppQueueStuck).toEqual(["app_queue_depth > 100"]);
    expect(r.BackupStale).toBeUndefined();
  });

  it("gives Alertmanager only the built-in discard receiver", () => {
    const cfg = alertmanagerConfig(base);
    expect((cfg.route as Obj).receiver).toBe("homelab-discard");
    expect(cfg.receivers).toEqual([{ name: "homelab-discard" }]);
  });

  it("ships logs labelled as containers of one engine, not Swarm tasks", () => {
    const blocks = parseAlloy(upload(base, "alloy", "/etc/alloy/config.alloy").content);
    const relabel = blocks.find((b) => b.name === "discovery.relabel")!;
    expect(relabel.blocks.map((b: ParsedBlock) => b.attributes.source_labels)).toEqual([["__meta_docker_container_name"], ["__meta_docker_container_label_homelab_service"]]);
    expect(blocks.find((b) => b.name === "loki.write")!.attributes.external_labels).toEqual({ object: { stack: "unit" } });
  });

  it("records the container names and scrape jobs as its outputs", () => {
    expect(base.outputs.mon).toEqual({
      containers: { cadvisor: "cadvisor", jaeger: "jaeger", alertmanager: "alertmanager", prometheus: "prometheus", loki: "loki", alloy: "alloy", grafana: "grafana" },
      scrapeJobs: ["app", "prometheus", "cadvisor", "jaeger", "loki", "grafana", "alloy", "alertmanager"],
    });
  });

  it("pulls the pinned images", () => {
    const images = Object.fromEntries(ofType(base.resources, "docker:index/remoteImage:RemoteImage").map((r) => [r.name, r.inputs.name]));
    expect(images).toEqual({
      "mon-cadvisor-image": "gcr.io/cadvisor/cadvisor:v0.49.1",
      "mon-jaeger-image": "jaegertracing/all-in-one:1.62.0",
      "mon-alertmanager-image": "prom/alertmanager:v0.34.0",
      "mon-prometheus-image": "prom/prometheus:v3.1.0",
      "mon-loki-image": "grafana/loki:3.3.2",
      "mon-alloy-image": "grafana/alloy:v1.5.1",
      "mon-grafana-image": "grafana/grafana:11.4.0",
    });
  });
});

describe("Monitoring with every setting given", () => {
  it("adds node-exporter and, for backups, the Pushgateway", () => {
    expect(services(full)).toEqual(["mon-cadvisor", "mon-node-exporter", "mon-pushgateway", ...ALWAYS.slice(1)]);
    expect(Object.keys(full.monitoring.services).sort()).toEqual(["alertmanager", "alloy", "cadvisor", "grafana", "jaeger", "loki", "nodeExporter", "prometheus", "pushgateway"]);
    expect((full.outputs.mon.containers as Obj).nodeExporter).toBe("node-exporter");
    expect((full.outputs.mon.containers as Obj).pushgateway).toBe("pushgateway");
  });

  it("publishes each UI on the bind address only, and nothing else", () => {
    const ports = Object.fromEntries(containers(full).map((c) => [c.name, c.ports]));
    expect(ports).toEqual({
      cadvisor: [],
      "node-exporter": [],
      pushgateway: [],
      jaeger: [{ internal: 16686, external: 16687, ip: "10.1.2.3", protocol: "tcp" }],
      alertmanager: [{ internal: 9093, external: 9094, ip: "10.1.2.3", protocol: "tcp" }],
      prometheus: [{ internal: 9090, external: 9091, ip: "10.1.2.3", protocol: "tcp" }],
      loki: [],
      alloy: [],
      grafana: [{ internal: 3000, external: 3001, ip: "10.1.2.3", protocol: "tcp" }],
    });
    expect(full.outputs["mon-grafana"].hostBindings).toEqual(["10.1.2.3:3001->3000/tcp"]);
  });

  it("uses the given Grafana password, as a secret, and generates none", () => {
    expect(envs(full, "grafana").filter(isSecret).map(reveal)).toEqual(["GF_SECURITY_ADMIN_PASSWORD=correct-horse-battery"]);
    expect(ofType(full.resources, "random:index/randomPassword:RandomPassword")).toEqual([]);
  });

  it("gives Grafana its public root URL", () => {
    expect(envs(full, "grafana")).toContain("GF_SERVER_ROOT_URL=https://grafana.example.net/");
  });

  it("applies the restart policy to every container", () => {
    expect(containers(full).map((c) => c.restart)).toEqual(Array(9).fill("always"));
  });

  it("keeps metrics and logs for the given days", () => {
    expect(container(full, "prometheus").command).toContain("--storage.tsdb.retention.time=7d");
    expect((parse(upload(full, "loki", "/etc/loki/homelab.yaml").content) as { limits_config: Obj }).limits_config.retention_period).toBe("168h");
  });

  it("pulls the overridden images and the pinned ones for the rest", () => {
    expect(named(full.resources, "mon-grafana-image").inputs.name).toBe("grafana/grafana:11.5.1");
    expect(named(full.resources, "mon-loki-image").inputs.name).toBe("registry.example.net/loki:3.3.2");
    expect(named(full.resources, "mon-prometheus-image").inputs.name).toBe("prom/prometheus:v3.1.0");
    expect(named(full.resources, "mon-node-exporter-image").inputs.name).toBe("prom/node-exporter:v1.8.2");
    expect(named(full.resources, "mon-pushgateway-image").inputs.name).toBe("prom/pushgateway:v1.10.0");
  });

  it("scrapes node-exporter, the tunnel connector and the Pushgateway too", () => {
    expect(scrapeJobs(full)).toEqual(["app", "prometheus", "cadvisor", "jaeger", "loki", "grafana", "alloy", "node-exporter", "alertmanager", "cloudflared", "pushgateway"]);
    expect(full.outputs.mon.scrapeJobs).toEqual(scrapeJobs(full));
  });

  it("alerts at the given disk (from node-exporter) and error thresholds, and on stale backups", () => {
    const r = rules(full);
    expect(r.DiskUsageHigh).toEqual([
      '100 * (1 - node_filesystem_avail_bytes{fstype!~"tmpfs|ramfs|overlay|squashfs|nsfs|fuse.*"} / node_filesystem_size_bytes{fstype!~"tmpfs|ramfs|overlay|squashfs|nsfs|fuse.*"}) > 91',
    ]);
    expect(r.HighErrorRate).toEqual(['sum(rate(http_requests_total{job="app",status=~"5.."}[5m])) / sum(rate(http_requests_total{job="app"}[5m])) > 0.2']);
    expect(r.BackupStale[0]).toBe("time() - max by (host, volume) (homelab_backup_last_success_timestamp_seconds) > 86400");
  });

  it("routes alerts to the configured receiver through a secret file", () => {
    const file = upload(full, "alertmanager", "/etc/alertmanager/alertmanager.yml");
    expect(file.secret).toBe(true);
    const cfg = alertmanagerConfig(full);
    expect((cfg.route as Obj).receiver).toBe("ops");
    expect(cfg.receivers).toEqual([{ name: "homelab-discard" }, { name: "ops", webhook_configs: [{ url: "https://hooks.example.net/T0KEN", send_resolved: true }] }]);
  });

  it("provisions the Backups dashboard", () => {
    expect((JSON.parse(upload(full, "grafana", "/etc/grafana/dashboards/backups.json").content) as Obj).title).toBe("Backups");
  });
});

describe("Monitoring's bind address", () => {
  it.each(["0.0.0.0", "::", "*", ""])("refuses the all-interfaces address %j", async (bind) => {
    const err = await constructionError(bind);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toBe(`monitoring UIs must not bind to all interfaces ("${bind}")`);
  });
});

describe("cAdvisor and node-exporter", () => {
  it("cAdvisor reads the host through read-only binds, with the costly metric families off", () => {
    expect(spec(base, "cadvisor")).toEqual({
      command: [
        "--docker_only=true",
        "--housekeeping_interval=30s",
        "--disable_metrics=percpu,sched,tcp,udp,advtcp,referenced_memory,hugetlb,resctrl,cpu_topology,memory_numa",
      ],
      volumes: [
        { hostPath: "/", containerPath: "/rootfs", readOnly: true },
        { hostPath: "/var/run", containerPath: "/var/run", readOnly: true },
        { hostPath: "/sys", containerPath: "/sys", readOnly: true },
        { hostPath: "/var/lib/docker", containerPath: "/var/lib/docker", readOnly: true },
      ],
      healthcheck: wgetCheck("http://localhost:8080/healthz"),
      memory: 256,
      cpus: "0.5",
      capabilities: undefined,
      labels: labels("cadvisor"),
    });
    expect(container(base, "cadvisor").privileged).toBe(false);
    expect(base.outputs["mon-cadvisor"].internalUrl).toBe("tcp://cadvisor:8080");
  });

  it("node-exporter sees the host's root read-only and drops every capability", () => {
    expect(spec(full, "node-exporter")).toEqual({
      command: ["--path.rootfs=/host"],
      volumes: [{ hostPath: "/", containerPath: "/host", readOnly: true }],
      healthcheck: wgetCheck("http://localhost:9100/metrics"),
      memory: 64,
      cpus: "0.25",
      capabilities: { adds: [], drops: ["ALL"] },
      labels: labels("node-exporter"),
    });
    expect(full.outputs["mon-node-exporter"].internalUrl).toBe("tcp://node-exporter:9100");
  });
});

describe("Pushgateway", () => {
  it("persists what the backups pushed on a retained volume", () => {
    expect(spec(full, "pushgateway")).toEqual({
      command: ["--persistence.file=/pushgateway/metrics", "--persistence.interval=1m"],
      volumes: [{ volumeName: "pushgateway-data", containerPath: "/pushgateway", readOnly: false }],
      healthcheck: wgetCheck("http://localhost:9091/-/healthy"),
      memory: 64,
      cpus: "0.25",
      capabilities: { adds: [], drops: ["ALL"] },
      labels: labels("pushgateway"),
    });
    expectRetainedVolume(named(full.resources, "mon-pushgateway-pushgateway-data-volume"), "pushgateway-data");
    expect(full.outputs["mon-pushgateway"].internalUrl).toBe("tcp://pushgateway:9091");
  });
});

describe("Jaeger", () => {
  it("takes OTLP, keeps at most 50000 traces in memory, and has no healthcheck (its image has no client)", () => {
    expect(spec(base, "jaeger")).toEqual({
      command: undefined,
      volumes: [],
      healthcheck: undefined,
      memory: 512,
      cpus: "0.5",
      capabilities: { adds: [], drops: ["ALL"] },
      labels: labels("jaeger"),
    });
    expect(container(base, "jaeger").envs).toEqual(["COLLECTOR_OTLP_ENABLED=true", "MEMORY_MAX_TRACES=50000"]);
    expect(base.outputs["mon-jaeger"].internalUrl).toBe("tcp://jaeger:16686");
  });
});

describe("Alertmanager", () => {
  it("runs as a single instance with its state on a retained volume", () => {
    expect(spec(base, "alertmanager")).toEqual({
      command: ["--config.file=/etc/alertmanager/alertmanager.yml", "--storage.path=/alertmanager", "--cluster.listen-address="],
      volumes: [{ volumeName: "alertmanager-data", containerPath: "/alertmanager", readOnly: false }],
      healthcheck: wgetCheck("http://localhost:9093/-/healthy"),
      memory: 128,
      cpus: "0.25",
      capabilities: { adds: [], drops: ["ALL"] },
      labels: labels("alertmanager"),
    });
    expectRetainedVolume(named(base.resources, "mon-alertmanager-alertmanager-data-volume"), "alertmanager-data");
    expect(base.outputs["mon-alertmanager"].internalUrl).toBe("tcp://alertmanager:9093");
  });

  it("gets its config only as a secret upload, and no secret anywhere else", () => {
    expect(uploadedFiles(base, "alertmanager")).toStrictEqual(["/etc/alertmanager/alertmanager.yml"]);
    expect(upload(base, "alertmanager", "/etc/alertmanager/alertmanager.yml").secret).toBe(true);
    expect(container(base, "alertmanager").envs).toEqual([]);
  });
});

describe("Prometheus", () => {
  it("reads its generated config, keeps its data on a retained volume, and may use a whole CPU", () => {
    expect(spec(base, "prometheus")).toEqual({
      command: ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus", "--storage.tsdb.retention.time=15d"],
      volumes: [{ volumeName: "prometheus-data", containerPath: "/prometheus", readOnly: false }],
      healthcheck: wgetCheck("http://localhost:9090/-/healthy"),
      memory: 1024,
      cpus: "1.0",
      capabilities: { adds: [], drops: ["ALL"] },
      labels: labels("prometheus"),
    });
    expectRetainedVolume(named(base.resources, "mon-prometheus-prometheus-data-volume"), "prometheus-data");
    expect(base.outputs["mon-prometheus"].internalUrl).toBe("tcp://prometheus:9090");
  });

  it("gets the scrape config and the rule file it names as plain uploads", () => {
    expect(uploadedFiles(base, "prometheus")).toStrictEqual(["/etc/prometheus/prometheus.yml", "/etc/prometheus/rules/homelab.rules.yml"]);
    const cfg = parse(upload(base, "prometheus", "/etc/prometheus/prometheus.yml").content) as Obj;
    expect(cfg.rule_files).toEqual(["rules/homelab.rules.yml"]);
    expect(upload(base, "prometheus", "/etc/prometheus/prometheus.yml").secret).toBe(false);
    const ruleFile = upload(base, "prometheus", "/etc/prometheus/rules/homelab.rules.yml");
    expect(ruleFile.secret).toBe(false);
    expect((parse(ruleFile.content) as { groups: { name: string }[] }).groups.map((g) => g.name)).toContain("homelab-availability");
  });
});

describe("Loki and Alloy", () => {
  it("Loki keeps logs on a retained volume and reads its generated config", () => {
    expect(spec(base, "loki")).toEqual({
      command: ["-config.file=/etc/loki/homelab.yaml"],
      volumes: [{ volumeName: "loki-data", containerPath: "/loki", readOnly: false }],
      healthcheck: wgetCheck("http://localhost:3100/ready"),
      memory: 512,
      cpus: "0.5",
      capabilities: { adds: [], drops: ["ALL"] },
      labels: labels("loki"),
    });
    expectRetainedVolume(named(base.resources, "mon-loki-loki-data-volume"), "loki-data");
    expect(uploadedFiles(base, "loki")).toStrictEqual(["/etc/loki/homelab.yaml"]);
    const cfg = parse(upload(base, "loki", "/etc/loki/homelab.yaml").content) as { server: Obj };
    expect(cfg.server.http_listen_port).toBe(3100);
    expect(base.outputs["mon-loki"].internalUrl).toBe("tcp://loki:3100");
  });

  it("Alloy reads the Docker socket read-only, keeps its read positions, and is checked through bash", () => {
    expect(spec(base, "alloy")).toEqual({
      command: ["run", "--server.http.listen-addr=0.0.0.0:12345", "--storage.path=/var/lib/alloy/data", "/etc/alloy/config.alloy"],
      volumes: [
        { hostPath: "/var/run/docker.sock", containerPath: "/var/run/docker.sock", readOnly: true },
        { volumeName: "alloy-data", containerPath: "/var/lib/alloy/data", readOnly: false },
      ],
      healthcheck: {
        tests: ["CMD", "bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/12345 && printf 'GET /-/ready HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q ' 200 ' <&3"],
        interval: "30s",
        timeout: "5s",
        retries: 3,
        startPeriod: "30s",
      },
      memory: 256,
      cpus: "0.5",
      capabilities: undefined,
      labels: labels("alloy"),
    });
    expectRetainedVolume(named(base.resources, "mon-alloy-alloy-data-volume"), "alloy-data");
    expect(base.outputs["mon-alloy"].internalUrl).toBe("tcp://alloy:12345");
  });

  it("Alloy ships to Loki from the stack's containers, and starts after Loki", () => {
    expect(uploadedFiles(base, "alloy")).toStrictEqual(["/etc/alloy/config.alloy"]);
    const text = upload(base, "alloy", "/etc/alloy/config.alloy").content;
    expect(text).toContain('url = "http://loki:3100/loki/api/v1/push"');
    expect(text).toContain('host = "unix:///var/run/docker.sock"');
    expect(text).toContain('values = ["homelab.stack=unit"]');
    expect(dependsOn(base, "alloy")).toEqual([containerUrn("loki"), imageUrn("alloy"), volumeUrn("alloy", "alloy-data")].sort());
  });
});

describe("Grafana", () => {
  it("keeps its database on a retained volume and drops every capability", () => {
    expect(spec(base, "grafana")).toEqual({
      command: undefined,
      volumes: [{ volumeName: "grafana-data", containerPath: "/var/lib/grafana", readOnly: false }],
      healthcheck: wgetCheck("http://localhost:3000/api/health"),
      memory: 512,
      cpus: "0.5",
      capabilities: { adds: [], drops: ["ALL"] },
      labels: labels("grafana"),
    });
    expectRetainedVolume(named(base.resources, "mon-grafana-grafana-data-volume"), "grafana-data");
    expect(base.outputs["mon-grafana"].internalUrl).toBe("tcp://grafana:3000");
  });

  it("points its datasources at the monitoring containers by name", () => {
    const ds = parse(upload(base, "grafana", "/etc/grafana/provisioning/datasources/homelab.yaml").content) as { datasources: Obj[] };
    expect(ds.datasources.map((d) => [d.name, d.url])).toEqual([
      ["Prometheus", "http://prometheus:9090"],
      ["Loki", "http://loki:3100"],
      ["Jaeger", "http://jaeger:16686"],
      ["Alertmanager", "http://alertmanager:9093"],
    ]);
  });

  it("provisions the container dashboard from the dashboards folder, and the Backups one only with backups", () => {
    expect(uploadedFiles(base, "grafana")).toStrictEqual([
      "/etc/grafana/provisioning/datasources/homelab.yaml",
      "/etc/grafana/provisioning/dashboards/homelab.yaml",
      "/etc/grafana/dashboards/container-health.json",
    ]);
    expect(uploadedFiles(full, "grafana")).toStrictEqual([
      "/etc/grafana/provisioning/datasources/homelab.yaml",
      "/etc/grafana/provisioning/dashboards/homelab.yaml",
      "/etc/grafana/dashboards/container-health.json",
      "/etc/grafana/dashboards/backups.json",
    ]);
    const provider = parse(upload(base, "grafana", "/etc/grafana/provisioning/dashboards/homelab.yaml").content) as { providers: { options: Obj }[] };
    expect(provider.providers[0].options.path).toBe("/etc/grafana/dashboards");
    const dashboard = JSON.parse(upload(base, "grafana", "/etc/grafana/dashboards/container-health.json").content) as Obj;
    expect(dashboard.title).toBe("Container health");
    // Pretty-printed, so a reviewer can read a change to it in the plan's diff.
    expect(upload(base, "grafana", "/etc/grafana/dashboards/container-health.json").content).toMatch(/^\{\n {2}"uid": "homelab-container-health",\n/);
    expect(upload(full, "grafana", "/etc/grafana/dashboards/backups.json").content).toMatch(/^\{\n {2}"uid": "homelab-backups",\n/);
    for (const f of uploadedFiles(full, "grafana")) expect([f, upload(full, "grafana", String(f)).secret]).toEqual([f, false]);
  });

  it("starts after every datasource's container", () => {
    const deps = dependsOn(base, "grafana");
    for (const role of ["prometheus", "loki", "jaeger", "alertmanager"]) expect(deps).toContain(containerUrn(role));
    expect(deps).not.toContain(containerUrn("alloy"));
  });
});

describe("every monitoring container", () => {
  it("is replaced, not updated, on a healthcheck change, and goes before its replacement", () => {
    for (const r of ofType(full.resources, "docker:index/container:Container")) {
      expect([r.name, r.options.deleteBeforeReplace, r.options.replaceOnChanges]).toEqual([r.name, true, ["healthcheck"]]);
      expect([r.name, (r.inputs as Obj).securityOpts]).toEqual([r.name, ["no-new-privileges:true"]]);
    }
  });
});
