/**
 * Monitoring on the Swarm engine: the example's monitoring services under
 * the mock runtime, the Swarm Prometheus config through the real promtool,
 * and the validation of Swarm monitoring settings.
 */
import { swarmMonitoringHost, swarmMonitoringSpec } from "../../infra/swarm/monitoringSpec";
import { alert, group, promtoolTest } from "../alerting/ruleTests";
import { parse } from "yaml";
import { evaluateStack, SECRET_SIG, type Evaluation, type RecordedResource } from "../../infra/plan/evaluate";
import { PROMETHEUS_CONFIG_FILE, PROMETHEUS_RULES_FILE } from "../../infra/monitoring/prometheus";
import { classifyChange, readBack, withProviderDefaults } from "../../infra/providers";
import { layOut, removeLaidOut, runTool } from "../alerting/tools";
import { named, ofType, problemsOf } from "../support/stacks";
import { ALLOWED_HOST_AGENTS, noSensitiveMounts } from "../../policies/rules/no-sensitive-mounts";
import { runStack, type Wire } from "../policies/harness";
import { editSwarm, loadText, SWARM_DIR, SWARM_STACK } from "./support";

jest.setTimeout(120_000);

const SERVICE = "docker:index/service:Service";
const CONFIG = "docker:index/serviceConfig:ServiceConfig";
const SECRET = "docker:index/secret:Secret";
const NETWORK = "docker:index/network:Network";
const F = "Pulumi.swarm.yaml";

type Obj = Record<string, unknown>;
let ev: Evaluation;
beforeAll(async () => {
  ev = await evaluateStack({ stack: SWARM_STACK, projectDir: SWARM_DIR });
});
afterAll(removeLaidOut);

const service = (key: string): RecordedResource => named(ev.resources, `monitoring-${key}-service`);
const task = (key: string): Obj => service(key).inputs.taskSpec as Obj;
const spec = (key: string): Obj => task(key).containerSpec as Obj;
const plain = (v: unknown): string => (typeof v === "object" && v !== null && SECRET_SIG in v ? String((v as Obj).value) : String(v));
/** A config's file content, decoded from the base64 the provider takes. */
const content = (r: RecordedResource): string => plain(r.inputs.dataRaw);
const configFor = (key: string, file: string): RecordedResource => {
  const mount = (spec(key).configs as Obj[]).find((c) => c.fileName === file)!;
  return ofType(ev.resources, CONFIG).find((c) => c.inputs.name === mount.configName)!;
};

describe("rendered services", () => {
  test("per-node agents are global, everything else one replica pinned to the manager", () => {
    const modes = Object.fromEntries(["cadvisor", "alloy", "jaeger", "alertmanager", "socket-proxy", "prometheus", "loki", "grafana"].map((k) => [k, [service(k).inputs.mode, task(k).placement]]));
    expect(modes).toEqual({
      cadvisor: [{ global: true }, undefined],
      alloy: [{ global: true }, undefined],
      jaeger: [{ replicated: { replicas: 1 } }, { constraints: ["node.hostname == manager"] }],
      alertmanager: [{ replicated: { replicas: 1 } }, { constraints: ["node.hostname == manager"] }],
      "socket-proxy": [{ replicated: { replicas: 1 } }, { constraints: ["node.hostname == manager"] }],
      prometheus: [{ replicated: { replicas: 1 } }, { constraints: ["node.hostname == manager"] }],
      loki: [{ replicated: { replicas: 1 } }, { constraints: ["node.hostname == manager"] }],
      grafana: [{ replicated: { replicas: 1 } }, { constraints: ["node.hostname == manager"] }],
    });
  });

  test("services writing a volume stop the old task before starting the new one", () => {
    expect((service("prometheus").inputs.updateConfig as Obj).order).toBe("stop-first");
    expect((service("jaeger").inputs.updateConfig as Obj).order).toBe("start-first");
  });

  test("resources become limits and memory reservations", () => {
    expect(task("prometheus").resources).toEqual({ limits: { memoryBytes: 1024 * 1024 * 1024, nanoCpus: 1_000_000_000 }, reservation: { memoryBytes: 1024 * 1024 * 1024 } });
    expect(task("cadvisor").resources).toEqual({ limits: { memoryBytes: 256 * 1024 * 1024, nanoCpus: 500_000_000 }, reservation: { memoryBytes: 256 * 1024 * 1024 } });
  });

  test("Prometheus runs as its image's user, with no socket and no added capability", () => {
    expect(spec("prometheus").mounts).toEqual([{ type: "volume", source: "prometheus-data", target: "/prometheus", readOnly: false }]);
    expect([spec("prometheus").user, spec("prometheus").capAdds, spec("prometheus").capDrops]).toEqual([undefined, undefined, ["ALL"]]);
  });

  test("every monitoring service joins the default overlay network, and publishes no port", () => {
    const net = named(ev.resources, "miravaz-net-network").urn;
    for (const k of ["cadvisor", "alloy", "prometheus", "grafana"]) {
      expect(service(k).dependencies).toContain(net);
      expect(service(k).inputs.endpointSpec).toBeUndefined();
    }
  });

  test("the log shipper takes its node's hostname and reads the node's socket read-only", () => {
    expect(spec("alloy").hostname).toBe("{{.Node.Hostname}}");
    expect((spec("alloy").mounts as Obj[]).find((m) => m.type === "bind")).toEqual({ type: "bind", source: "/var/run/docker.sock", target: "/var/run/docker.sock", readOnly: true });
    const alloy = content(configFor("alloy", "/etc/alloy/config.alloy"));
    expect(alloy).toContain('source_labels = ["__meta_docker_container_label_com_docker_swarm_service_name"]');
    expect(alloy).toContain('external_labels = { stack = "swarm", node = constants.hostname }');
  });
});

