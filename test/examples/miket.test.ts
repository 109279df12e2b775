/**
 * examples/miket (seed 004): four machines, each its own Docker host;
 * LiteLLM and Nextcloud on motoko, vLLM on the two GPU workstations; every
 * published port on the machine's Tailscale address (or loopback); public
 * hostnames through the tunnel and Access with Entra ID groups; LiteLLM's
 * .env as a 0600 secret file.
 */
import { parse as parseYaml } from "yaml";
import { container, decryptedSecrets, list, planExample, stackOf, type ExampleRun, type Resource } from "./support";

jest.setTimeout(120_000);

const TAILSCALE: Record<string, string> = {
  motoko: "100.92.23.71",
  armitage: "100.72.64.90",
  wintermute: "100.89.112.14",
  "count-zero": "100.111.7.19",
};

let run: ExampleRun;
beforeAll(async () => {
  run = await planExample("miket");
});
const plan = () => stackOf(run, "homelab");

/** The Docker host a container runs on: its provider's parent Host component. */
function hostOf(r: Resource): string {
  const byUrn = new Map(plan().resources.map((x) => [x.urn, x]));
  const provider = byUrn.get(r.provider ?? "");
  return byUrn.get(provider?.parent ?? "")?.name ?? "?";
}

/** Containers as `host/name`. */
const placed = (): string[] =>
  plan()
    .resources.filter((r) => r.type === "docker:index/container:Container")
    .map((r) => `${hostOf(r)}/${String(r.inputs["name"])}`)
    .sort();

test("plans clean", () => {
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  expect(plan().violations.filter((v) => v.level === "mandatory")).toEqual([]);
});

test("four machines, each its own Docker host reached over ssh", () => {
  const providers = plan().resources.filter((r) => r.type === "pulumi:providers:docker");
  expect(providers.map((p) => String(p.inputs["host"])).sort()).toEqual(
    Object.keys(TAILSCALE).map((h) => `ssh://mdt@${h}.pangolin-vega.ts.net`).sort(),
  );
});

test("LiteLLM and Nextcloud on motoko, vLLM on the GPU workstations, a Netdata agent everywhere", () => {
  expect(placed()).toEqual(
    [
      "motoko/litellm",
      "motoko/nextcloud",
      "motoko/nextcloud-db",
      "motoko/cloudflared",
      "armitage/vllm",
      "wintermute/vllm",
      ...Object.keys(TAILSCALE).map((h) => `${h}/netdata`),
    ].sort(),
  );
  for (const vllm of plan().resources.filter((r) => r.type === "docker:index/container:Container" && r.inputs["name"] === "vllm")) {
    expect(vllm.inputs["gpus"]).toBe("all");
  }
});

test("every published port is on its machine's Tailscale address or loopback, nothing wider", () => {
  const ports = plan().endpoints.filter((e) => e.kind === "hostPort");
  expect(ports.length).toBe(11);
  for (const p of ports) {
    if (p.kind !== "hostPort") continue;
    expect([p.host, p.container, p.interface]).toEqual([p.host, p.container, p.scope === "loopback" ? "127.0.0.1" : TAILSCALE[p.host ?? ""]]);
    expect(["tailscale", "loopback"]).toContain(p.scope);
  }
  const vllm = ports.filter((p) => p.kind === "hostPort" && p.container === "vllm").map((p) => (p.kind === "hostPort" ? `${p.interface}:${p.hostPort}` : ""));
  expect(vllm.sort()).toEqual(["100.72.64.90:8000", "100.89.112.14:8000"]);
});

test("every public hostname goes through the tunnel and Access, which admits the Entra ID groups", () => {
  const tunnel = plan().endpoints.filter((e) => e.kind === "tunnel");
  expect(tunnel.map((e) => (e.kind === "tunnel" ? `${e.hostname}:${e.access}` : "")).sort()).toEqual(["cloud.miket.example:access", "llm.miket.example:access"]);
  const policies = plan().resources.filter((r) => r.type === "cloudflare:index/zeroTrustAccessPolicy:ZeroTrustAccessPolicy");
  expect(policies).toHaveLength(2);
  for (const p of policies) {
    expect(list(p.inputs["includes"]).map((i) => (i["azureAd"] as { id: string }).id)).toEqual([
      "7d3f9a2e-51c4-4b8e-9f60-2a1b3c4d5e6f",
      "2c8e4b1a-9d7f-4e3c-8b2a-6f5e4d3c2b1a",
    ]);
  }
});

test("LiteLLM reads its secrets from a 0600 .env, and its model list points at both vLLM hosts over the tailnet", () => {
  const uploads = list(container(plan(), "litellm").inputs["uploads"]);
  expect(uploads.find((u) => u["file"] === "/app/.env")).toEqual({ file: "/app/.env", content: "[secret]", permissions: "0600" });
  const config = parseYaml(String(uploads.find((u) => u["file"] === "/app/config.yaml")?.["content"])) as { model_list: { litellm_params: { api_base: string } }[] };
  expect(config.model_list.map((m) => m.litellm_params.api_base)).toEqual([
    "http://armitage.pangolin-vega.ts.net:8000/v1",
    "http://wintermute.pangolin-vega.ts.net:8000/v1",
  ]);
  const text = JSON.stringify(run.stacks);
  const secrets = decryptedSecrets("miket", "homelab");
  expect(secrets).toContain("sk-miket-litellm-master");
  for (const s of secrets) expect(text).not.toContain(s);
});
