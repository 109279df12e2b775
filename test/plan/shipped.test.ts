/**
 * The offline plan of the three shipped stacks with the real policy pack
 * (started once): the JSON's resources, endpoints and violations, the
 * verdict of each stack's own policy config, the text and markdown reports,
 * and that no secret reaches any of them.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConfigError } from "../../infra/errors";
import { mermaidDiagram, planStacks, PolicyRunner, render, type JsonPlan, type StackPlan } from "../../infra/plan";
import { SECRET_SIG } from "../../infra/plan/evaluate";
import { MERMAID_MAX_EDGES, mermaidEdgeCount, mermaidFits, mermaidLabel } from "../../infra/plan/mermaid";
import { listStacks } from "../../infra/plan/project";
import { displayValue } from "../../infra/plan/values";
import { SYNTHETIC_STACK, syntheticStackText } from "../../bench/synthetic";
import { PROJECT_DIR, SHIPPED_STACKS } from "../support/stacks";
import { mermaidBlocks, parseFlowchart } from "./flowchart";
import { allShippedSecrets } from "./secrets";

jest.setTimeout(240_000);

let runner: PolicyRunner;
let plans: StackPlan[];

beforeAll(async () => {
  runner = new PolicyRunner();
  plans = await planStacks({ stacks: [...SHIPPED_STACKS], runner });
});
afterAll(async () => {
  await runner?.close();
});

const planOf = (stack: string): StackPlan => plans.find((p) => p.stack === stack)!;
const jsonOf = (stack: string): JsonPlan => JSON.parse(render([planOf(stack)], "json", false)) as JsonPlan;

describe("policy verdict of the shipped stacks", () => {
  const CPU = "no cpus, cpuQuota or cpuShares limit.";
  const HEALTH = "no healthcheck.tests defined.";
  /**
   * What a reader of the stack files expects the pack to say: in dev only commander caps its CPU and the
   * worker has no healthcheck; Jaeger's image cannot run one (Prometheus scrapes it instead); homelab's
   * Watchtower has none. Nothing is mandatory.
   */
  const EXPECTED: Record<string, [policy: string, resource: string, finding: string][]> = {
    dev: [
      // dev keeps no backups (advisory there; mandatory in prod, where every data volume is backed up).
      ["require-backup", "postgres-pgdata-dev-volume", "volume pgdata-dev is retained but not backed up: no backup runner on its host mounts it, and the stack file does not skip it."],
      ["require-cpu-limit", "cache-container", CPU],
      ["require-cpu-limit", "postgres-container", CPU],
      ["require-cpu-limit", "sentinel-container", CPU],
      ["require-cpu-limit", "worker-container", CPU],
      ["require-healthcheck", "monitoring-jaeger-container", HEALTH],
      ["require-healthcheck", "worker-container", HEALTH],
    ],
    homelab: [
      ["require-healthcheck", "monitoring-jaeger-container", HEALTH],
      ["require-healthcheck", "server-watchtower-service-container", HEALTH],
    ],
    prod: [["require-healthcheck", "monitoring-jaeger-container", HEALTH]],
  };

  test.each([...SHIPPED_STACKS])("%s: its own policy config, zero mandatory violations, every diagnostic listed", (stack) => {
    const json = jsonOf(stack);
    expect(json.policyConfig).toBe(path.join("config", `${stack}.json`));
    const found = json.violations.map((v) => {
      const lines = v.message.split("\n");
      return { level: v.level, entry: [v.policy, v.urn.split("::").pop(), lines[lines.length - 1]] };
    });
    expect(found.map((f) => f.level).filter((l) => l !== "advisory")).toEqual([]);
    expect(found.map((f) => f.entry).sort()).toEqual([...EXPECTED[stack]].sort());
    expect(json.summary).toMatchObject({ mandatory: 0, advisory: EXPECTED[stack].length });
  });
});