describe("the Docker API proxy", () => {
  const networkIds = (key: string): unknown[] => (task(key).networksAdvanceds as Obj[]).map((n) => n.id);
  const netUrn = (name: string): string => named(ev.resources, `${name}-network`).urn;

  test("is a pinned LinuxServer.io socket-proxy passing only the read endpoints Swarm discovery needs", () => {
    expect(spec("socket-proxy").image).toBe("lscr.io/linuxserver/socket-proxy:3.4.3-r0-ls92");
    expect(spec("socket-proxy").env).toEqual({
      TASKS: "1",
      SERVICES: "1",
      NODES: "1",
      NETWORKS: "1",
      PING: "1",
      VERSION: "0",
      EVENTS: "0",
      CONTAINERS: "0",
      POST: "0",
      DISABLE_IPV6: "1",
      LOG_LEVEL: "warning",
    });
  });

  test("mounts the manager's socket read-only under a read-only root with a small /run tmpfs, dropping all capabilities but SYS_CHROOT", () => {
    expect(spec("socket-proxy").mounts).toEqual([
      { type: "bind", source: "/var/run/docker.sock", target: "/var/run/docker.sock", readOnly: true },
      { type: "tmpfs", target: "/run", readOnly: false, tmpfsOptions: { sizeBytes: 8388608, mode: 0o755 } },
    ]);
    expect([spec("socket-proxy").readOnly, spec("socket-proxy").user, spec("socket-proxy").capDrops, spec("socket-proxy").capAdds]).toEqual([true, undefined, ["ALL"], ["SYS_CHROOT"]]);
    expect(spec("socket-proxy").healthcheck).toEqual({ tests: ["CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1:2375/_ping || exit 1"], interval: "30s", timeout: "5s", retries: 3, startPeriod: "10s" });
    expect(task("socket-proxy").resources).toEqual({ limits: { memoryBytes: 64 * 1024 * 1024, nanoCpus: 250_000_000 }, reservation: { memoryBytes: 64 * 1024 * 1024 } });
    expect(service("socket-proxy").inputs.endpointSpec).toBeUndefined();
  });

  test("sits on an internal, encrypted overlay network that only it and Prometheus join", () => {
    const net = named(ev.resources, "monitoring-docker-api-network");
    expect([net.inputs.name, net.inputs.driver, net.inputs.internal, net.inputs.options]).toEqual(["monitoring-docker-api", "overlay", true, { encrypted: "" }]);
    const onIt = ofType(ev.resources, SERVICE).filter((r) => r.dependencies.includes(net.urn)).map((r) => r.inputs.name).sort();
    expect(onIt).toEqual(["prometheus", "socket-proxy"]);
    expect(service("socket-proxy").dependencies).not.toContain(netUrn("miravaz-net"));
    expect(networkIds("socket-proxy")).toHaveLength(1);
    expect(service("prometheus").dependencies).toEqual(expect.arrayContaining([netUrn("miravaz-net"), net.urn]));
    expect(networkIds("prometheus")).toHaveLength(2);
    expect(ofType(ev.resources, NETWORK).map((n) => n.inputs.name).sort()).toEqual(["backend", "miravaz-net", "monitoring-docker-api"]);
  });

  test("no-sensitive-mounts passes the rendered services with prom/prometheus off the allow-list, and fails Prometheus mounting the socket", () => {
    expect(ALLOWED_HOST_AGENTS).not.toContain("prom/prometheus");
    expect(ALLOWED_HOST_AGENTS).toContain("lscr.io/linuxserver/socket-proxy");
    const inputs = ofType(ev.resources, SERVICE).map((r) => ({ type: SERVICE, name: r.name, props: r.inputs as Wire }));
    expect(runStack(noSensitiveMounts, inputs)).toEqual([]);
    const socket = { type: "bind", source: "/var/run/docker.sock", target: "/var/run/docker.sock", readOnly: true };
    const withSocket = inputs.map((i) => {
      if (i.name !== "monitoring-prometheus-service") return i;
      const ts = i.props.taskSpec as Obj;
      const cs = ts.containerSpec as Obj;
      return { ...i, props: { ...i.props, taskSpec: { ...ts, containerSpec: { ...cs, mounts: [...(cs.mounts as Obj[]), socket] } } } as Wire };
    });
    expect(runStack(noSensitiveMounts, withSocket).map((f) => f.message)).toEqual([
      "monitoring-prometheus-service mounts /var/run/docker.sock (the Docker socket) but image prom/prometheus is not allow-listed.",
    ]);
  });
});

