/**
 * The few provider facts these tests rely on, each read from the provider's
 * source, for as long as infra/providers/behaviours.ts is still empty on this
 * branch (the provider-model work fills it). `providerFacts()` gives the real
 * model once it has entries, so the tests then run against it unchanged.
 */
import type { ResourceBehaviour } from "../../../infra/providers";

const DOCKER = "kreuzwerker/terraform-provider-docker@v3:internal/provider";

export const MINIMAL_BEHAVIOURS: readonly ResourceBehaviour[] = [
  {
    type: "docker:index/container:Container",
    // resource_docker_container.go: name, image, env, labels, ports, volumes, upload, networks_advanced,
    // command, capabilities, security_opts, log_opts are ForceNew; restart and memory are not (ContainerUpdate applies them).
    sources: [`${DOCKER}/resource_docker_container.go`],
    defaults: {},
    forceNew: ["name", "image", "envs", "labels", "ports", "volumes", "uploads", "networksAdvanced", "command", "capabilities", "securityOpts", "logOpts"],
    updatable: ["restart", "memory"],
    readBack: {},
  },
  {
    type: "docker:index/remoteImage:RemoteImage",
    // resource_docker_image.go: name is ForceNew; keep_locally is not.
    sources: [`${DOCKER}/resource_docker_image.go`],
    defaults: {},
    forceNew: ["name"],
    updatable: ["keepLocally"],
    readBack: {},
  },
  {
    type: "docker:index/network:Network",
    // resource_docker_network.go: every argument is ForceNew; there is no Update.
    sources: [`${DOCKER}/resource_docker_network.go`],
    defaults: {},
    forceNew: ["name", "labels", "internal", "driver", "options", "attachable", "ipv6", "checkDuplicate"],
    updatable: [],
    readBack: {},
  },
  {
    type: "docker:index/volume:Volume",
    // resource_docker_volume.go: every argument (name, labels, driver, driver_opts) is ForceNew; there is no Update.
    sources: [`${DOCKER}/resource_docker_volume.go`],
    defaults: {},
    forceNew: ["name", "labels", "driver", "driverOpts"],
    updatable: [],
    readBack: {},
  },
];

/** The module mock: the real behaviours when the provider model has them, else the facts above. */
export function providerFacts(): { BEHAVIOURS: readonly ResourceBehaviour[] } {
  const real = jest.requireActual<{ BEHAVIOURS: readonly ResourceBehaviour[] }>("../../../infra/providers/behaviours").BEHAVIOURS;
  return { BEHAVIOURS: real.some((b) => b.type === "docker:index/container:Container") ? real : MINIMAL_BEHAVIOURS };
}
