/**
 * The diff against a base on copies of the shipped stacks: each side planned
 * by the real program and policy pack, then compared. Each kind of change
 * gets the action and reasons the provider's own source gives it.
 */
import { jsonPlan, planStacks, PolicyRunner } from "../../../infra/plan";
import { diffStack, parsePlanSides, type ResourceChange, type StackDiff } from "../../../infra/plan/diff";
import { renderDiff } from "../../../infra/plan/diff/render";
import { editStack, stackText } from "../../support/stacks";
import { allShippedSecrets } from "../secrets";

jest.mock("../../../infra/providers/behaviours", () => (require("./behaviours") as typeof import("./behaviours")).providerFacts());

jest.setTimeout(240_000);

let runner: PolicyRunner;
beforeAll(() => {
  runner = new PolicyRunner();
});
afterAll(async () => {
  await runner?.close();
});

async function side(stack: string, text: string) {
  const [plan] = await planStacks({ stacks: [stack], stackFileTexts: { [stack]: text }, runner });
  return jsonPlan(plan);
}

async function diff(stack: string, baseText: string, headText: string): Promise<StackDiff> {
  const [base, head] = [await side(stack, baseText), await side(stack, headText)];
  return diffStack(base, head, { base: "test-base" });
}

const change = (d: StackDiff, name: string): ResourceChange => {
  const c = d.changes.find((x) => x.name === name);
  if (!c) throw new Error(`no change to ${name}; changes: ${d.changes.map((x) => `${x.action} ${x.name}`).join(", ")}`);
  return c;
};
const actions = (d: StackDiff): string[] => d.changes.map((c) => `${c.action} ${c.name}`).sort();

test("no change against the base: no changes, every resource unchanged", async () => {
  const base = await side("homelab", stackText("homelab"));
  const d = diffStack(base, await side("homelab", stackText("homelab")), { base: "test-base" });
  expect(d.changes).toEqual([]);
  expect(d.exposure).toEqual([]);
  expect(d.downtime).toEqual([]);
  expect(d.data).toEqual([]);
  expect(d.summary).toMatchObject({ create: 0, update: 0, replace: 0, delete: 0, same: base.resources.length });
});

test("a new image tag replaces the image and, through its ID, the container; dependents are named", async () => {
  const d = await diff("dev", stackText("dev"), editStack("dev", [[["homelab:services", "postgres", "image"], "postgres:16.6"]]));
  expect(actions(d)).toEqual(["replace postgres-container", "replace postgres-image"]);
  expect(change(d, "postgres-image").reasons).toEqual(["name"]);
  expect(change(d, "postgres-image").diff).toEqual([{ path: "name", old: "postgres:16.4", new: "postgres:16.6" }]);
  const container = change(d, "postgres-container");
  expect(container.reasons).toEqual(["image"]);
  expect(container.diff).toEqual([
    { path: "image", old: "(known after deploy)", new: "(known after deploy)", note: "known after deploy: postgres-image is replaced", from: { name: "postgres-image", deleteBeforeReplace: false } },
  ]);
  expect(d.downtime).toHaveLength(1);
  expect(d.downtime[0]).toMatchObject({ order: 1, container: "postgres", host: "laptop", action: "replace", deleteBeforeReplace: true, dependents: ["commander"] });
  expect(d.downtime[0].text).toMatch(/^postgres on laptop is replaced \(image\): the old container is stopped and removed first \(deleteBeforeReplace\)/);
  expect(d.data).toEqual([]);
});

test("a memory limit updates the container in place: no downtime", async () => {
  const d = await diff("dev", stackText("dev"), editStack("dev", [[["homelab:services", "cache", "memory"], "768m"]]));
  expect(actions(d)).toEqual(["update cache-container"]);
  // Swap follows memory (swap off: memorySwap equals memory), both updated in place.
  expect(change(d, "cache-container")).toMatchObject({ reasons: ["memory", "memorySwap"], diff: [{ path: "memory", old: 512, new: 768 }, { path: "memorySwap", old: 512, new: 768 }] });
  expect(d.downtime).toEqual([]);
});

