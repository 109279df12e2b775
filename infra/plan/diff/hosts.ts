/** Reading a plan side's resources the way a reader names them: Docker names and the host they run on. */
import type { PlanSide, SideResource } from "./side";

const HOST_COMPONENT = "homelab:docker:Host";

/** The Docker host a resource is on: the Host component above its provider, else the provider's name. */
export function hostOf(side: PlanSide, r: SideResource): string | undefined {
  if (!r.provider) return undefined;
  const providerUrn = r.provider.split("::").slice(0, 4).join("::");
  const provider = side.resources.find((x) => x.urn === providerUrn);
  const parent = provider?.parent ? side.resources.find((x) => x.urn === provider.parent) : undefined;
  return parent?.type === HOST_COMPONENT ? parent.name : provider?.name;
}

/** The Docker name (`name` input) when known, else the resource's name. */
export function dockerName(r: SideResource): string {
  const n = r.inputs["name"];
  return typeof n === "string" ? n : r.name;
}
