import { parseDocument } from "yaml";
import { decodeConfigValue, engineConfigFromStackFile } from "../../infra/context";
import { loadModel } from "../../infra/load";
import type { HomelabModel } from "../../infra/model";
import { evaluateStack } from "../../infra/plan/evaluate";
import { CONTAINER, editStack, named, ofType, problemsOf } from "../support/stacks";

function load(stack: string, text: string): HomelabModel {
  const file = `Pulumi.${stack}.yaml`;
  const engine = engineConfigFromStackFile(text, file);
  const values = Object.fromEntries(Object.entries(engine.values).map(([k, v]) => [k, decodeConfigValue(v)]));
  return loadModel({ file, stack, values, secureLeaves: engine.secureLeaves });
}
const problems = (stack: string, edits: Parameters<typeof editStack>[1]): string[] => problemsOf(() => load(stack, editStack(stack, edits)));

describe("checkMonitoring", () => {
  it("refuses an undeclared monitoring host", () => {
    expect(problems("dev", [[["homelab:monitoring", "host"], "nas"]])).toEqual([
      'Pulumi.dev.yaml: homelab:monitoring.host: unknown host "nas" (declared: laptop)',
    ]);
  });

  it("refuses a UI port a service already binds, or another UI's port", () => {
    expect(problems("dev", [[["homelab:monitoring", "grafanaPort"], 8001]])).toEqual([
      'Pulumi.dev.yaml: homelab:monitoring.grafanaPort: host port 8001 on host "laptop" is already bound by service "sentinel"',
    ]);
    expect(problems("dev", [[["homelab:monitoring", "prometheusPort"], 16686]])).toEqual([
      "Pulumi.dev.yaml: homelab:monitoring.prometheusPort: host port 16686 is already used by monitoring.jaegerPort",
    ]);
  });

  it("refuses a traced service that cannot reach Jaeger by name", () => {
    const p = problems("dev", [[["homelab:services", "sentinel", "networks"], ["backend"]]]);
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/^Pulumi\.dev\.yaml: homelab:services\.sentinel\.tracing: traces go to http:\/\/jaeger:4317, which only resolves on network "miravaz-net"/);
  });

  it("refuses a service volume that takes a monitoring volume's name", () => {
    expect(problems("homelab", [[["homelab:services", "commander", "volumes"], ["grafana-data:/app/data"]]])).toEqual([
      'Pulumi.homelab.yaml: homelab:services.commander.volumes[0]: volume "grafana-data" belongs to the monitoring stack on host "server"; choose another name',
    ]);
  });

  it("allows those names when monitoring is off", () => {
    const text = editStack("dev", [
      [["homelab:features"], { monitoring: false }],
      [["homelab:services", "postgres", "volumes"], ["grafana-data:/var/lib/postgresql/data"]],
    ]);
    expect(load("dev", text).features.monitoring).toBe(false);
  });

  it("refuses routed UIs on a host the tunnel connector cannot reach", () => {
    const p = problems("homelab", [
      [["homelab:hosts", "nas"], { docker: "ssh://admin@nas.lan" }],
      [["homelab:monitoring", "host"], "nas"],
      // Traced services stay on the server; turn tracing off so only the routing problem remains.
      [["homelab:services", "commander", "tracing"], false],
      [["homelab:services", "sentinel", "tracing"], false],
    ]);
    expect(p).toEqual([
      'Pulumi.homelab.yaml: homelab:monitoring.grafanaHostname: the tunnel connector runs on host "server" but monitoring on "nas": it could not reach the UI by container name',
    ]);
  });
});

describe("a separate monitoring host", () => {
  it("gets its own default network and skips services elsewhere, naming them in prometheus.yml", async () => {
    const text = editStack("dev", [
      [["homelab:hosts", "box"], { docker: "ssh://me@box.lan" }],
      [["homelab:monitoring", "host"], "box"],
      [["homelab:services", "commander", "tracing"], false],
      [["homelab:services", "sentinel", "tracing"], false],
    ]);
    const e = await evaluateStack({ stack: "dev", stackFileText: text });
    const net = named(e.resources, "box-miravaz-net-network");
    expect(net.provider).toMatch(/box-docker::/);
    const prom = named(e.resources, "monitoring-prometheus-container");
    expect(prom.provider).toMatch(/box-docker::/);
    const file = (prom.inputs.uploads as { file: string; content: string }[]).find((u) => u.file.endsWith("prometheus.yml"))!.content;
    const doc = parseDocument(file);
    expect(doc.commentBefore).toMatch(/commander: runs on host "laptop"/);
    const jobs = (doc.toJS() as { scrape_configs: { job_name: string }[] }).scrape_configs.map((c) => c.job_name);
    expect(jobs).not.toContain("commander");
    expect(jobs).not.toContain("sentinel");
    expect(ofType(e.resources, CONTAINER).filter((c) => c.inputs.name === "grafana")).toHaveLength(1);
  });
});