describe("generated files", () => {
  test("each is a Swarm config mounted at its path, named with a hash of its content", () => {
    const files = (spec("grafana").configs as Obj[]).map((c) => c.fileName).sort();
    expect(files).toEqual(["/etc/grafana/dashboards/container-health.json", "/etc/grafana/provisioning/dashboards/homelab.yaml", "/etc/grafana/provisioning/datasources/homelab.yaml"]);
    const names = ofType(ev.resources, CONFIG).filter((c) => c.name.startsWith("monitoring-")).map((c) => String(c.inputs.name));
    expect(names.length).toBe(7);
    for (const n of names) expect(n).toMatch(/^(prometheus|grafana|loki|alloy)_[a-z]+-[a-z0-9.-]+_[0-9a-f]{8}$/);
    expect(new Set(names).size).toBe(names.length);
  });

  test("a config is replaced create-first, so the service moves to the new one before the old is deleted", () => {
    const config = configFor("prometheus", PROMETHEUS_CONFIG_FILE);
    expect(config.options.deleteBeforeReplace).toBe(false);
    expect(service("prometheus").dependencies).toContain(config.urn);
    const changed = { ...config.inputs, name: "prometheus_prometheus-prometheus.yml_00000000", dataRaw: "global: {}\n" };
    expect(classifyChange(CONFIG, readBack(CONFIG, config.inputs), changed)).toMatchObject({ action: "replace", replaceReasons: ["dataRaw", "name"] });
    // The service only changes its task template: an update in place, a rolling restart.
    const before = service("prometheus").inputs as Obj;
    const ts = before.taskSpec as Obj;
    const cs = ts.containerSpec as Obj;
    const after = { ...before, taskSpec: { ...ts, containerSpec: { ...cs, configs: [{ ...(cs.configs as Obj[])[0], configId: "new-id" }, ...(cs.configs as Obj[]).slice(1)] } } };
    expect(classifyChange(SERVICE, readBack(SERVICE, withProviderDefaults(SERVICE, before)), withProviderDefaults(SERVICE, after))).toMatchObject({ action: "update", changed: ["taskSpec"] });
  });

  test("secrets are Swarm secrets, never configs: Alertmanager's receivers and Grafana's admin password", () => {
    expect(ofType(ev.resources, SECRET).map((s) => s.name).filter((n) => n.startsWith("monitoring-")).sort()).toEqual([
      "monitoring-alertmanager-alertmanager.yml-secret",
      "monitoring-grafana-GF_SECURITY_ADMIN_PASSWORD-secret",
    ]);
    for (const s of ["monitoring-alertmanager-alertmanager.yml-secret", "monitoring-grafana-GF_SECURITY_ADMIN_PASSWORD-secret"]) {
      expect((named(ev.resources, s).inputs.data as Obj)[SECRET_SIG]).toBeDefined();
    }
    expect((spec("alertmanager").secrets as Obj[]).map((s) => s.fileName)).toEqual(["alertmanager.yml"]);
    expect(spec("alertmanager").configs).toBeUndefined();
    expect((spec("alertmanager").args as string[])[0]).toBe("--config.file=/run/secrets/alertmanager.yml");
    const env = spec("grafana").env as Obj;
    expect(env.GF_SECURITY_ADMIN_PASSWORD).toBeUndefined();
    expect(env.GF_SECURITY_ADMIN_PASSWORD__FILE).toBe("/run/secrets/GF_SECURITY_ADMIN_PASSWORD");
  });

});