describe("a project's policy config", () => {
  it("is refused as a config error (the CLI's exit 2) naming its file and every setting its policy's schema refuses", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-config-"));
    try {
      fs.mkdirSync(path.join(dir, "policy-config"));
      const file = path.join(dir, "policy-config", "dev.json");
      fs.writeFileSync(file, JSON.stringify({ "no-sensitive-mounts": { extraSensitivePaths: ["/srv/secrets", "backups"], allowedImages: "nginx" } }));
      const err = await runner.analyze("dev", "dev", [], dir).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems).toEqual([
        { file: path.relative(process.cwd(), file), path: "", message: "no-sensitive-mounts.extraSensitivePaths[1] must match ^/" },
        { file: path.relative(process.cwd(), file), path: "", message: "no-sensitive-mounts.allowedImages must be array" },
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("json", () => {
  test("the issue's shape: stack, resources, endpoints, violations, summary", () => {
    for (const stack of SHIPPED_STACKS) {
      const json = jsonOf(stack);
      expect(Object.keys(json)).toEqual(expect.arrayContaining(["stack", "resources", "endpoints", "violations", "summary"]));
      expect(json.stack).toBe(stack);
      for (const r of json.resources) expect(Object.keys(r).sort()).toEqual(["dependencies", "inputs", "name", "options", "parent", "propertyDependencies", "provider", "type", "urn"]);
      for (const v of json.violations) expect(Object.keys(v).sort()).toEqual(["level", "message", "policy", "urn"]);
      expect(json.resources.length).toBe(json.summary.resources);
    }
  });

  test("resources: parents exist, docker resources use an explicit provider, dependencies are URNs of the plan", () => {
    for (const stack of SHIPPED_STACKS) {
      const json = jsonOf(stack);
      const urns = new Set(json.resources.map((r) => r.urn));
      // Most resources sit under a component and several depend on others, so the checks below see real links.
      expect(json.resources.filter((r) => r.parent).length).toBeGreaterThan(json.resources.length / 2);
      expect(json.resources.some((r) => r.dependencies.length > 0)).toBe(true);
      for (const r of json.resources) {
        if (r.parent) expect(urns).toContain(r.parent);
        for (const d of r.dependencies) expect(urns).toContain(d);
      }
      const containers = json.resources.filter((r) => r.type === "docker:index/container:Container");
      expect(containers.length).toBeGreaterThan(3);
      for (const c of containers) expect(c.provider).toMatch(/pulumi:providers:docker::/);
      // The image id only exists after the pull.
      for (const c of containers) expect(c.inputs["image"]).toBe("(known after deploy)");
    }
  });

  test("secret inputs are shown as [secret]", () => {
    const json = jsonOf("prod");
    const commander = json.resources.find((r) => r.name === "commander-container")!;
    expect(commander.inputs["envs"]).toContain("[secret]");
    const cloudflare = json.resources.find((r) => r.type === "pulumi:providers:cloudflare")!;
    expect(cloudflare.inputs["apiToken"]).toBe("[secret]");
  });
});

describe("checked inputs (the provider's Check, as the engine hands them to the pack)", () => {
  test("every container shows the provider's defaults, networkMode \"bridge\" among them, and passes require-homelab-network", () => {
    for (const stack of SHIPPED_STACKS) {
      const json = jsonOf(stack);
      const containers = json.resources.filter((r) => r.type === "docker:index/container:Container");
      expect(containers.length).toBeGreaterThan(3);
      for (const c of containers) expect(c.inputs).toMatchObject({ networkMode: "bridge", start: true, waitTimeout: 60 });
      const networks = json.resources.filter((r) => r.type === "docker:index/network:Network");
      expect(networks.length).toBeGreaterThan(0);
      for (const n of networks) expect(n.inputs).toMatchObject({ ipamDriver: "default" });
      expect(json.violations.filter((v) => v.policy === "require-homelab-network")).toEqual([]);
    }
  });
});

describe("endpoints", () => {
  test("hostname -> tunnel -> container, and host ports with their interface", () => {
    const homelab = planOf("homelab");
    const api = homelab.endpoints.find((e) => e.kind === "tunnel" && e.hostname === "api.miravaz.com");
    expect(api).toMatchObject({ access: "public", container: "commander", port: 8000, host: "server", dns: true });
    const sentinel = homelab.endpoints.find((e) => e.kind === "tunnel" && e.hostname === "sentinel.miravaz.com");
    expect(sentinel).toMatchObject({ access: "access", container: "sentinel" });
    expect(homelab.endpoints).toContainEqual(
      expect.objectContaining({ kind: "hostPort", interface: "192.168.1.20", hostPort: 8001, container: "sentinel", containerPort: 8000, scope: "private" }),
    );
    const dev = planOf("dev");
    expect(dev.endpoints.filter((e) => e.kind === "tunnel")).toEqual([]);
    const devPorts = dev.endpoints.filter((e) => e.kind === "hostPort");
    expect(devPorts.length).toBeGreaterThan(0);
    for (const p of devPorts) expect(p).toMatchObject({ interface: "127.0.0.1", scope: "loopback" });
    expect(planOf("prod").endpoints.flatMap((e) => (e.kind === "tunnel" ? [e.hostname] : []))).toContain("api.miravaz.cloud");
  });
});

describe("text", () => {
  test("resource tree by component, reachability table, policy results by level", () => {
    const plan = planOf("homelab");
    const text = render([plan], "text", false);
    expect(text).toMatch(/^ {2}├─ commander {2}\(homelab:docker:Service\)$/m);
    expect(text).toMatch(/^ {2}│ {2}├─ commander-container {2}\(docker:index\/container:Container\)$/m);
    expect(text).toMatch(/https:\/\/api\.miravaz\.com\s+tunnel miravaz-home \(public\)\s+commander:8000 on server/);
    expect(text).toMatch(/192\.168\.1\.20:8001\/tcp\s+host port on server \(private\)\s+sentinel:8000/);
    const advisory = plan.violations.filter((v) => v.level === "advisory");
    expect(advisory.length).toBeGreaterThan(0);
    expect(plan.violations.some((v) => v.level === "mandatory")).toBe(false);
    expect(text).toContain(`): PASS with ${advisory.length} advisory finding${advisory.length === 1 ? "" : "s"}\n`);
    expect(text).toMatch(new RegExp(`^ {2}advisory \\(${advisory.length}\\)$`, "m"));
    // Under each rule its description once, then each resource with the whole reason (the message's later lines).
    for (const v of advisory) {
      const [description, ...reason] = v.message.split("\n");
      expect(text).toContain(`\n    [${v.policy}] ${description}\n`);
      expect(text).toContain(`\n      ${v.urn.split("::").pop()}: ${reason.join(" ").trim() || description}`);
    }
  });

  test("lists the stacks in promotion order", () => {
    expect(listStacks(PROJECT_DIR).slice(0, 3)).toEqual(["dev", "homelab", "prod"]);
    const text = render(plans, "text", true);
    const order = [...text.matchAll(/^Stack (\w+) /gm)].map((m) => m[1]);
    expect(order).toEqual(["dev", "homelab", "prod"]);
  });
});

describe("markdown", () => {
  test("every mermaid block is valid flowchart syntax with quoted labels", () => {
    const blocks = mermaidBlocks(render(plans, "markdown", true));
    expect(blocks).toHaveLength(SHIPPED_STACKS.length);
    for (const block of blocks) {
      const chart = parseFlowchart(block);
      expect(chart.problems).toEqual([]);
      expect(chart.direction).toBe("LR");
    }
  });

  test("the path Internet -> Cloudflare -> hostname -> tunnel -> container -> network -> host, and monitoring", () => {
    for (const stack of SHIPPED_STACKS) {
      const plan = planOf(stack);
      const chart = parseFlowchart(mermaidDiagram(plan));
      const edges = chart.edges.map((e) => [e.from, e.to]);
      const idOf = (label: string): string => {
        const hit = [...chart.nodes].find(([, l]) => l === label || l.startsWith(`${label} (`) || l.startsWith(`${label}: `));
        if (!hit) throw new Error(`no node labelled ${label} in\n${mermaidDiagram(plan)}`);
        return hit[0];
      };
      for (const s of plan.model.services) expect(chart.subgraphs.get("services")?.members).toContain(idOf(s.containerName));
      const routed = plan.endpoints.flatMap((e) => (e.kind === "tunnel" ? [e] : []));
      for (const e of routed) {
        const h = idOf(e.hostname);
        expect(edges).toContainEqual(["cloudflare", h]);
        expect(edges).toContainEqual([h, "tunnel"]);
        expect(edges).toContainEqual(["tunnel", idOf(e.container!)]);
      }
      if (routed.length > 0) {
        expect(edges).toContainEqual(["internet", "cloudflare"]);
        // The tunnel node is the connector container: it reaches the services over the default network.
        expect(edges).toContainEqual(["tunnel", idOf(plan.model.defaultNetwork)]);
      }
      const host = idOf(`host: ${plan.model.hosts[0].name}`);
      expect(edges).toContainEqual([idOf(plan.model.defaultNetwork), host]);
      for (const s of plan.model.services.filter((x) => x.metrics)) {
        expect(chart.edges).toContainEqual(expect.objectContaining({ from: idOf("prometheus"), to: idOf(s.containerName), dotted: true }));
      }
    }
  });

  test("a diagram larger than GitHub draws is left out, with the reason", async () => {
    const [big] = await planStacks({ stacks: [SYNTHETIC_STACK], stackFileTexts: { [SYNTHETIC_STACK]: syntheticStackText({ services: 200 }) }, runner });
    const diagram = mermaidDiagram(big);
    expect(parseFlowchart(diagram).problems).toEqual([]);
    expect(mermaidEdgeCount(diagram)).toBeGreaterThan(MERMAID_MAX_EDGES);
    const markdown = render([big], "markdown", false);
    expect(mermaidBlocks(markdown)).toEqual([]);
    expect(markdown).toMatch(/^_No diagram: at \d+ edges and \d+ characters it is larger than GitHub draws \(500 edges, 50000 characters\)/m);
    // The shipped stacks stay well inside the limits.
    for (const p of plans) expect(mermaidFits(mermaidDiagram(p))).toBe(true);
  });

  test("labels are quoted with quotes and angle brackets escaped", () => {
    expect(mermaidLabel('a "b" <c>')).toBe('"a #quot;b#quot; #lt;c#gt;"');
    expect(parseFlowchart(`flowchart LR\n  n1[${mermaidLabel('say "hi" <b>')}]`).problems).toEqual([]);
    // The reader is strict: an unquoted label or a reserved id is refused.
    expect(parseFlowchart("flowchart LR\n  n1[plain]").problems).not.toEqual([]);
    expect(parseFlowchart('flowchart LR\n  end["x"]').problems).not.toEqual([]);
  });
});

describe("secrets", () => {
  const secrets = allShippedSecrets();

  test("neither ciphertext nor the decrypted example secrets appear in any format", () => {
    expect(secrets.ciphertexts.length).toBeGreaterThan(5);
    expect(secrets.plaintexts).toHaveLength(secrets.ciphertexts.length);
    for (const p of secrets.plaintexts) expect(p.length).toBeGreaterThan(8);
    for (const format of ["text", "markdown", "json"] as const) {
      const out = render(plans, format, true);
      for (const s of [...secrets.ciphertexts, ...secrets.plaintexts]) expect(out).not.toContain(s);
      expect(out).not.toMatch(/v1:[A-Za-z0-9+/=]{8,}:/);
      // The engine's wire markers never reach a reader either.
      expect(out).not.toContain("04da6b54-80e4-46f7-96ec-b56ff0331ba9");
      expect(out).not.toContain("1b47061264138c4ac30d75fd1eb44270");
    }
  });

  test("a secret whose value is known is still shown as [secret]", () => {
    const wire = { [SECRET_SIG]: "1b47061264138c4ac30d75fd1eb44270", value: secrets.plaintexts[0] };
    const shown = JSON.stringify(displayValue({ env: [wire], nested: { token: wire } }));
    expect(shown).not.toContain(secrets.plaintexts[0]);
    expect(JSON.parse(shown)).toEqual({ env: ["[secret]"], nested: { token: "[secret]" } });
  });
});
