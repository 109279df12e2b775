/**
 * The provider model's mechanics: defaults at nested paths, read-back
 * normalisation, and replace-versus-update, on literal Docker inputs.
 */
import { behaviourOf, classifyChange, readBack, withProviderDefaults } from "../../infra/providers";

const CONTAINER = "docker:index/container:Container";
const SECRET = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "A=b" };

describe("withProviderDefaults (the bridge's Check)", () => {
  test("fills a container's non-falsy schema defaults and keeps what the program set", () => {
    const checked = withProviderDefaults(CONTAINER, { name: "api", image: "x", restart: "always" });
    expect(checked).toMatchObject({ name: "api", networkMode: "bridge", mustRun: true, start: true, waitTimeout: 60, restart: "always" });
    // Falsy defaults are dropped by the bridge.
    expect(checked).not.toHaveProperty("rm");
    expect(checked).not.toHaveProperty("readOnly");
  });

  test("fills nested defaults only where the parent is present", () => {
    const withHc = withProviderDefaults(CONTAINER, { healthcheck: { tests: ["CMD", "true"], interval: "30s" }, ports: [{ internal: 80 }, { internal: 53, protocol: "udp" }] });
    expect(withHc.healthcheck).toEqual({ tests: ["CMD", "true"], interval: "30s", timeout: "0s", startPeriod: "0s", startInterval: "0s" });
    expect(withHc.ports).toEqual([{ internal: 80, ip: "0.0.0.0", protocol: "tcp" }, { internal: 53, ip: "0.0.0.0", protocol: "udp" }]);
    expect(withProviderDefaults(CONTAINER, { name: "x" })).not.toHaveProperty("healthcheck");
  });

  test("leaves secrets opaque and does not change its argument", () => {
    const inputs = { envs: [SECRET], healthcheck: { tests: ["CMD", "true"] } };
    const checked = withProviderDefaults(CONTAINER, inputs);
    expect(checked.envs).toEqual([SECRET]);
    expect(inputs.healthcheck).toEqual({ tests: ["CMD", "true"] });
  });

  test("networks get the IPAM driver default", () => {
    expect(withProviderDefaults("docker:index/network:Network", { name: "n" })).toEqual({ name: "n", ipamDriver: "default" });
  });
});

describe("readBack (the provider's Read)", () => {
  test("normalises cpus and healthcheck durations", () => {
    const back = readBack(CONTAINER, { cpus: "1", healthcheck: { tests: ["CMD", "true"], interval: "60s", timeout: "5s" } });
    expect(back).toEqual({ cpus: "1.0", healthcheck: { tests: ["CMD", "true"], interval: "1m0s", timeout: "5s" } });
  });

  test("stores an empty port address as 0.0.0.0", () => {
    expect(readBack(CONTAINER, { ports: [{ internal: 80, ip: "" }, { internal: 81, ip: "127.0.0.1" }] }).ports).toEqual([
      { internal: 80, ip: "0.0.0.0" },
      { internal: 81, ip: "127.0.0.1" },
    ]);
  });

  test("records twice the memory as swap when no memorySwap was sent", () => {
    expect(readBack(CONTAINER, { memory: 512 })).toEqual({ memory: 512, memorySwap: 1024 });
    expect(readBack(CONTAINER, { memory: 512, memorySwap: 512 })).toEqual({ memory: 512, memorySwap: 512 });
    expect(readBack(CONTAINER, { name: "x" })).toEqual({ name: "x" });
  });
});

describe("classifyChange (the provider's Diff)", () => {
  test("cpus and image replace, memory updates in place", () => {
    expect(classifyChange(CONTAINER, { cpus: "1" }, { cpus: "1.0" }).action).toBe("replace");
    expect(classifyChange(CONTAINER, { memory: 512 }, { memory: 1024 })).toMatchObject({ action: "update", ignored: [] });
  });

  test("a healthcheck change never reaches the container unless the program asks for a replacement", () => {
    const before = { healthcheck: { tests: ["CMD", "true"], interval: "30s" } };
    const after = { healthcheck: { tests: ["CMD", "true"], interval: "1m0s" } };
    expect(classifyChange(CONTAINER, before, after)).toMatchObject({ action: "update", ignored: ["healthcheck"] });
    expect(classifyChange(CONTAINER, before, after, { replaceOnChanges: ["healthcheck"] })).toMatchObject({ action: "replace", replaceReasons: ["healthcheck"] });
  });

  test("ignoreChanges hides a difference", () => {
    const V = "docker:index/volume:Volume";
    expect(classifyChange(V, { labels: [{ label: "a", value: "1" }] }, { labels: [] }).action).toBe("replace");
    expect(classifyChange(V, { labels: [{ label: "a", value: "1" }] }, { labels: [] }, { ignoreChanges: ["labels"] }).action).toBe("same");
  });

  test("a Swarm config is immutable: new content replaces it, and nothing updates in place", () => {
    const C = "docker:index/serviceConfig:ServiceConfig";
    expect(classifyChange(C, { name: "web_conf_1", dataRaw: "a" }, { name: "web_conf_2", dataRaw: "b" })).toMatchObject({ action: "replace", replaceReasons: ["dataRaw", "name"] });
    expect(classifyChange(C, { name: "web_conf_1", labels: [] }, { name: "web_conf_1", labels: [{ label: "a", value: "1" }] }).action).toBe("replace");
  });

  test("a Swarm service's tmpfs mode reads back as its permission bits only, so a sticky /tmp would never read back as sent", () => {
    const S = "docker:index/service:Service";
    const mount = (mode: number) => ({ taskSpec: { containerSpec: { image: "x", mounts: [{ type: "tmpfs", target: "/run", readOnly: false, tmpfsOptions: { sizeBytes: 8388608, mode } }] } } });
    expect(readBack(S, mount(0o755))).toEqual(mount(0o755));
    expect(readBack(S, mount(0o1777))).toEqual(mount(0o777));
  });

  test("every modelled entry names its sources", () => {
    for (const t of [CONTAINER, "docker:index/volume:Volume", "docker:index/serviceConfig:ServiceConfig", "cloudflare:index/dnsRecord:DnsRecord", "github:index/actionsSecret:ActionsSecret"]) {
      expect(behaviourOf(t)?.sources.length).toBeGreaterThan(0);
    }
  });
});