describe("Prometheus on the Swarm", () => {
  const prometheusYml = (): string => content(configFor("prometheus", PROMETHEUS_CONFIG_FILE));
  const rulesYml = (): string => content(configFor("prometheus", PROMETHEUS_RULES_FILE));

  test("promtool accepts the config with its rule file", () => {
    const dir = layOut({ "prometheus.yml": prometheusYml(), "rules/homelab.rules.yml": rulesYml() });
    const r = runTool("promtool", ["check", "config", "prometheus.yml"], dir);
    expect(r.output).toMatch(/SUCCESS/);
    expect(r.status).toBe(0);
  });

  test("each service's tasks are discovered through the manager and scraped on the overlay network", () => {
    const cfg = parse(prometheusYml()) as { scrape_configs: Obj[]; alerting: Obj };
    expect(cfg.scrape_configs.map((j) => j.job_name)).toEqual(["commander", "prometheus", "cadvisor", "jaeger", "loki", "grafana", "alloy", "alertmanager", "cloudflared"]);
    expect(cfg.scrape_configs[0]).toEqual({
      job_name: "commander",
      metrics_path: "/metrics",
      dockerswarm_sd_configs: [{ host: "tcp://socket-proxy:2375", role: "tasks", port: 8000, filters: [{ name: "service", values: ["commander"] }] }],
      relabel_configs: [
        { source_labels: ["__meta_dockerswarm_task_desired_state"], regex: "running", action: "keep" },
        { source_labels: ["__meta_dockerswarm_service_label_homelab_stack"], regex: "swarm", action: "keep" },
        { source_labels: ["__meta_dockerswarm_network_name"], regex: "miravaz-net", action: "keep" },
        { source_labels: ["__address__"], regex: "(.+):\\d+", replacement: "$1:8000", target_label: "__address__" },
        { source_labels: ["__meta_dockerswarm_node_hostname"], target_label: "node" },
        {
          source_labels: ["__meta_dockerswarm_service_name", "__meta_dockerswarm_task_slot", "__meta_dockerswarm_node_hostname"],
          separator: ";",
          regex: "(.+);(.+);(.+)",
          replacement: "$1.$2@$3",
          target_label: "instance",
        },
        { target_label: "kind", replacement: "service" },
      ],
    });
    const jaeger = cfg.scrape_configs.find((j) => j.job_name === "jaeger")!;
    expect((jaeger.dockerswarm_sd_configs as Obj[])[0]).toMatchObject({ port: 14269, filters: [{ name: "service", values: ["jaeger"] }] });
    expect(cfg.alerting).toEqual({ alertmanagers: [{ static_configs: [{ targets: ["alertmanager:9093"] }] }] });
  });

  test("rules still name each job, and count host figures and restarts the Swarm's way", () => {
    const rules = (parse(rulesYml()) as { groups: { rules: { alert: string; expr: string }[] }[] }).groups.flatMap((g) => g.rules);
    expect(rules.filter((r) => r.alert === "ServiceDown").map((r) => r.expr)).toContain('up{job="commander"} == 0');
    expect(rules.find((r) => r.alert === "ContainerRestarting")!.expr).toBe(
      'count by (container_label_com_docker_swarm_service_name) (max_over_time(container_start_time_seconds{container_label_com_docker_swarm_service_name!=""}[15m])) - count by (container_label_com_docker_swarm_service_name) (container_start_time_seconds{container_label_com_docker_swarm_service_name!=""}) > count by (container_label_com_docker_swarm_service_name) (container_start_time_seconds{container_label_com_docker_swarm_service_name!=""}) + 3',
    );
    expect(rules.find((r) => r.alert === "DiskUsageHigh")!.expr).toBe('100 * max by (node, device) (container_fs_usage_bytes{id="/"} / (container_fs_limit_bytes{id="/"} > 0)) > 80');
    expect(rules.find((r) => r.alert === "HostMemoryPressure")!.expr).toBe('1 - sum by (node) (container_memory_working_set_bytes{id="/"}) / sum by (node) (machine_memory_bytes) < 0.1');
  });

  test("a rolling update of five tasks is no restart; one task replaced nine times is (promtool)", () => {
    const svc = "container_label_com_docker_swarm_service_name";
    // A task container's series: its start time while it runs, then gone (stale).
    const task = (name: string, id: string) => `container_start_time_seconds{${svc}="${name}",id="/docker/${id}"}`;
    const series: Record<string, string> = {};
    // alloy on five nodes, each task replaced once at minute 5 by a rolling update.
    for (let i = 0; i < 5; i++) {
      series[task("alloy", `old${i}`)] = "100x4 stale";
      series[task("alloy", `new${i}`)] = "_x4 400x10";
    }
    // worker: one task crashing every minute, a new container each time; the tenth still runs.
    for (let i = 0; i < 10; i++) series[task("worker", `c${i}`)] = `${"_ ".repeat(i)}${60 * i}${i < 9 ? " stale" : "x5"}`;
    const result = promtoolTest(rulesYml(), [
      group("rolling update and crash loop", series, [
        {
          eval_time: "10m",
          alertname: "ContainerRestarting",
          exp_alerts: [alert({ severity: "warning", [svc]: "worker" }, "Swarm service worker replaced more than 3 tasks in 15 minutes")],
        },
      ]),
    ]);
    expect(result.output).toContain("SUCCESS");
    expect(result.status).toBe(0);
  });

  test("node-exporter runs on every node when asked for", async () => {
    const e = await evaluateStack({ stack: SWARM_STACK, stackFileText: editSwarm([[["homelab:monitoring", "nodeExporter"], true]]), projectDir: SWARM_DIR });
    expect(named(e.resources, "monitoring-node-exporter-service").inputs.mode).toEqual({ global: true });
  });
});

