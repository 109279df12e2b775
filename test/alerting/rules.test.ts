/**
 * `promtool test rules` (Prometheus's own rule evaluator) on the generated
 * rule file: each built-in alert and the custom ones fire on series shaped
 * like the exporters' real metrics, and the look-alikes that must not fire
 * do not. Expected labels and annotations are written out literally.
 */
import { parse } from "yaml";
import type { RuleFile } from "../../infra/monitoring/alerts";
import { homelabRulesYaml } from "../../infra/monitoring/ruleFile";
import { scrapePlan } from "../../infra/monitoring/targets";
import { platformService, type Service } from "../../infra/model";
import { alert, group, promtoolTest, type TestGroup } from "./ruleTests";
import { removeLaidOut } from "./tools";

afterAll(removeLaidOut);

const api: Service = platformService({
  key: "api",
  image: "ghcr.io/example/api:1.0.0",
  host: "server",
  networks: ["net"],
  metrics: { port: 8000, path: "/metrics" },
  alerts: [
    { name: "TtsFailureRate", expr: 'sum(rate(tts_requests_total{status="error"}[5m])) / sum(rate(tts_requests_total[5m])) > 0.1', for: "5m", severity: "critical", summary: "more than 10% of TTS requests fail" },
    { name: "DatabaseLarge", expr: "max(sqlite_db_size_bytes) > 2e9", for: "5m", severity: "warning", summary: "the SQLite file is above 2 GB" },
  ],
});
const rulesFor = (nodeExporter: boolean): string =>
  homelabRulesYaml(scrapePlan([api], { host: "server", network: "net", nodeExporter, cloudflared: true }), { diskAlertPercent: 80, errorRateAlert: 0.05, nodeExporter }, [api]);

const NODE = 'job="node-exporter",instance="node-exporter:9100"';

