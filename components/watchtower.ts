import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { platformService } from "../infra/model";
import { HomelabService } from "./homelabService";

/**
 * nickfedor/watchtower, the maintained drop-in fork (same flags and labels):
 * containrrr/watchtower was archived on 2025-12-17 and crash-loops on Docker
 * Engine 29 ("client version 1.25 is too old"). 1.21.0 is the fork's v1.21.0
 * release (nicholas-fedor/watchtower build/goreleaser/stable.yaml tags images
 * with the version without its "v").
 */
export const WATCHTOWER_IMAGE = "nickfedor/watchtower:1.21.0";

export interface WatchtowerArgs {
  readonly stack: string;
  readonly provider: docker.Provider;
  readonly network: pulumi.Input<string>;
  /**
   * Image to run.
   * @default WATCHTOWER_IMAGE
   */
  readonly image?: string;
  /**
   * How often to look for new images.
   * @default 300
   */
  readonly intervalSeconds?: number;
  /**
   * Remove the old image after an update.
   * @default true
   */
  readonly cleanup?: boolean;
  readonly logMaxSize: string;
  readonly logMaxFiles: number;
}

/**
 * Watchtower in opt-in mode (`--label-enable`): it only touches containers
 * labelled for it, so a pinned prod database is never restarted behind
 * Pulumi's back.
 */
export class Watchtower extends pulumi.ComponentResource {
  readonly service: HomelabService;

  constructor(name: string, args: WatchtowerArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("homelab:docker:Watchtower", name, {}, opts);
    const command = ["--label-enable", "--interval", String(args.intervalSeconds ?? 300)];
    if (args.cleanup ?? true) command.push("--cleanup");
    const spec = platformService({
      key: "watchtower",
      image: args.image ?? WATCHTOWER_IMAGE,
      networks: ["default"],
      command,
      // Read-only still lets Watchtower drive the Docker API (connecting to a socket is not a write to the
      // mount); it keeps the bind consistent with the no-sensitive-mounts policy, which allow-lists the image.
      volumes: [{ type: "bind", source: "/var/run/docker.sock", target: "/var/run/docker.sock", readOnly: true }],
      memoryMb: 128,
      cpus: 0.25,
    });
    this.service = new HomelabService(
      `${name}-service`,
      { service: spec, stack: args.stack, provider: args.provider, networks: { default: args.network }, logMaxSize: args.logMaxSize, logMaxFiles: args.logMaxFiles },
      { parent: this },
    );
    this.registerOutputs({ containerName: this.service.containerName });
  }
}
