/**
 * The offline plan on the shipped stacks, in every format, with the real
 * policy pack (started once for the in-process checks), and the CLI's exit
 * codes (spawned a few times through ts-node).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { makePlanGate, mermaidDiagram, planStacks, PolicyRunner, render, type JsonPlan, type StackPlan } from "../../infra/plan";
import { listStacks } from "../../infra/plan/project";
import { editStack, PROJECT_DIR, SHIPPED_STACKS, stackText } from "../support/stacks";

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

/** Every `secure:` ciphertext written in the shipped stack files. */
function ciphertexts(): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === "string" && v.startsWith("v1:")) out.push(v);
    else if (v && typeof v === "object") Object.values(v).forEach(walk);
  };
  for (const s of SHIPPED_STACKS) walk((parseYaml(stackText(s)) as { config: unknown }).config);
  return out;
}

function mermaidBlock(markdown: string): string[] {
  const blocks = [...markdown.matchAll(/```mermaid\n([\s\S]*?)\n```/g)].map((m) => m[1]);
  expect(blocks.length).toBeGreaterThan(0);
  return blocks;
}

/** Node ids and labels declared in a flowchart, and its edges. */
function parseFlowchart(block: string): { nodes: Map<string, string>; edges: [string, string][] } {
  const nodes = new Map<string, string>();
  const edges: [string, string][] = [];
  for (const raw of block.split("\n").slice(1)) {
    const line = raw.trim();
    const edge = /^(\w+) -(?:->|\.->)(?:\|"[^"]*"\|)? (\w+)$/.exec(line);
    if (edge) {
      edges.push([edge[1], edge[2]]);
      continue;
    }
    const node = /^(?:subgraph )?(\w+)\s?[[({]+"([^"]*)"[\])}]+$/.exec(line);
    if (node) nodes.set(node[1], node[2]);
    else expect(line).toBe("end");
  }
  return { nodes, edges };
}

describe("plan of the shipped stacks", () => {
  test("lists the stacks in promotion order", () => {
    expect(listStacks(PROJECT_DIR).slice(0, 3)).toEqual(["dev", "homelab", "prod"]);
  });

  test("json: resources, endpoints and violations as the policy pack reports them", () => {
    for (const stack of SHIPPED_STACKS) {
      const json = JSON.parse(render([planOf(stack)], "json", false)) as JsonPlan;
      expect(json.stack).toBe(stack);
      expect(json.resources.length).toBe(planOf(stack).summary.resources);
      const containers = json.resources.filter((r) => r.type === "docker:index/container:Container");
      expect(containers.length).toBeGreaterThan(3);
      // Every child names an existing parent; every custom docker resource uses an explicit provider.
      const urns = new Set(json.resources.map((r) => r.urn));
      for (const r of json.resources) if (r.parent) expect(urns.has(r.parent)).toBe(true);
      for (const c of containers) expect(c.provider).toMatch(/pulumi:providers:docker::/);
      // The image id only exists after the pull.
      for (const c of containers) expect(c.inputs["image"]).toBe("(known after deploy)");
      for (const v of json.violations) {
        expect(["mandatory", "advisory", "remediate"]).toContain(v.level);
        expect(v.policy).toMatch(/^[a-z0-9-]+$/);
      }
      expect(json.summary.mandatory).toBe(json.violations.filter((v) => v.level === "mandatory").length);
    }
  });

  test("json: secret inputs are shown as [secret]", () => {
    const json = JSON.parse(render([planOf("prod")], "json", false)) as JsonPlan;
    const commander = json.resources.find((r) => r.name === "commander-container")!;
    expect(commander.inputs["envs"]).toContain("[secret]");
    const token = json.resources.find((r) => r.type === "pulumi:providers:cloudflare")!;
    expect(token.inputs["apiToken"]).toBe("[secret]");
  });

  test("endpoints: hostname -> tunnel -> container, and host ports with their interface", () => {
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
    expect(planOf("prod").endpoints.filter((e) => e.kind === "tunnel").map((e) => e.kind === "tunnel" && e.hostname)).toContain("api.miravaz.cloud");
  });

  test("markdown: a mermaid flowchart with a node per routed hostname and service, and the path through the tunnel", () => {
    for (const stack of SHIPPED_STACKS) {
      const plan = planOf(stack);
      const [block] = mermaidBlock(render([plan], "markdown", false));
      expect(block.split("\n")[0]).toBe("flowchart LR");
      const { nodes, edges } = parseFlowchart(block);
      for (const [from, to] of edges) {
        expect(nodes.has(from) || from === "services").toBe(true);
        expect(nodes.has(to)).toBe(true);
      }
      const idOf = (label: string): string => {
        const hit = [...nodes].find(([, l]) => l === label || l.startsWith(`${label} (`));
        if (!hit) throw new Error(`no node labelled ${label} in\n${block}`);
        return hit[0];
      };
      for (const s of plan.model.services) idOf(s.containerName);
      for (const e of plan.endpoints) {
        if (e.kind !== "tunnel") continue;
        const h = idOf(e.hostname);
        expect(edges).toContainEqual(["cloudflare", h]);
        expect(edges).toContainEqual([h, "tunnel"]);
        expect(edges).toContainEqual(["tunnel", idOf(e.container!)]);
      }
      // Services reach their networks, networks their host.
      const host = idOf(`host: ${plan.model.hosts[0].name}`);
      const net = idOf(plan.model.defaultNetwork);
      expect(edges).toContainEqual([net, host]);
      if (plan.topology.endpoints.some((e) => e.kind === "tunnel")) expect(edges).toContainEqual(["internet", "cloudflare"]);
    }
  });

  test("mermaid labels are quoted and node ids are safe", () => {
    const block = mermaidDiagram(planOf("homelab"));
    for (const line of block.split("\n").slice(1)) {
      const t = line.trim();
      // Every label opens with a quote right after its brackets; outside quotes only ids, brackets and arrows remain.
      const bare = t.replace(/"[^"]*"/g, '""');
      for (const m of bare.matchAll(/[[({]+/g)) expect(bare[m.index! + m[0].length]).toBe('"');
      expect(t.replace(/"[^"]*"/g, "")).toMatch(/^(end|subgraph [A-Za-z]\w* \[\]|[A-Za-z]\w*[[({]+[\])}]+|[A-Za-z]\w* -\.?->(\|\|)? [A-Za-z]\w*)$/);
    }
  });

  test("text: resource tree by component, reachability table, policy results by level", () => {
    const text = render([planOf("homelab")], "text", false);
    expect(text).toMatch(/^ {2}├─ commander {2}\(homelab:docker:Service\)$/m);
    expect(text).toMatch(/^ {2}│ {2}├─ commander-container {2}\(docker:index\/container:Container\)$/m);
    expect(text).toMatch(/https:\/\/api\.miravaz\.com\s+tunnel miravaz-home \(public\)\s+commander:8000 on server/);
    expect(text).toMatch(/192\.168\.1\.20:8001\/tcp\s+host port on server \(private\)\s+sentinel:8000/);
    expect(text).toMatch(/^Policies \(homelab-guard /m);
  });

  test("no secure: ciphertext in any format", () => {
    const secrets = ciphertexts();
    expect(secrets.length).toBeGreaterThan(5);
    for (const format of ["text", "markdown", "json"] as const) {
      const out = render(plans, format, true);
      for (const s of secrets) expect(out).not.toContain(s);
      expect(out).not.toMatch(/v1:[A-Za-z0-9+/=]{8,}:/);
      // The engine's wire markers never reach a reader either.
      expect(out).not.toContain("04da6b54-80e4-46f7-96ec-b56ff0331ba9");
      expect(out).not.toContain("1b47061264138c4ac30d75fd1eb44270");
    }
  });
});

describe("planGate", () => {
  test("reports a public port as a mandatory violation and invalid text as config errors", async () => {
    const gate = makePlanGate({ runner });
    const open = editStack("homelab", [[["homelab:services", "sentinel", "ports"], ["0.0.0.0:8080:80"]]]);
    const result = await gate("homelab", open);
    expect(result.configErrors).toEqual([]);
    expect(result.mandatory).toContainEqual(expect.objectContaining({ policy: "no-public-ports", urn: expect.stringContaining("sentinel-container") }));

    const bad = editStack("homelab", [[["homelab:services", "sentinel", "memory"], "lots"]]);
    const invalid = await gate("homelab", bad);
    expect(invalid.mandatory).toEqual([]);
    expect(invalid.configErrors.join("\n")).toMatch(/Pulumi\.homelab\.yaml: homelab:services\.sentinel\.memory/);
  });
});

describe("plan CLI", () => {
  const tsNode = path.join(PROJECT_DIR, "node_modules", ".bin", "ts-node");
  const cli = path.join(PROJECT_DIR, "infra", "cli", "plan.ts");
  const run = (args: string[]) => {
    const r = spawnSync(tsNode, ["--transpile-only", cli, ...args], { cwd: PROJECT_DIR, encoding: "utf8", timeout: 180_000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  /** A project folder with Pulumi.yaml, the program (linked) and the given stack files. */
  const project = (stacks: Record<string, string>): string => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-plan-"));
    fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    fs.symlinkSync(path.join(PROJECT_DIR, "infra"), path.join(dir, "infra"));
    for (const [s, text] of Object.entries(stacks)) fs.writeFileSync(path.join(dir, `Pulumi.${s}.yaml`), text);
    return dir;
  };
  const noStackTrace = (text: string) => expect(text).not.toMatch(/^\s+at /m);

  test("a port on all interfaces is a mandatory violation: exit 1, reported in the JSON file", () => {
    const dir = project({ dev: editStack("dev", [[["homelab:services", "sentinel", "ports"], ["0.0.0.0:8080:80"]]]) });
    const out = path.join(dir, "plan.json");
    const r = run(["--stack", "dev", "--format", "json", "--out", out, "--project-dir", dir]);
    expect(r.code).toBe(1);
    noStackTrace(r.stderr);
    const json = JSON.parse(fs.readFileSync(out, "utf8")) as JsonPlan;
    expect(json.violations).toContainEqual(expect.objectContaining({ policy: "no-public-ports", level: "mandatory", urn: expect.stringContaining("sentinel-container") }));
    expect(json.endpoints).toContainEqual(expect.objectContaining({ kind: "hostPort", interface: "0.0.0.0", scope: "all-interfaces", hostPort: 8080 }));
  });

  test("invalid config: exit 2, every problem with file and key path, no stack trace, no ciphertext", () => {
    const bad = editStack("prod", [
      [["homelab:services", "postgres", "port"], 70000],
      [["homelab:services", "cache", "bogus"], true],
    ]);
    const dir = project({ prod: bad });
    const r = run(["--stack", "prod", "--project-dir", dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Pulumi\.prod\.yaml: homelab:services\.postgres\.port/);
    expect(r.stderr).toMatch(/Pulumi\.prod\.yaml: homelab:services\.cache/);
    noStackTrace(r.stderr);
    for (const s of ciphertexts()) expect(r.stderr + r.stdout).not.toContain(s);
  });

  test("bad arguments and a missing stack: exit 2 with a clear message", () => {
    const format = run(["--stack", "dev", "--format", "xml"]);
    expect(format.code).toBe(2);
    expect(format.stderr).toMatch(/xml/);
    noStackTrace(format.stderr);
    const missing = run(["--stack", "staging"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/Pulumi\.staging\.yaml: no such stack file .*stacks: dev, homelab, prod/);
    noStackTrace(missing.stderr);
  });
});