const COMMON_GROUPS: TestGroup[] = [
  group("Watchdog always fires", {}, [{ eval_time: "1m", alertname: "Watchdog", exp_alerts: [alert({ severity: "none" }, "always firing while Prometheus, its rules and Alertmanager work (dead man's switch)")] }]),
  group(
    "one service down is ServiceDown, not HostDown",
    { 'up{job="api",instance="api:8000"}': "0x5", 'up{job="prometheus",instance="prometheus:9090"}': "1x5", 'up{job="cadvisor",instance="cadvisor:8080"}': "1x5" },
    [
      { eval_time: "3m", alertname: "ServiceDown", exp_alerts: [alert({ severity: "critical", job: "api", service: "api", instance: "api:8000" }, "api (api:8000) has not answered Prometheus for 2 minutes")] },
      { eval_time: "3m", alertname: "HostDown", exp_alerts: [] },
    ],
  ),
  group(
    "most targets down is HostDown",
    { 'up{job="api",instance="api:8000"}': "0x5", 'up{job="prometheus",instance="prometheus:9090"}': "1x5", 'up{job="cadvisor",instance="cadvisor:8080"}': "0x5" },
    [
      { eval_time: "1m", alertname: "HostDown", exp_alerts: [] },
      { eval_time: "3m", alertname: "HostDown", exp_alerts: [alert({ severity: "critical" }, "more than half of the scrape targets are down at once: the host or its Docker engine is in trouble")] },
    ],
  ),
  group(
    "10% of api's requests fail",
    { 'http_requests_total{job="api",instance="api:8000",status="5xx"}': "0+6x12", 'http_requests_total{job="api",instance="api:8000",status="2xx"}': "0+54x12" },
    [{ eval_time: "8m", alertname: "HighErrorRate", exp_alerts: [alert({ severity: "warning", job: "api", service: "api" }, "more than 5% of api's requests fail with 5xx")] }],
  ),
  group(
    "a container restarts five times",
    { 'container_start_time_seconds{name="api"}': "100 200 300 400 500 600", 'container_start_time_seconds{name="db"}': "100x5" },
    [{ eval_time: "5m", alertname: "ContainerRestarting", exp_alerts: [alert({ severity: "warning", name: "api" }, "container api restarted more than 3 times in 15 minutes")] }],
  ),
  group(
    "a container is OOM-killed",
    { 'container_oom_events_total{name="api",id="/docker/a1"}': "0 0 1 1 1", 'container_oom_events_total{name="db",id="/docker/b2"}': "0x4" },
    [{ eval_time: "3m", alertname: "ContainerOomKilled", exp_alerts: [alert({ severity: "warning", name: "api" }, "container api was killed for running out of memory")] }],
  ),
  group(
    "a container near its memory limit (and one without a limit, which must not count)",
    {
      'container_memory_working_set_bytes{name="api"}': "95x10",
      'container_spec_memory_limit_bytes{name="api"}': "100x10",
      'container_memory_working_set_bytes{name="db"}': "95x10",
      'container_spec_memory_limit_bytes{name="db"}': "0x10",
      'container_memory_working_set_bytes{name="web"}': "50x10",
      'container_spec_memory_limit_bytes{name="web"}': "100x10",
    },
    [{ eval_time: "7m", alertname: "ContainerMemoryNearLimit", exp_alerts: [alert({ severity: "warning", name: "api" }, "container api uses more than 90% of its memory limit")] }],
  ),
  group(
    "scrapes of alloy fail now and then; loki missed one in eleven",
    { 'up{job="alloy",instance="alloy:12345"}': "1 0 1 0 1 1 1 1 1 1 1", 'up{job="loki",instance="loki:3100"}': "1 1 1 1 1 0 1 1 1 1 1" },
    [
      { eval_time: "10m", alertname: "ScrapeFailing", exp_alerts: [alert({ severity: "warning", job: "alloy", instance: "alloy:12345" }, "alloy failed more than 10% of its scrapes in 15 minutes")] },
      { eval_time: "10m", alertname: "ServiceDown", exp_alerts: [] },
    ],
  ),
  group(
    "Alertmanager fails to deliver through the webhook",
    {
      'alertmanager_notifications_failed_total{job="alertmanager",instance="alertmanager:9093",integration="webhook",reason="serverError"}': "0 0 2 2",
      'alertmanager_notifications_failed_total{job="alertmanager",instance="alertmanager:9093",integration="email",reason="serverError"}': "0x3",
    },
    [{ eval_time: "3m", alertname: "AlertmanagerNotificationsFailing", exp_alerts: [alert({ severity: "warning", integration: "webhook" }, "Alertmanager failed to deliver notifications through webhook")] }],
  ),
  group(
    "cloudflared loses its edge connections",
    { 'cloudflared_tunnel_ha_connections{job="cloudflared",instance="cloudflared:2000"}': "4 4 0 0 0 0 0" },
    [
      { eval_time: "1m", alertname: "TunnelConnectorDown", exp_alerts: [] },
      { eval_time: "3m", alertname: "TunnelConnectorDown", exp_alerts: [] },
      {
        eval_time: "5m",
        alertname: "TunnelConnectorDown",
        exp_alerts: [alert({ severity: "critical", job: "cloudflared", instance: "cloudflared:2000" }, "cloudflared holds no connection to Cloudflare's edge: every public hostname is unreachable")],
      },
    ],
  ),
  group(
    "custom alerts: TTS failures fire, a small database does not",
    { 'tts_requests_total{job="api",status="error"}': "0+3x15", 'tts_requests_total{job="api",status="ok"}': "0+7x15", 'sqlite_db_size_bytes{job="api"}': "1e9x15" },
    [
      { eval_time: "10m", alertname: "TtsFailureRate", exp_alerts: [alert({ severity: "critical", service: "api", job: "api" }, "more than 10% of TTS requests fail")] },
      { eval_time: "10m", alertname: "DatabaseLarge", exp_alerts: [] },
    ],
  ),
];

