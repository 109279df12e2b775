/**
 * What the program sends, read against the real providers (the provider
 * model): values that come back as sent, healthchecks that reach the
 * container, graceful stops, volumes that survive a rename, and shipped
 * stacks that can start.
 */
import { evaluateStack, loadStack, type Evaluation, type RecordedResource } from "../../infra/plan/evaluate";
import { loadModel } from "../../infra/load";
import { classifyChange, readBack, withProviderDefaults } from "../../infra/providers";
import { CONTAINER, editStack, IMAGE, named, ofType, problemsOf, VOLUME } from "../support/stacks";
import { secureValueAt } from "../plan/secrets";

jest.setTimeout(180_000);

const evaluations = new Map<string, Evaluation>();
beforeAll(async () => {
  for (const stack of ["dev", "homelab", "prod"]) evaluations.set(stack, await evaluateStack({ stack }));
});
const ev = (stack: string): Evaluation => evaluations.get(stack)!;
const container = (stack: string, service: string): RecordedResource => named(ev(stack).resources, `${service}-container`);

describe("values the provider reads back differently (defects 2-4)", () => {
  test("cpus are sent in the provider's read-back form", () => {
    expect(container("prod", "commander").inputs.cpus).toBe("1.0");
    expect(named(ev("prod").resources, "monitoring-prometheus-container").inputs.cpus).toBe("1.0");
    expect(container("prod", "sentinel").inputs.cpus).toBe("0.5");
  });

  test("healthcheck durations are sent as Go prints them", () => {
    expect((container("prod", "worker").inputs.healthcheck as { interval: string }).interval).toBe("1m0s");
    expect((container("prod", "commander").inputs.healthcheck as { timeout: string }).timeout).toBe("5s");
  });

  test("every container with a memory limit sets its swap limit to the same value (no swap)", () => {
    const limited = ofType(ev("prod").resources, CONTAINER).filter((c) => c.inputs.memory !== undefined);
    expect(limited.length).toBeGreaterThan(5);
    for (const c of limited) expect({ name: c.name, memorySwap: c.inputs.memorySwap }).toEqual({ name: c.name, memorySwap: c.inputs.memory });
  });

  test("a changed healthcheck replaces the container instead of sitting in state", () => {
    const before = container("prod", "worker");
    const after = { ...before.inputs, healthcheck: { ...(before.inputs.healthcheck as object), interval: "30s" } };
    const change = classifyChange(CONTAINER, readBack(CONTAINER, withProviderDefaults(CONTAINER, before.inputs)), withProviderDefaults(CONTAINER, after), {
      replaceOnChanges: before.options.replaceOnChanges,
    });
    expect(change).toMatchObject({ action: "replace", replaceReasons: ["healthcheck"] });
  });
});

describe("graceful stops (defect 5)", () => {
  test("every container gets a stop grace period for delete and for the daemon", () => {
    for (const stack of ["dev", "homelab", "prod"]) {
      const containers = ofType(ev(stack).resources, CONTAINER);
      expect(containers.length).toBeGreaterThan(3);
      for (const c of containers) {
        expect(c.inputs.destroyGraceSeconds).toEqual(expect.any(Number));
        expect(c.inputs.destroyGraceSeconds as number).toBeGreaterThanOrEqual(10);
        expect(c.inputs.stopTimeout).toBe(c.inputs.destroyGraceSeconds);
      }
    }
  });

  test("databases get longer than stateless services, by default and as configured", () => {
    expect(container("dev", "postgres").inputs.destroyGraceSeconds).toBe(120);
    expect(container("dev", "commander").inputs.destroyGraceSeconds).toBe(10);
    expect(container("prod", "postgres").inputs).toMatchObject({ destroyGraceSeconds: 120, stopSignal: "SIGINT" });
  });

  test("stopGracePeriod and stopSignal from the stack file reach the container", async () => {
    const text = editStack("dev", [
      [["homelab:services", "commander", "stopGracePeriod"], "45s"],
      [["homelab:services", "commander", "stopSignal"], "SIGQUIT"],
    ]);
    const e = await evaluateStack({ stack: "dev", stackFileText: text });
    expect(named(e.resources, "commander-container").inputs).toMatchObject({ destroyGraceSeconds: 45, stopTimeout: 45, stopSignal: "SIGQUIT" });
  });

  test("a stopSignal that is not a signal is a config error", () => {
    const values = { "homelab:services": { api: { image: "nginx:1.27.0", stopSignal: "TERM" } } };
    expect(problemsOf(() => loadModel({ file: "Pulumi.x.yaml", stack: "x", values, secureLeaves: undefined })).join("\n")).toMatch(/services\.api\.stopSignal/);
  });
});

