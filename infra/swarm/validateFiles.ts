/**
 * What a Swarm refuses about a service's files, said at plan time: a file
 * becomes a Swarm config and a secret file (or, with `secretsAs: files`, a
 * secret variable) a Swarm secret, and Swarm takes neither empty, oversized,
 * owned by a user name, or under a name longer than 64 characters.
 */
import { formatPath, type ConfigProblem } from "../errors";
import type { HomelabModel, Service } from "../model";
import { MAX_OBJECT_NAME, objectNameLength } from "./objects";
import type { SwarmSpec } from "./model";

/** swarmkit manager/controlapi/config.go MaxConfigSize: data must be shorter. */
export const MAX_CONFIG_BYTES = 1000 * 1024;
/** swarmkit api/validation/secrets.go MaxSecretSize: data must be shorter. */
export const MAX_SECRET_BYTES = 500 * 1024;

/** Said without the size, which would tell something of a secret. */
const tooLarge = (m: HomelabModel, path: string): ConfigProblem => ({ file: m.file, path, message: `is too large for a Swarm secret (less than ${MAX_SECRET_BYTES} bytes)` });

const at = (s: Service, ...rest: PropertyKey[]): string => formatPath(["services", s.key, ...rest]);

/** The daemon parses a file reference's uid and gid as numbers (it never looks names up in the image). */
function ownershipProblems(m: HomelabModel, s: Service, base: PropertyKey[], f: { owner: string | undefined; group: string | undefined }): ConfigProblem[] {
  return (["owner", "group"] as const).flatMap((k) => {
    const v = f[k];
    if (v === undefined || /^\d+$/.test(v)) return [];
    return [{ file: m.file, path: at(s, ...base, k), message: `"${v}" is a name; a Swarm mounts files with a numeric ${k === "owner" ? "user" : "group"} id (e.g. 1000): write the id` }];
  });
}

function nameProblem(m: HomelabModel, s: Service, path: PropertyKey[], kind: "config" | "secret", item: string): ConfigProblem[] {
  const length = objectNameLength(s.containerName, item);
  if (length <= MAX_OBJECT_NAME) return [];
  return [{ file: m.file, path: at(s, ...path), message: `the Swarm ${kind} "${s.containerName}_${item}_<suffix>" would be ${length} characters, more than Swarm's ${MAX_OBJECT_NAME}: shorten the name or the service's containerName` }];
}

function configProblems(m: HomelabModel, s: Service): ConfigProblem[] {
  return s.files.flatMap((f) => {
    const bytes = Buffer.byteLength(f.content, "utf8");
    const size =
      bytes === 0
        ? [{ file: m.file, path: at(s, "files", f.name, "content"), message: "is empty, and a Swarm config cannot be" }]
        : bytes >= MAX_CONFIG_BYTES
          ? [{ file: m.file, path: at(s, "files", f.name, "content"), message: `is ${bytes} bytes; a Swarm config holds less than ${MAX_CONFIG_BYTES}` }]
          : [];
    return [...nameProblem(m, s, ["files", f.name], "config", f.name), ...size, ...ownershipProblems(m, s, ["files", f.name], f)];
  });
}

function secretProblems(m: HomelabModel, s: Service, asFiles: boolean): ConfigProblem[] {
  const files = s.secretFiles.flatMap((f) => [
    ...nameProblem(m, s, ["secretFiles", f.name], "secret", f.name),
    ...(Object.keys(f.values).length === 0 ? [{ file: m.file, path: at(s, "secretFiles", f.name, "values"), message: "is empty, and a Swarm secret cannot be" }] : []),
    // The values alone are a lower bound of the rendered file.
    ...(Object.values(f.values).reduce((n, v) => n + Buffer.byteLength(v, "utf8"), 0) >= MAX_SECRET_BYTES ? [tooLarge(m, at(s, "secretFiles", f.name, "values"))] : []),
    ...ownershipProblems(m, s, ["secretFiles", f.name], f),
  ]);
  if (!asFiles) return files;
  // The message names the variable, never its value.
  const variables = Object.entries(s.secretEnvironment).flatMap(([k, v]) => [
    ...nameProblem(m, s, ["secretEnvironment", k], "secret", k),
    ...(v === "" ? [{ file: m.file, path: at(s, "secretEnvironment", k), message: "is empty, and a Swarm secret (secretsAs: files) cannot be" }] : []),
    ...(Buffer.byteLength(v, "utf8") >= MAX_SECRET_BYTES ? [tooLarge(m, at(s, "secretEnvironment", k))] : []),
  ]);
  return [...variables, ...files];
}

export function checkSwarmFiles(m: HomelabModel, swarm: SwarmSpec): ConfigProblem[] {
  return m.services.flatMap((s) => [...configProblems(m, s), ...secretProblems(m, s, swarm.services[s.key].secretsAs === "files")]);
}