describe("promtool test rules: with node-exporter", () => {
  const rules = rulesFor(true);
  it("fires every built-in and custom alert on its own symptom, and nothing on the look-alikes", () => {
    const groups = [
      ...COMMON_GROUPS,
      group(
        "host memory and disks from node-exporter",
        {
          [`node_memory_MemAvailable_bytes{${NODE}}`]: "5x15",
          [`node_memory_MemTotal_bytes{${NODE}}`]: "100x15",
          [`node_filesystem_avail_bytes{${NODE},mountpoint="/",fstype="ext4",device="/dev/sda1"}`]: "10x90",
          [`node_filesystem_size_bytes{${NODE},mountpoint="/",fstype="ext4",device="/dev/sda1"}`]: "100x90",
          [`node_filesystem_avail_bytes{${NODE},mountpoint="/data",fstype="ext4",device="/dev/sdb1"}`]: "100000-100x90",
          [`node_filesystem_avail_bytes{${NODE},mountpoint="/run",fstype="tmpfs",device="tmpfs"}`]: "100000-100x90",
        },
        [
          { eval_time: "12m", alertname: "HostMemoryPressure", exp_alerts: [alert({ severity: "warning", job: "node-exporter", instance: "node-exporter:9100" }, "less than 10% of the host's memory is available")] },
          {
            eval_time: "12m",
            alertname: "DiskUsageHigh",
            exp_alerts: [alert({ severity: "warning", job: "node-exporter", instance: "node-exporter:9100", mountpoint: "/", fstype: "ext4", device: "/dev/sda1" }, "filesystem / is more than 80% full")],
          },
          { eval_time: "30m", alertname: "HostDiskFillingUp", exp_alerts: [] },
          {
            eval_time: "80m",
            alertname: "HostDiskFillingUp",
            exp_alerts: [alert({ severity: "warning", job: "node-exporter", instance: "node-exporter:9100", mountpoint: "/data", fstype: "ext4", device: "/dev/sdb1" }, "filesystem /data will be full within 24 hours at the current rate")],
          },
        ],
      ),
    ];
    const r = promtoolTest(rules, groups);
    expect(r.output).toContain("SUCCESS");
    expect(r.status).toBe(0);
  });

  it("fails when an expectation is wrong (promtool really evaluates)", () => {
    const wrong = group("wrong", { 'up{job="api",instance="api:8000"}': "1x5" }, [{ eval_time: "3m", alertname: "ServiceDown", exp_alerts: [alert({ severity: "critical", job: "api", service: "api", instance: "api:8000" }, "api (api:8000) has not answered Prometheus for 2 minutes")] }]);
    expect(promtoolTest(rules, [wrong]).status).not.toBe(0);
  });
});

describe("promtool test rules: without node-exporter (host figures from cAdvisor's root cgroup)", () => {
  it("fires HostMemoryPressure and DiskUsageHigh from cAdvisor, and has no disk-trend rule", () => {
    const rules = rulesFor(false);
    const names = (parse(rules) as RuleFile).groups.flatMap((g) => g.rules.map((x) => x.alert));
    expect(names).not.toContain("HostDiskFillingUp");
    const groups = [
      ...COMMON_GROUPS,
      group(
        "host memory and disk from cAdvisor",
        {
          'container_memory_working_set_bytes{id="/"}': "95x15",
          machine_memory_bytes: "100x15",
          'container_fs_usage_bytes{id="/",device="/dev/sda1"}': "90x15",
          'container_fs_limit_bytes{id="/",device="/dev/sda1"}': "100x15",
          'container_fs_usage_bytes{id="/",device="/dev/sdb1"}': "10x15",
          'container_fs_limit_bytes{id="/",device="/dev/sdb1"}': "100x15",
        },
        [
          { eval_time: "12m", alertname: "HostMemoryPressure", exp_alerts: [alert({ severity: "warning" }, "less than 10% of the host's memory is available")] },
          { eval_time: "12m", alertname: "DiskUsageHigh", exp_alerts: [alert({ severity: "warning", device: "/dev/sda1" }, "filesystem /dev/sda1 is more than 80% full")] },
        ],
      ),
    ];
    const r = promtoolTest(rules, groups);
    expect(r.output).toContain("SUCCESS");
    expect(r.status).toBe(0);
  });
});