test("an environment variable replaces the container, shown by its name", async () => {
  const d = await diff("dev", stackText("dev"), editStack("dev", [[["homelab:services", "commander", "environment", "LOG_LEVEL"], "info"]]));
  expect(actions(d)).toEqual(["replace commander-container"]);
  const c = change(d, "commander-container");
  expect(c.reasons).toEqual(["envs"]);
  expect(c.diff).toEqual([{ path: "envs[LOG_LEVEL]", old: "LOG_LEVEL=debug", new: "LOG_LEVEL=info" }]);
  // The secret entry is compared as "[secret]" and never printed otherwise.
  expect(JSON.stringify(d)).not.toMatch(/DATABASE_PASSWORD=/);
});

test("a generated config file changes as a unified diff of its lines", async () => {
  const d = await diff("dev", stackText("dev"), editStack("dev", [[["homelab:services", "sentinel", "metrics"], false]]));
  const prometheus = change(d, "monitoring-prometheus-container");
  expect(prometheus.action).toBe("replace");
  expect(prometheus.reasons).toEqual(["uploads"]);
  const file = prometheus.diff.find((p) => p.path.startsWith("uploads[file=") && p.path.endsWith("].content"));
  expect(file?.path).toMatch(/prometheus\.yml\]\.content$/);
  expect(file?.lines?.[0]).toMatch(/^@@ -\d+,\d+ \+\d+,\d+ @@$/);
  expect(file?.lines?.some((l) => l.startsWith("-") && l.includes("sentinel"))).toBe(true);
  expect(file?.lines?.some((l) => l.startsWith("+"))).toBe(false);
});

test("a renamed service: delete and create, and the data line says the same volume is found again", async () => {
  const renamed = editStack("dev", [
    [["homelab:services", "postgres"], undefined],
    [["homelab:services", "database"], (await import("yaml")).parse(stackText("dev")).config["homelab:services"].postgres],
    [["homelab:services", "commander", "dependsOn"], ["database", "cache"]],
  ]);
  const d = await diff("dev", stackText("dev"), renamed);
  expect(change(d, "postgres-pgdata-dev-volume").action).toBe("delete");
  expect(change(d, "database-pgdata-dev-volume").action).toBe("create");
  const renames = d.data.filter((x) => x.kind === "volume-renamed");
  expect(renames).toHaveLength(1);
  expect(renames[0]).toMatchObject({ volume: "pgdata-dev", host: "laptop", dataKept: true });
  expect(renames[0].text).toBe(
    "renamed: postgres-pgdata-dev-volume -> database-pgdata-dev-volume names the same Docker volume pgdata-dev on laptop, so the new resource finds the same data (retainOnDelete keeps it through the old one's delete).",
  );
  expect(d.downtime.find((x) => x.container === "postgres")).toMatchObject({ action: "delete" });
});

test("a volume dropped from a service: retained on the host, and no longer mounted", async () => {
  const d = await diff("dev", stackText("dev"), editStack("dev", [[["homelab:services", "postgres", "volumes"], []]]));
  expect(change(d, "postgres-pgdata-dev-volume").action).toBe("delete");
  expect(change(d, "postgres-container").reasons).toEqual(["volumes"]);
  expect(d.data.map((x) => [x.kind, x.volume, x.dataKept])).toEqual([
    ["volume-deleted", "pgdata-dev", true],
    ["unmounted", "pgdata-dev", true],
  ]);
  expect(d.data[0].text).toMatch(/the data stays in the Docker volume pgdata-dev \(retainOnDelete\)/);
  expect(d.data[1].text).toBe("postgres on laptop stops mounting volume pgdata-dev (was at /var/lib/postgresql/data); the data stays where it is, but the service no longer sees it.");
});

test("a hostname made public and a port moved off loopback head the exposure section", async () => {
  const base = editStack("homelab", [[["homelab:services", "commander", "ports"], ["127.0.0.1:8000:8000"]]]);
  const head = editStack("homelab", [
    [["homelab:services", "commander", "ports"], ["192.168.1.20:8000:8000"]],
    [["homelab:services", "sentinel", "ingress", "public"], true],
    [["homelab:services", "commander", "memory"], "768m"],
  ]);
  const d = await diff("homelab", base, head);
  const top = d.exposure.slice(0, 2);
  expect(top.map((e) => [e.kind, e.change, e.severity])).toEqual([
    ["hostname", "loses-access", "high"],
    ["hostPort", "moved-off-loopback", "high"],
  ]);
  expect(top[0].subject).toBe("https://sentinel.miravaz.com");
  expect(top[1].text).toBe("host port 192.168.1.20:8000/tcp -> commander:8000 on server: moves off loopback: was 127.0.0.1:8000/tcp, now listens on private");
  expect(d.exposure.slice(2).every((e) => e.severity !== "high")).toBe(true);
});

