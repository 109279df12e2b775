import * as github from "@pulumi/github";
import * as pulumi from "@pulumi/pulumi";

/** Secret name a service repository's workflow reads its GHCR token from. */
export const DEFAULT_GHCR_SECRET_NAME = "GHCR_PAT";

export interface GhcrRepoSecretArgs {
  /** Repository name within the provider's owner (the `name` of `owner/name`). */
  readonly repository: string;
  /** The write:packages token the repository's workflow pushes images with. */
  readonly token: pulumi.Input<string>;
  readonly provider: github.Provider;
  /**
   * Name of the Actions secret.
   * @default DEFAULT_GHCR_SECRET_NAME
   */
  readonly secretName?: string;
}

/**
 * The GHCR token as an Actions secret in one service repository, so its
 * workflow can push the image this homelab then pulls.
 */
export class GhcrRepoSecret extends pulumi.ComponentResource {
  readonly secret: github.ActionsSecret;
  readonly secretName: string;

  constructor(name: string, args: GhcrRepoSecretArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("homelab:github:GhcrRepoSecret", name, {}, opts);
    this.secretName = args.secretName ?? DEFAULT_GHCR_SECRET_NAME;
    // Renaming this child deletes the secret and writes it again: workflows running meanwhile fail to push.
    this.secret = new github.ActionsSecret(
      `${name}-secret`,
      {
        repository: args.repository,
        secretName: this.secretName,
        // `value` is provider v6.15's name for the plaintext input (`plaintextValue` is deprecated);
        // the provider encrypts it with the repository's public key. Secret here so it is
        // encrypted in Pulumi state and masked in every diff.
        value: pulumi.secret(args.token),
      },
      { parent: this, provider: args.provider },
    );
    this.registerOutputs({ repository: args.repository, secretName: this.secretName });
  }
}
