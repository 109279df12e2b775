import { repositoryEnvironment } from "../../infra/backups/repository";

describe("repository environment: secrets apart from plain settings", () => {
  test("sftp: the key is secret, the known hosts and target are not", () => {
    const env = repositoryEnvironment(
      { type: "sftp", host: "backup@nas.lan", port: 2222, path: "/srv/restic/homelab", privateKey: "KEY", knownHosts: "nas.lan ssh-ed25519 AAAA" },
      "PW",
    );
    expect(env.plain).toEqual({
      RESTIC_REPOSITORY: "sftp:backup@nas.lan:/srv/restic/homelab",
      HOMELAB_SFTP_TARGET: "backup@nas.lan",
      HOMELAB_SFTP_PORT: "2222",
      HOMELAB_SFTP_KNOWN_HOSTS: "nas.lan ssh-ed25519 AAAA",
    });
    expect(env.secret).toEqual({ RESTIC_PASSWORD: "PW", HOMELAB_SFTP_KEY: "KEY" });
    expect(env.binds).toEqual([]);
  });

  test("b2 without a path uses the bucket root", () => {
    const env = repositoryEnvironment({ type: "b2", bucket: "homelab-backups", accountId: "0031", accountKey: "K" }, "PW");
    expect(env.plain).toEqual({ RESTIC_REPOSITORY: "b2:homelab-backups:/", B2_ACCOUNT_ID: "0031" });
    expect(env.secret).toEqual({ RESTIC_PASSWORD: "PW", B2_ACCOUNT_KEY: "K" });
  });

  test("s3 with a nested path; rest without credentials", () => {
    expect(repositoryEnvironment({ type: "s3", endpoint: "https://minio.lan:9000", bucket: "b", path: "/a/b", accessKeyId: "id", secretAccessKey: "s" }, "PW").plain.RESTIC_REPOSITORY).toBe(
      "s3:https://minio.lan:9000/b/a/b",
    );
    const rest = repositoryEnvironment({ type: "rest", url: "http://nas.lan:8000/x" }, "PW");
    expect(rest.plain).toEqual({ RESTIC_REPOSITORY: "rest:http://nas.lan:8000/x" });
    expect(rest.secret).toEqual({ RESTIC_PASSWORD: "PW" });
  });
});
