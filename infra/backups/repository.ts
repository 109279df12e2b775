/**
 * How a repository setting becomes restic's environment. Secrets go in the
 * `secret` map only, which the runner passes as secret environment: never a
 * label, never a command line.
 */
import type { VolumeMount } from "../parse";
import type { RepositoryConfig } from "./schema";

/** Inside the runner, a local repository's host directory is mounted here. */
export const LOCAL_REPOSITORY_MOUNT = "/repository";

export interface RepositoryEnvironment {
  readonly plain: Readonly<Record<string, string>>;
  readonly secret: Readonly<Record<string, string>>;
  /** Host directories the runner mounts (a local repository). */
  readonly binds: readonly VolumeMount[];
}

const sub = (path: string | undefined): string => (path === undefined || path === "" ? "" : `/${path.replace(/^\/+/, "")}`);

/** Environment for restic; the password is the repository's own (`homelab:backups.password`). */
export function repositoryEnvironment(repo: RepositoryConfig, password: string): RepositoryEnvironment {
  const secret: Record<string, string> = { RESTIC_PASSWORD: password };
  switch (repo.type) {
    case "local":
      return {
        plain: { RESTIC_REPOSITORY: LOCAL_REPOSITORY_MOUNT },
        secret,
        binds: [{ type: "bind", source: repo.path, target: LOCAL_REPOSITORY_MOUNT, readOnly: false }],
      };
    case "sftp":
      return {
        plain: {
          RESTIC_REPOSITORY: `sftp:${repo.host}:${repo.path}`,
          HOMELAB_SFTP_TARGET: repo.host,
          HOMELAB_SFTP_PORT: String(repo.port ?? 22),
          HOMELAB_SFTP_KNOWN_HOSTS: repo.knownHosts,
        },
        secret: { ...secret, HOMELAB_SFTP_KEY: repo.privateKey },
        binds: [],
      };
    case "s3":
      return {
        plain: { RESTIC_REPOSITORY: `s3:${repo.endpoint}/${repo.bucket}${sub(repo.path)}`, AWS_ACCESS_KEY_ID: repo.accessKeyId },
        secret: { ...secret, AWS_SECRET_ACCESS_KEY: repo.secretAccessKey },
        binds: [],
      };
    case "b2":
      return {
        plain: { RESTIC_REPOSITORY: `b2:${repo.bucket}:${sub(repo.path) || "/"}`, B2_ACCOUNT_ID: repo.accountId },
        secret: { ...secret, B2_ACCOUNT_KEY: repo.accountKey },
        binds: [],
      };
    case "rest":
      return {
        plain: { RESTIC_REPOSITORY: `rest:${repo.url}`, ...(repo.username === undefined ? {} : { RESTIC_REST_USERNAME: repo.username }) },
        secret: { ...secret, ...(repo.password === undefined ? {} : { RESTIC_REST_PASSWORD: repo.password }) },
        binds: [],
      };
  }
}
