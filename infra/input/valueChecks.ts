/**
 * Checks on the raw `homelab:*` values that the schema cannot express: names
 * Docker and DNS accept, image references Docker can pull, and environment
 * entries that hold a secret in plain text. They run on the raw values,
 * before the schema builds objects, because a key such as `__proto__` does
 * not survive that step.
 */
import { containerNameProblem, networkAliasProblem } from "../checks/dockerNames";
import { parseImageReference } from "../checks/imageReference";
import { hasUrlCredentials, isSecretName } from "../checks/secretNames";
import { formatPath, type ConfigProblem } from "../errors";

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** Own keys that JavaScript objects treat specially: a map built from the config would drop or misread them. */
const FORBIDDEN_KEYS = new Set(["__proto__"]);

function forbiddenKeyProblems(file: string, raw: Record<string, unknown>): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const stack: [unknown, PropertyKey[]][] = Object.keys(raw).map((k) => [raw[k], [k]]);
  while (stack.length > 0) {
    const [value, at] = stack.pop()!;
    if (Array.isArray(value)) value.forEach((v, i) => stack.push([v, [...at, i]]));
    else if (isRecord(value)) {
      for (const k of Object.keys(value)) {
        if (FORBIDDEN_KEYS.has(k)) out.push({ file, path: formatPath([...at, k]), message: `"${k}" cannot be used as a key name; choose another name` });
        else stack.push([value[k], [...at, k]]);
      }
    }
  }
  return out;
}

function serviceKeyProblem(key: string, hasContainerName: boolean): string | undefined {
  if (FORBIDDEN_KEYS.has(key)) return undefined;
  const alias = networkAliasProblem(key);
  if (alias) return `a service name is also its network alias: ${alias}`;
  if (!hasContainerName) {
    const name = containerNameProblem(key);
    if (name) return `a service name is also its container name unless containerName is set: ${name}`;
  }
  return undefined;
}

function imageProblem(file: string, path: string, image: unknown): ConfigProblem[] {
  if (typeof image !== "string") return [];
  const r = parseImageReference(image);
  return r.ok ? [] : [{ file, path, message: `is not an image reference Docker can pull: ${r.error}` }];
}

/** Why a plain environment entry should be a secret, or undefined when it need not be. */
export function plainSecretReason(name: string, value: unknown): string | undefined {
  if (typeof value === "string" && hasUrlCredentials(value)) return "its value holds a URL with a password in it";
  if (isSecretName(name)) return "its name says it holds a credential";
  return undefined;
}

function environmentProblems(file: string, key: string, svc: Record<string, unknown>): ConfigProblem[] {
  const env = svc.environment;
  if (!isRecord(env)) return [];
  const notSecret = new Set(Array.isArray(svc.notSecret) ? svc.notSecret.filter((n): n is string => typeof n === "string") : []);
  const out: ConfigProblem[] = [];
  for (const [name, value] of Object.entries(env)) {
    const why = plainSecretReason(name, value);
    if (why === undefined || notSecret.has(name)) continue;
    const target = formatPath(["services", key, "secretEnvironment", name]);
    out.push({
      file,
      path: formatPath(["services", key, "environment", name]),
      message: `looks like a secret (${why}): move it to secretEnvironment with pulumi config set --secret --path '${target}' <value>, or, if it is not a secret, list it in homelab:services.${key}.notSecret`,
    });
  }
  return out;
}

/**
 * Problems in the raw `homelab:*` values (namespace stripped). `secureLeaves`
 * are key paths written `secure:`; their values are not checked here.
 */
export function rawValueProblems(file: string, raw: Record<string, unknown>, secureLeaves: ReadonlySet<string> | undefined): ConfigProblem[] {
  const problems = forbiddenKeyProblems(file, raw);
  const isSecure = (p: string): boolean => secureLeaves?.has(p) ?? false;
  const services = raw.services;
  if (isRecord(services)) {
    for (const key of Object.keys(services)) {
      const svc = services[key];
      const body = isRecord(svc) ? svc : {};
      const keyProblem = serviceKeyProblem(key, typeof body.containerName === "string");
      if (keyProblem) problems.push({ file, path: formatPath(["services", key]), message: keyProblem });
      if (typeof body.containerName === "string") {
        const p = containerNameProblem(body.containerName);
        if (p) problems.push({ file, path: formatPath(["services", key, "containerName"]), message: p });
      }
      if (Array.isArray(body.aliases)) {
        body.aliases.forEach((a, i) => {
          const p = typeof a === "string" ? networkAliasProblem(a) : undefined;
          if (p) problems.push({ file, path: formatPath(["services", key, "aliases", i]), message: p });
        });
      }
      const imagePath = formatPath(["services", key, "image"]);
      if (!isSecure(imagePath)) problems.push(...imageProblem(file, imagePath, body.image));
      problems.push(...environmentProblems(file, key, body));
    }
  }
  const watchtower = raw.watchtower;
  if (isRecord(watchtower) && !isSecure("homelab:watchtower.image")) problems.push(...imageProblem(file, "homelab:watchtower.image", watchtower.image));
  return problems;
}