describe("validation", () => {
  const problems = (edits: Parameters<typeof editSwarm>[0]): string[] => problemsOf(() => loadText(editSwarm(edits)));

  test("lists every Swarm monitoring problem at once", () => {
    expect(
      problems([
        [["homelab:monitoring", "host"], "storage"],
        [["homelab:monitoring", "grafanaPort"], 3000],
        [["homelab:services", "cache", "containerName"], "loki"],
        [["homelab:services", "worker", "tracing"], true],
        [["homelab:services", "postgres", "volumes"], ["grafana-data:/var/lib/postgresql/data"]],
      ]),
    ).toEqual([
      `${F}: homelab:monitoring.host: Prometheus discovers tasks through the API of a Swarm manager, but "storage" is a worker: set homelab:monitoring.host to a manager node`,
      `${F}: homelab:monitoring.grafanaPort: a Swarm publishes it on every interface of every node (routing mesh); remove it and route the UI through the tunnel (homelab:monitoring.grafanaHostname, behind Access)`,
      `${F}: homelab:services.worker.tracing: traces go to http://jaeger:4317, which only resolves on network "miravaz-net"; add the network or turn tracing off`,
      `${F}: homelab:services.postgres.volumes[0]: volume "grafana-data" belongs to the monitoring stack; choose another name`,
      `${F}: homelab:services.cache.containerName: Swarm service name "loki" is taken by the monitoring stack; rename the service or set containerName`,
    ]);
  });

  test("the Docker API proxy's network name is the monitoring stack's", () => {
    expect(problems([[["homelab:networks", "monitoring-docker-api"], {}]])).toEqual([
      `${F}: homelab:networks.monitoring-docker-api: network "monitoring-docker-api" belongs to the monitoring stack (Prometheus's Docker API proxy); choose another name`,
    ]);
  });

  test("an unknown monitoring host is named", () => {
    expect(problems([[["homelab:monitoring", "host"], "nas"]])).toEqual([`${F}: homelab:monitoring.host: unknown host "nas" (declared: manager, gpu, storage)`]);
  });

  test("a second manager may run monitoring", () => {
    const m = loadText(editSwarm([[["homelab:hosts", "storage", "role"], "manager"], [["homelab:monitoring", "host"], "storage"], [["homelab:services", "postgres", "placement"], { constraints: ["node.hostname == storage"] }]]));
    expect(m.monitoring.host).toBe("storage");
    const host = swarmMonitoringHost(m, m.swarm!);
    expect(swarmMonitoringSpec(m.swarm!, host, "prometheus").constraints).toEqual(["node.hostname == storage"]);
    expect(swarmMonitoringSpec(m.swarm!, host, "cadvisor")).toMatchObject({ replicas: "global", constraints: [] });
  });
});
