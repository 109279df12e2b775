/**
 * Compose syntax the fixtures cannot carry through docker-compose 1.29 (long
 * ports with host_ip) or that needs a stack able to route hostnames, plus the
 * interpolation and env-file grammar on their own.
 */
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { importCompose } from "../../infra/import";
import { parseEnvText } from "../../infra/import/envfile";
import { interpolate } from "../../infra/import/interpolate";
import { mergeFiles } from "../../infra/import/merge";
import { loadStack } from "../../infra/plan/evaluate";
import { ENV, removeScratch, scratchProject } from "./support";

afterAll(removeScratch);

function importText(text: string, stack: string, copyStack?: string) {
  const dir = scratchProject(copyStack);
  const file = path.join(dir, "docker-compose.yml");
  fs.writeFileSync(file, text);
  const result = importCompose({ files: [file], stack, projectDir: dir, env: ENV });
  const config = (parseYaml(result.text) as { config: Record<string, Record<string, Record<string, unknown>>> }).config;
  return { ...result, dir, services: config["homelab:services"] };
}

describe("interpolation", () => {
  const env = { SET: "value", EMPTY: "" };
  it.each([
    ["${SET}", "value"],
    ["$SET/x", "value/x"],
    ["${UNSET:-fallback}", "fallback"],
    ["${EMPTY:-fallback}", "fallback"],
    ["${EMPTY-fallback}", ""],
    ["${UNSET-fallback}", "fallback"],
    ["${SET:+alt}", "alt"],
    ["${UNSET:+alt}", ""],
    ["${UNSET:-${SET}}", "value"],
    ["$$SET costs $$5", "$SET costs $5"],
  ])("%s -> %s", (text, expected) => {
    expect(interpolate(text, env)).toEqual({ value: expected, unset: [], errors: [] });
  });

  it("reports unset variables and failed requirements", () => {
    expect(interpolate("a${NOPE}b", env)).toEqual({ value: "ab", unset: ["NOPE"], errors: [] });
    expect(interpolate("${EMPTY:?must be set}", env).errors).toEqual(["required variable EMPTY: must be set"]);
    expect(interpolate("${EMPTY?must be set}", env).errors).toEqual([]);
  });
});

describe("env files", () => {
  it("reads KEY=VALUE lines, export, quotes and comments; names a bad line without quoting it", () => {
    const { values, problems } = parseEnvText("# c\nexport A=1\nB='two words'\nC=\"x\\ny\"\nD=plain # note\nE\nthis is not secret=value\n", "/x/app.env");
    expect(values).toEqual({ A: "1", B: "two words", C: "x\ny", D: "plain", E: undefined });
    expect(problems).toEqual([{ file: "app.env", path: "", message: "line 7: not KEY=VALUE" }]);
  });
});

describe("merging", () => {
  it("merges environment across list and map syntax, volumes by target, ports appended", () => {
    const merged = mergeFiles([
      { services: { a: { image: "x:1", environment: ["A=1", "B=2"], volumes: ["d:/data", "/h:/logs"], ports: ["80:80"], command: ["a", "b"] } } },
      { services: { a: { environment: { B: "3" }, volumes: ["e:/data"], ports: ["81:81"], command: "c" } } },
    ]);
    expect(merged.services).toEqual({ a: { image: "x:1", environment: { A: "1", B: "3" }, volumes: ["e:/data", "/h:/logs"], ports: ["80:80", "81:81"], command: "c" } });
  });
});

describe("service syntax", () => {
  it("keeps a long port's host_ip, binds a 0.0.0.0 one to loopback, and maps restart and stop keys", () => {
    const { services, report } = importText(
      "services:\n  web:\n    image: nginx:1.27\n    ports:\n      - {target: 80, published: 8080, host_ip: 192.168.1.20}\n      - {target: 443, published: 8443, host_ip: 0.0.0.0, protocol: tcp}\n    restart: on-failure:3\n    healthcheck:\n      test: [\"NONE\"]\n",
      "dev",
    );
    expect(services.web.ports).toEqual([{ target: 80, published: 8080, host_ip: "192.168.1.20", protocol: "tcp" }, { target: 443, published: 8443, host_ip: "127.0.0.1", protocol: "tcp" }]);
    expect(services.web.restart).toBe("on-failure");
    expect(services.web.healthcheck).toBeUndefined();
    const keys = report.services[0].keys.map((k) => `${k.key} ${k.status}`);
    expect(keys).toEqual(["image mapped", "ports[0] mapped", "ports[1] changed", "restart changed", "healthcheck changed"]);
  });

  it("turns a Traefik Host rule into ingress where the stack routes hostnames, and the result loads", () => {
    const compose = [
      "services:",
      "  wiki:",
      "    image: ghcr.io/example/wiki:1.0.0",
      "    expose: [\"3000\"]",
      "    labels:",
      "      traefik.enable: \"true\"",
      "      traefik.http.routers.wiki.rule: Host(`wiki.miravaz.com`)",
      "  shop:",
      "    image: ghcr.io/example/shop:1.0.0",
      "    labels:",
      "      traefik.http.routers.shop.rule: Host(`shop.example.org`)",
      "      traefik.http.services.shop.loadbalancer.server.port: \"8080\"",
      "",
    ].join("\n");
    const { services, report, dir } = importText(compose, "homelab", "homelab");
    expect(services.wiki).toMatchObject({ ingress: { hostname: "wiki.miravaz.com" }, port: 3000, expose: [3000] });
    expect(services.wiki.networks).toContain("miravaz-net");
    expect(services.shop.ingress).toBeUndefined();
    const shop = report.services.find((s) => s.name === "shop")?.keys.find((k) => k.key === "labels.traefik.http.routers.shop.rule");
    expect(shop).toEqual({ key: "labels.traefik.http.routers.shop.rule", status: "refused", note: "shop.example.org is not inside the zone miravaz.com" });
    expect(loadStack({ stack: "homelab", projectDir: dir }).model.services.find((s) => s.key === "wiki")?.ingress).toEqual({ hostname: "wiki.miravaz.com", aliases: [], port: 3000, public: false, scheme: "http" });
  });
});

