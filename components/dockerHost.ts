import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

export interface RegistryCredentials {
  readonly address: string;
  readonly username: pulumi.Input<string>;
  readonly password: pulumi.Input<string>;
}

export interface DockerHostArgs {
  /**
   * Docker endpoint: `unix:///var/run/docker.sock`, `ssh://user@host`,
   * `npipe:////./pipe/docker_engine` (Docker Desktop on Windows) or `tcp://...`.
   * @default the workstation's own engine (DOCKER_HOST or the local socket)
   */
  readonly docker?: string;
  /**
   * Extra ssh options for `ssh://` endpoints.
   * @default []
   */
  readonly sshOpts?: readonly string[];
  /**
   * Registries this host pulls private images from (GHCR with a read:packages token).
   * @default []
   */
  readonly registries?: readonly RegistryCredentials[];
}

/**
 * One machine that runs containers. Every resource placed on it uses this
 * host's explicit provider, so one program can drive several machines and
 * never falls back to an ambient default provider by accident.
 */
export class DockerHost extends pulumi.ComponentResource {
  readonly provider: docker.Provider;
  readonly endpoint: string;

  constructor(name: string, args: DockerHostArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("homelab:docker:Host", name, {}, opts);
    this.endpoint = args.docker ?? "default";
    // Renaming this child replaces the provider, and with it every resource on the host.
    this.provider = new docker.Provider(
      `${name}-docker`,
      {
        host: args.docker,
        sshOpts: args.sshOpts && args.sshOpts.length > 0 ? [...args.sshOpts] : undefined,
        registryAuth: (args.registries ?? []).map((r) => ({
          address: r.address,
          username: r.username,
          password: pulumi.secret(r.password),
        })),
      },
      { parent: this },
    );
    this.registerOutputs({ endpoint: this.endpoint });
  }
}
