/**
 * The Swarm form of a service's files: each plain file a Swarm config, each
 * secret file (and, with `secretsAs: files`, each secret variable) a Swarm
 * secret, mounted into every task. Configs and secrets are immutable, so a
 * changed file is a new object under a new name (infra/swarm/objects.ts):
 * Pulumi creates it, updates the service to mount it, then deletes the old
 * one, which the Swarm refuses to delete while a service still uses it.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { Service } from "../infra/model";
import { contentSuffix, fileMode, objectName, SUFFIX_HEX } from "../infra/swarm/objects";
import { renderEnvFile } from "./homelabService";

type ConfigMount = docker.types.input.ServiceTaskSpecContainerSpecConfig;
type SecretMount = docker.types.input.ServiceTaskSpecContainerSpecSecret;

export interface SwarmFiles {
  /** Configs and secrets the service must be created after. */
  readonly resources: readonly pulumi.Resource[];
  /** Swarm secrets by variable name (`secretsAs: files`) and by secret file name. */
  readonly secrets: Readonly<Record<string, docker.Secret>>;
  readonly configMounts: readonly ConfigMount[];
  readonly secretMounts: readonly SecretMount[];
}

export interface SwarmFilesScope {
  /** The component's name: children are named from it. */
  readonly name: string;
  readonly svc: Service;
  /** Children's options: the component as parent, the manager's provider. */
  readonly opts: pulumi.CustomResourceOptions;
  /** Deliver secretEnvironment as Swarm secrets under /run/secrets. */
  readonly secretsAsFiles: boolean;
}

const labels = (key: string) => [{ label: "homelab.service", value: key }];

/** Owner and group as the numeric ids a file reference takes; validation refused names. */
const ownership = (f: { owner: string | undefined; group: string | undefined }) => ({ fileUid: f.owner, fileGid: f.group });

/** One Swarm config per plain file, named after its content. */
function configs(scope: SwarmFilesScope): { configs: docker.ServiceConfig[]; mounts: ConfigMount[] } {
  const { name, svc, opts } = scope;
  const made = svc.files.map((f) => {
    const config = swarmConfig(`${name}-${f.name}-config`, svc.key, objectName(svc.containerName, f.name, contentSuffix(f.content)), f.content, opts);
    const mount: ConfigMount = { configId: config.id, configName: config.name, fileName: f.path, fileMode: fileMode(f.mode), ...ownership(f) };
    return { config, mount };
  });
  return { configs: made.map((m) => m.config), mounts: made.map((m) => m.mount) };
}

/**
 * A Swarm secret under a random suffix renewed with its data (the random
 * resource keeps the data as a secret in state): new data, new name.
 */
export function swarmSecret(resourceName: string, owner: { key: string; containerName: string }, item: string, text: pulumi.Input<string>, opts: pulumi.CustomResourceOptions): docker.Secret {
  // "utf8" is also what Node reads for an empty or missing encoding; it is named for the reader.
  const data = pulumi.secret(pulumi.output(text).apply((t) => Buffer.from(t, "utf8").toString("base64")));
  const suffix = new random.RandomBytes(`${resourceName}-suffix`, { length: SUFFIX_HEX / 2, keepers: { data } }, { parent: opts.parent });
  return new docker.Secret(resourceName, { name: pulumi.interpolate`${objectName(owner.containerName, item, "")}${suffix.hex}`, data, labels: labels(owner.key) }, opts);
}

/**
 * A Swarm config under `name`, which must change with the content (a content
 * hash): every input is ForceNew, so new content is a new config, created
 * before the service moves to it (no deleteBeforeReplace: the Swarm refuses
 * to delete a config a service still mounts).
 */
export function swarmConfig(resourceName: string, key: string, name: pulumi.Input<string>, text: pulumi.Input<string>, opts: pulumi.CustomResourceOptions): docker.ServiceConfig {
  // data_raw: the plan's diff shows the file's text rather than base64; it reads back as sent.
  return new docker.ServiceConfig(resourceName, { name, dataRaw: text, labels: labels(key) }, { ...opts, deleteBeforeReplace: false });
}

/** With `secretsAs: files`, one secret per variable, its file named after the variable under /run/secrets. */
function variableSecrets(scope: SwarmFilesScope): { secrets: Record<string, docker.Secret>; mounts: SecretMount[] } {
  if (!scope.secretsAsFiles) return { secrets: {}, mounts: [] };
  const secrets: Record<string, docker.Secret> = {};
  const mounts: SecretMount[] = [];
  for (const [k, v] of Object.entries(scope.svc.secretEnvironment)) {
    secrets[k] = swarmSecret(`${scope.name}-${k}-secret`, scope.svc, k, v, scope.opts);
    mounts.push({ secretId: secrets[k].id, secretName: secrets[k].name, fileName: k });
  }
  return { secrets, mounts };
}

/** One secret per secret file: the rendered `.env`, at its path with its mode. */
function secretFiles(scope: SwarmFilesScope): { secrets: Record<string, docker.Secret>; mounts: SecretMount[] } {
  const secrets: Record<string, docker.Secret> = {};
  const mounts: SecretMount[] = [];
  for (const f of scope.svc.secretFiles) {
    const s = swarmSecret(`${scope.name}-${f.name}-secretfile`, scope.svc, f.name, renderEnvFile(f.values), scope.opts);
    secrets[f.name] = s;
    mounts.push({ secretId: s.id, secretName: s.name, fileName: f.path, fileMode: fileMode(f.mode), ...ownership(f) });
  }
  return { secrets, mounts };
}

export function swarmFiles(scope: SwarmFilesScope): SwarmFiles {
  const c = configs(scope);
  const v = variableSecrets(scope);
  const f = secretFiles(scope);
  const secrets = { ...v.secrets, ...f.secrets };
  return {
    resources: [...c.configs, ...Object.values(secrets)],
    secrets,
    configMounts: c.mounts,
    secretMounts: [...v.mounts, ...f.mounts],
  };
}