describe("ports and hosts of an existing stack", () => {
  it("reports the right compose port when an earlier one was refused and a later one clashes", () => {
    const compose = "services:\n  web:\n    image: nginx:1.27\n    ports: ['9000-9001:9000-9001', '8000:80', '8002:81']\n";
    const { services, report } = importText(compose, "dev", "dev");
    expect(services.web.ports).toEqual(["127.0.0.1:8002:81"]);
    expect(report.services[0].keys.filter((k) => k.key.startsWith("ports")).map((k) => [k.key, k.status])).toEqual([
      ["ports[0]", "refused"],
      ["ports[1]", "refused"],
      ["ports[2]", "changed"],
    ]);
    expect(report.services[0].keys.find((k) => k.key === "ports[1]")?.note).toBe('host port already bound by service "commander" in this stack: pick another port');
  });

  it("flags a relative bind mount when the stack's first host is a remote engine", () => {
    const dir = scratchProject();
    fs.writeFileSync(path.join(dir, "Pulumi.remote.yaml"), "config:\n  homelab:hosts:\n    server:\n      docker: ssh://deploy@server\n");
    fs.mkdirSync(path.join(dir, "app"));
    fs.writeFileSync(path.join(dir, "app", "docker-compose.yml"), "services:\n  web:\n    image: nginx:1.27\n    volumes: ['./html:/usr/share/nginx/html:ro']\n");
    const { report, text } = importCompose({ files: [path.join(dir, "app", "docker-compose.yml")], stack: "remote", projectDir: dir, env: ENV });
    expect(report.services[0].keys.find((k) => k.key === "volumes[0]")).toEqual({
      key: "volumes[0]",
      status: "changed",
      note: `relative path resolved against ${path.join(dir, "app")}; the stack's host is remote: this path must exist there`,
    });
    expect(text).toContain(`- ${path.join(dir, "app", "html")}:/usr/share/nginx/html:ro`);
  });
});

describe("secrets interpolated outside secret-looking variables", () => {
  it("never writes them in plain text: the variable becomes secret, other keys are left out", () => {
    const dir = scratchProject();
    fs.writeFileSync(path.join(dir, ".env"), "DB_PASSWORD=s3cr3t-value\n");
    fs.writeFileSync(
      path.join(dir, "docker-compose.yml"),
      [
        "services:",
        "  web:",
        "    image: nginx:1.27",
        "    command: [\"serve\", \"--db-password\", \"${DB_PASSWORD}\"]",
        "    environment:",
        "      CONN: host=db password=${DB_PASSWORD}",
        "      MODE: fast",
        "    labels:",
        "      backup.target: s3://key:hidden@bucket/path",
        "",
      ].join("\n"),
    );
    const { report, text } = importCompose({ files: [path.join(dir, "docker-compose.yml")], stack: "dev", projectDir: dir, env: ENV });
    expect(text).not.toContain("s3cr3t-value");
    expect(text).not.toContain("hidden");
    expect(JSON.stringify(report)).not.toMatch(/s3cr3t-value|hidden/);
    expect(report.secrets.paths).toEqual(["homelab:services.web.secretEnvironment.CONN"]);
    const keys = report.services[0].keys;
    expect(keys.find((k) => k.key === "command" && k.status === "refused")?.note).toBe("holds the value of DB_PASSWORD, a secret: not written in plain text; pass it to the container through secretEnvironment and read it from there");
    expect(keys.find((k) => k.key === "labels" && k.status === "refused")?.note).toContain("a URL with credentials");
    const a = (parseYaml(text) as { config: Record<string, Record<string, Record<string, unknown>>> }).config["homelab:services"].web;
    expect(a.environment).toEqual({ MODE: "fast" });
    expect(a.command).toBeUndefined();
  });
});
