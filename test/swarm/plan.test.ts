/**
 * examples/swarm through `npm run plan`: evaluated under the mock runtime
 * and checked by the policy pack over the analyzer protocol. Clean as
 * shipped; a published port makes it fail, as the issue asks.
 */
import { runPlan } from "../support/planCli";
import type { JsonPlan } from "../../infra/plan";
import { editSwarm, SWARM_DIR } from "./support";
import { planStacks } from "../../infra/plan/plan";
import { renderMarkdown, renderText } from "../../infra/plan/render";

jest.setTimeout(240_000);

const plan = runPlan;

test("npm run plan -- --project-dir examples/swarm --all plans the example clean", async () => {
  const r = await plan(["--project-dir", SWARM_DIR, "--all", "--format", "json"]);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  const out = JSON.parse(r.stdout) as { stacks: JsonPlan[]; summary: { stacks: number; mandatory: number } };
  expect(out.summary).toMatchObject({ stacks: 1, mandatory: 0 });
  const [swarm] = out.stacks;
  expect(swarm.stack).toBe("swarm");
  expect(swarm.violations.filter((v) => v.level === "mandatory")).toEqual([]);
  expect(swarm.resources.filter((x) => x.type === "docker:index/service:Service").map((x) => x.name).sort()).toEqual([
    "cache-service",
    "commander-service",
    "monitoring-alertmanager-service",
    "monitoring-alloy-service",
    "monitoring-cadvisor-service",
    "monitoring-grafana-service",
    "monitoring-jaeger-service",
    "monitoring-loki-service",
    "monitoring-prometheus-service",
    "monitoring-socket-proxy-service",
    "postgres-service",
    "sentinel-service",
    "tunnel-connector-service",
    "worker-service",
  ]);
  // Jaeger's image has no shell for a healthcheck (as on the Docker engine): the one advisory finding.
  expect(swarm.violations.map((v) => [v.policy, v.urn.split("::").pop()])).toEqual([["require-healthcheck", "monitoring-jaeger-service"]]);
  const tunnel = swarm.endpoints.filter((e) => e.kind === "tunnel").map((e) => (e.kind === "tunnel" ? [e.hostname, e.access, e.container, e.host] : []));
  expect(tunnel).toEqual([
    ["api.miravaz.com", "public", "commander", "swarm, 2 replica(s)"],
    ["sentinel.miravaz.com", "access", "sentinel", "swarm, 2 replica(s) where node.labels.gpu != true"],
    ["grafana.miravaz.com", "access", "grafana", "swarm, 1 replica(s) where node.hostname == manager"],
  ]);
});

test("the Swarm table lists the monitoring services: agents on every node, the rest on the manager", async () => {
  const plans = await planStacks({ stacks: ["swarm"], projectDir: SWARM_DIR });
  const rows = renderText(plans)
    .split("\n")
    .filter((l) => /^\s+(cadvisor|alloy|socket-proxy|prometheus|grafana|loki|jaeger|alertmanager)\s/.test(l))
    .map((l) => l.trim().split(/\s{2,}/));
  expect(rows).toEqual([
    ["cadvisor", "one per node", "manager, gpu, storage"],
    ["jaeger", "1 replica", "manager"],
    ["alertmanager", "1 replica", "manager"],
    ["socket-proxy", "1 replica", "manager"],
    ["prometheus", "1 replica", "manager"],
    ["loki", "1 replica", "manager"],
    ["alloy", "one per node", "manager, gpu, storage"],
    ["grafana", "1 replica", "manager"],
  ]);
  expect(renderMarkdown(plans)).toMatch(/\| prometheus \| 1 replica \| manager \|/);
});

test("the Backups table puts a volume on the nodes its service runs on, and says homelab backs none up on a Swarm", async () => {
  const plans = await planStacks({ stacks: ["swarm"], projectDir: SWARM_DIR });
  const lines = renderText(plans).split("\n");
  const at = lines.findIndex((l) => l.startsWith("Backups:"));
  expect(lines[at]).toBe("Backups: none by homelab on a Swarm yet (back the nodes' volumes up outside homelab)");
  expect(lines.slice(at + 3, at + 4).map((l) => l.trim().split(/\s{2,}/))).toEqual([["pgdata", "storage", "postgres", "NOT BACKED UP (homelab does not back up Swarm volumes yet)"]]);
  expect(lines[at + 4]).toBe("");
  expect(renderMarkdown(plans)).toContain("| pgdata | storage | postgres | NOT BACKED UP (homelab does not back up Swarm volumes yet) |");
  // Pinned elsewhere (a service writing a volume must be pinned), the table follows the pin.
  const moved = await planStacks({ stacks: ["swarm"], projectDir: SWARM_DIR, stackFileTexts: { swarm: editSwarm([[["homelab:services", "postgres", "placement"], { constraints: ["node.hostname == manager"] }]]) } });
  expect(renderMarkdown(moved)).toContain("| pgdata | manager | postgres |");
});

describe("with a published port", () => {
  let plans: Awaited<ReturnType<typeof planStacks>>;
  beforeAll(async () => {
    const text = editSwarm([[["homelab:services", "sentinel", "ports"], ["127.0.0.1:8001:8000"]]]);
    plans = await planStacks({ stacks: ["swarm"], projectDir: SWARM_DIR, stackFileTexts: { swarm: text } });
  });

  test("no-public-ports fails it mandatorily, loopback address or not", () => {
    const v = plans[0].violations.filter((x) => x.policy === "no-public-ports");
    expect(v.map((x) => [x.level, x.urn.split("::").pop()])).toEqual([["mandatory", "sentinel-service"]]);
    expect(v[0].message).toMatch(/every interface of every node \(routing mesh\)/);
  });

  test("the reachability table shows it on every node, and the Swarm table where tasks may run", () => {
    const text = renderText(plans);
    expect(text).toMatch(/\*:8001\/tcp\s+host port on every Swarm node \(routing mesh\) \(all-interfaces\)\s+sentinel:8000/);
    const swarmTable = text.split("\n").filter((l) => /^\s+(sentinel|postgres|commander)\s/.test(l)).map((l) => l.trim().split(/\s{2,}/));
    expect(swarmTable).toEqual([
      ["commander", "2 replicas, at most 1 per node", "manager, gpu, storage"],
      ["sentinel", "2 replicas", "manager, storage"],
      ["postgres", "1 replica", "storage"],
    ]);
  });

  test("the diagram draws the service and its published port", () => {
    const md = renderMarkdown(plans);
    expect(md).toContain("### Swarm (manager `manager`)");
    expect(md).toMatch(/\* on every Swarm node \(routing mesh\) \(all-interfaces\)/);
  });
});
