/**
 * A service's files as Swarm configs and secrets (swarmFiles), built on
 * their own under the mock runtime: names that change with the content,
 * the options that make a replacement safe, and the mounts.
 */
import * as pulumi from "@pulumi/pulumi";
import { swarmFiles, type SwarmFiles } from "../../components/swarmFiles";
import { platformService, type Service } from "../../infra/model";
import type { RecordedResource } from "../../infra/plan/evaluate";
import { CONFIG, managerProvider, named, RANDOM_BYTES, recordComponents, SECRET, secretValue, settled } from "./swarmSupport";

const web = (content: string, over: Partial<Service> = {}): Service =>
  platformService({
    key: "web",
    containerName: "web-app",
    image: "nginx:1.27.3",
    files: [
      { name: "nginx.conf", path: "/etc/nginx/nginx.conf", content, mode: "0644", owner: "101", group: "102" },
      { name: "motd", path: "/etc/motd", content: "x", mode: "0440", owner: undefined, group: undefined },
    ],
    secretFiles: [{ name: "app-env", path: "/etc/app/app.env", mode: "0600", owner: "1000", group: "1001", values: { A: "1", B: "two" } }],
    secretEnvironment: { API_KEY: "k", DB_PASSWORD: "p" },
    ...over,
  });

interface Built {
  readonly owner: pulumi.ComponentResource;
  readonly asFiles: SwarmFiles;
  readonly asEnv: SwarmFiles;
  readonly changed: SwarmFiles;
}

function program(): Built {
  const provider = managerProvider();
  const owner = new pulumi.ComponentResource("test:index:Owner", "owner");
  const other = new pulumi.ComponentResource("test:index:Owner", "other");
  return {
    owner,
    asFiles: swarmFiles({ name: "web", svc: web("events {}\n"), opts: { parent: owner, provider }, secretsAsFiles: true }),
    asEnv: swarmFiles({ name: "envweb", svc: web("events {}\n", { key: "envweb", containerName: "envweb" }), opts: { parent: other, provider }, secretsAsFiles: false }),
    changed: swarmFiles({ name: "next", svc: web("events { worker_connections 64; }\n", { secretFiles: [], secretEnvironment: {} }), opts: { parent: other, provider }, secretsAsFiles: true }),
  };
}

let resources: RecordedResource[];
let built: Built;
beforeAll(async () => {
  ({ resources, result: built } = await recordComponents(program));
});

const LABELS = [{ label: "homelab.service", value: "web" }];

describe("plain files as Swarm configs", () => {
  test("one config per file, named after the service, the file and a hash of its content", () => {
    const config = named(resources, "web-nginx.conf-config");
    expect(config.type).toBe(CONFIG);
    expect(config.inputs).toEqual({ name: "web-app_nginx.conf_b2496c33", dataRaw: "events {}\n", labels: LABELS });
    expect(named(resources, "web-motd-config").inputs).toEqual({ name: "web-app_motd_2d711642", dataRaw: "x", labels: LABELS });
  });

  test("new content is a new name", () => {
    expect(named(resources, "next-nginx.conf-config").inputs.name).toBe("web-app_nginx.conf_ddcf8366");
  });

  test("created before the old one is deleted (the Swarm refuses to delete a mounted config), under the owner, on its provider", async () => {
    const config = named(resources, "web-nginx.conf-config");
    expect(config.options).toEqual({ protect: false, retainOnDelete: false, deleteBeforeReplace: false, ignoreChanges: [], replaceOnChanges: [] });
    expect(config.parent).toBe(await settled(built.owner.urn));
    expect(config.provider?.split("::")[3]).toBe("manager-docker");
  });

  test("mounted at their paths with their modes and numeric owners", async () => {
    expect(await settled(built.asFiles.configMounts)).toEqual([
      { configId: "web-nginx.conf-config-id", configName: "web-app_nginx.conf_b2496c33", fileName: "/etc/nginx/nginx.conf", fileMode: 420, fileUid: "101", fileGid: "102" },
      { configId: "web-motd-config-id", configName: "web-app_motd_2d711642", fileName: "/etc/motd", fileMode: 288, fileUid: undefined, fileGid: undefined },
    ]);
  });
});