test("a tunnel route added and removed, and a policy finding fixed", async () => {
  const base = editStack("homelab", [[["homelab:services", "sentinel", "ports"], ["0.0.0.0:8001:8000"]]]);
  const head = editStack("homelab", [
    [["homelab:services", "sentinel", "ingress"], undefined],
    [["homelab:services", "commander", "ingress", "hostname"], "app.miravaz.com"],
  ]);
  const d = await diff("homelab", base, head);
  const by = (change: string) => d.exposure.filter((e) => e.change === change).map((e) => e.subject);
  expect(by("added")).toEqual(["https://app.miravaz.com"]);
  expect(by("removed").sort()).toEqual(["https://api.miravaz.com", "https://sentinel.miravaz.com"]);
  expect(d.exposure.find((e) => e.subject === "https://app.miravaz.com")?.severity).toBe("high");
  expect(d.exposure.some((e) => e.kind === "policy" && e.change === "fixed")).toBe(true);
});

test("a network replaced before its replacement exists replaces every container on it, the network first", async () => {
  const d = await diff("dev", stackText("dev"), editStack("dev", [[["homelab:networks", "backend", "internal"], false]]));
  expect(change(d, "laptop-backend-network")).toMatchObject({ action: "replace", reasons: ["internal"] });
  const onBackend = ["cache", "commander", "postgres", "worker"];
  expect(d.downtime.map((x) => x.container).sort()).toEqual(onBackend);
  for (const name of onBackend) {
    const c = change(d, `${name}-container`);
    expect(c.reasons).toEqual(["networksAdvanced"]);
    expect(c.diff).toEqual([expect.objectContaining({ path: "networksAdvanced", note: "known after deploy: laptop-backend-network is replaced first (deleteBeforeReplace)" })]);
  }
  for (const x of d.downtime) {
    expect(x.downBefore).toEqual(["laptop-backend-network"]);
    expect(x.text).toContain("it goes down before laptop-backend-network is replaced and comes back after");
  }
  // sentinel is not on backend and keeps running.
  expect(d.changes.some((c) => c.name === "sentinel-container")).toBe(false);
  // postgres and cache come back before commander and worker, which depend on them.
  const order = d.downtime.map((x) => x.container);
  expect(order.indexOf("postgres")).toBeLessThan(order.indexOf("commander"));
  expect(order.indexOf("cache")).toBeLessThan(order.indexOf("worker"));
});

test("no secret, as ciphertext or plaintext, reaches any format of a diff touching secret-carrying resources", async () => {
  const base = stackText("homelab");
  const head = editStack("homelab", [
    [["homelab:monitoring", "grafanaHostname"], "dashboards.miravaz.com"],
    [["homelab:github", "secretName"], "GHCR_TOKEN"],
    [["homelab:services", "commander", "environment"], { LOG_LEVEL: "info" }],
  ]);
  const d = await diff("homelab", base, head);
  expect(d.changes.length).toBeGreaterThan(3);
  const { ciphertexts, plaintexts } = allShippedSecrets();
  expect(plaintexts.length).toBeGreaterThan(3);
  for (const format of ["text", "markdown", "json"] as const) {
    const out = renderDiff([d], format, false);
    for (const secret of [...ciphertexts, ...plaintexts]) expect(out.includes(secret)).toBe(false);
  }
});

test("a base plan saved before options were recorded: the data line says what it cannot know", async () => {
  const saved = JSON.parse(JSON.stringify(await side("dev", stackText("dev")))) as { resources: Record<string, unknown>[] };
  for (const r of saved.resources) {
    delete r.options;
    delete r.propertyDependencies;
  }
  const [base] = parsePlanSides(saved);
  const d = diffStack(base, await side("dev", editStack("dev", [[["homelab:services", "postgres", "volumes"], []]])), { base: "old.json" });
  const deleted = d.data.find((x) => x.kind === "volume-deleted");
  expect(deleted).toMatchObject({ volume: "pgdata-dev", dataKept: undefined });
  expect(deleted?.text).toBe("volume pgdata-dev on laptop is deleted; the base plan does not record retainOnDelete, so whether its data stays is unknown.");
});