describe("volumes across a service rename (defect 6)", () => {
  const STACK = ["config:", "  homelab:profile: dev", "  homelab:services:", "    db:", "      image: postgres:16.4", "      volumes: [\"pgdata:/var/lib/postgresql/data\"]", ""].join("\n");

  test("the renamed service's volume settles: no replacement after Docker hands back the existing volume", async () => {
    const before = ofType((await evaluateStack({ stack: "dev", stackFileText: STACK })).resources, VOLUME).find((v) => v.inputs.name === "pgdata")!;
    const after = ofType((await evaluateStack({ stack: "dev", stackFileText: STACK.replace("    db:", "    database:") })).resources, VOLUME).find((v) => v.inputs.name === "pgdata")!;
    expect(after.urn).not.toBe(before.urn);
    expect(after.options.retainOnDelete).toBe(true);
    // Creating "pgdata" again returns the existing volume: the state holds the labels it was first created with.
    const state = { ...readBack(VOLUME, withProviderDefaults(VOLUME, after.inputs)), labels: before.inputs.labels };
    const change = classifyChange(VOLUME, state, withProviderDefaults(VOLUME, after.inputs), { ignoreChanges: after.options.ignoreChanges });
    expect(change.action).toBe("same");
  });
});

describe("Watchtower (defect 7)", () => {
  test("homelab runs the maintained fork, pinned to a release, not the archived containrrr image", () => {
    const images = ofType(ev("homelab").resources, IMAGE).map((r) => r.inputs.name as string);
    expect(images.filter((i) => i.startsWith("containrrr/"))).toEqual([]);
    expect(images.filter((i) => i.startsWith("nickfedor/watchtower:"))).toEqual([expect.stringMatching(/^nickfedor\/watchtower:\d+\.\d+\.\d+$/)]);
  });
});

describe("shipped stacks that can start (defect 8)", () => {
  test.each(["dev", "prod"])("%s: commander's DATABASE_PASSWORD is postgres's POSTGRES_PASSWORD", (stack) => {
    const db = secureValueAt(stack, ["homelab:services", "commander", "secretEnvironment", "DATABASE_PASSWORD"]);
    const pg = secureValueAt(stack, ["homelab:services", "postgres", "secretEnvironment", "POSTGRES_PASSWORD"]);
    expect(db.length).toBeGreaterThan(8);
    expect(db).toBe(pg);
  });

  test.each(["dev", "prod"])("%s: the Dragonfly cache runs no more threads than its memory holds (256 MiB each)", (stack) => {
    const cache = container(stack, "cache");
    const threads = ((cache.inputs.command as string[] | undefined) ?? []).map((a) => /^--proactor_threads=(\d+)$/.exec(a)).find((m) => m);
    expect(threads).toBeDefined();
    expect(Number(threads![1]) * 256).toBeLessThanOrEqual(cache.inputs.memory as number);
  });

  test("a container limit above its host's declared cpus or memory is a config error", () => {
    const text = editStack("prod", [
      [["homelab:hosts", "vps", "cpus"], 0.75],
      [["homelab:hosts", "vps", "memory"], "1g"],
    ]);
    const problems = problemsOf(() => loadStack({ stack: "prod", stackFileText: text }));
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/services\.commander\.cpus.*host "vps"/),
        expect.stringMatching(/services\.postgres\.memory.*host "vps"/),
      ]),
    );
    expect(problems.join("\n")).not.toMatch(/services\.sentinel\.cpus/);
  });

  test("a host memory that is not a size is a config error", () => {
    const text = editStack("prod", [[["homelab:hosts", "vps", "memory"], "lots"]]);
    expect(problemsOf(() => loadStack({ stack: "prod", stackFileText: text })).join("\n")).toMatch(/hosts\.vps\.memory/);
  });

  test("prod declares its host's size, and every service's limits fit it", () => {
    const { model } = ev("prod");
    const vps = model.hosts.find((h) => h.name === "vps")!;
    expect(vps).toMatchObject({ cpus: 2, memoryMb: 4096 });
    const limited = model.services.filter((s) => s.cpus !== undefined);
    expect(limited.length).toBeGreaterThan(3);
    for (const s of limited) expect(s.cpus!).toBeLessThanOrEqual(vps.cpus!);
  });
});