describe("secrets as Swarm secrets", () => {
  test("each secret variable a secret named with a random suffix, its data base64 and secret", () => {
    const secret = named(resources, "web-API_KEY-secret");
    expect(secret.type).toBe(SECRET);
    expect(secret.inputs.name).toBe("web-app_API_KEY_0badf00d");
    expect(secretValue(secret.inputs.data)).toBe("aw==");
    expect(secret.inputs.labels).toEqual(LABELS);
    expect(secretValue(named(resources, "web-DB_PASSWORD-secret").inputs.data)).toBe("cA==");
  });

  test("the suffix is 4 random bytes renewed with the data, kept secret in state", async () => {
    const suffix = named(resources, "web-API_KEY-secret-suffix");
    expect(suffix.type).toBe(RANDOM_BYTES);
    expect(suffix.inputs.length).toBe(4);
    expect(secretValue((suffix.inputs.keepers as Record<string, unknown>).data)).toBe("aw==");
    expect(suffix.parent).toBe(await settled(built.owner.urn));
  });

  test("a secret file is the rendered .env as one secret", () => {
    const secret = named(resources, "web-app-env-secretfile");
    expect(secret.inputs.name).toBe("web-app_app-env_0badf00d");
    expect(Buffer.from(String(secretValue(secret.inputs.data)), "base64").toString("utf8")).toBe("A='1'\nB='two'\n");
    expect(named(resources, "web-app-env-secretfile-suffix").inputs.length).toBe(4);
  });

  test("secrets go through the owner's provider, under the owner", async () => {
    const secret = named(resources, "web-API_KEY-secret");
    expect(secret.provider?.split("::")[3]).toBe("manager-docker");
    expect(secret.parent).toBe(await settled(built.owner.urn));
  });

  test("variables mounted under their names, secret files at their paths with mode and owner", async () => {
    expect(await settled(built.asFiles.secretMounts)).toEqual([
      { secretId: "web-API_KEY-secret-id", secretName: "web-app_API_KEY_0badf00d", fileName: "API_KEY" },
      { secretId: "web-DB_PASSWORD-secret-id", secretName: "web-app_DB_PASSWORD_0badf00d", fileName: "DB_PASSWORD" },
      { secretId: "web-app-env-secretfile-id", secretName: "web-app_app-env_0badf00d", fileName: "/etc/app/app.env", fileMode: 384, fileUid: "1000", fileGid: "1001" },
    ]);
  });

  test("with secrets as environment, only the secret files become secrets", async () => {
    expect(resources.filter((r) => r.name.startsWith("envweb-") && r.type === SECRET).map((r) => r.name)).toEqual(["envweb-app-env-secretfile"]);
    expect(Object.keys(built.asEnv.secrets)).toEqual(["app-env"]);
    expect((await settled(built.asEnv.secretMounts)).map((m) => m.fileName)).toEqual(["/etc/app/app.env"]);
  });
});

describe("what the service waits for", () => {
  test("every config and secret, configs first, and the secrets by variable and file name", async () => {
    const urns = await Promise.all(built.asFiles.resources.map((r) => settled(r.urn)));
    const names = urns.map((u) => u.split("::").pop());
    expect(names).toEqual(["web-nginx.conf-config", "web-motd-config", "web-API_KEY-secret", "web-DB_PASSWORD-secret", "web-app-env-secretfile"]);
    expect(Object.keys(built.asFiles.secrets)).toEqual(["API_KEY", "DB_PASSWORD", "app-env"]);
    expect(await settled(built.asFiles.secrets["app-env"].name)).toBe("web-app_app-env_0badf00d");
  });

  test("a service with no secrets waits for its configs alone", () => {
    expect(built.changed.resources).toHaveLength(2);
    expect(built.changed.secretMounts).toEqual([]);
  });
});
