/** Facts about docker.Container inputs that several rules share. */
import { ImageRef, isImageId, parseImageRef } from "./image";
import { StackResource, TYPES } from "./policy";
import { labelMap, Props, str, UNKNOWN } from "./values";

/** Labels that mark deliberate exceptions; kept in one place so the README can list them. */
export const LABELS = {
    oneshot: "homelab.oneshot",
    healthcheck: "homelab.healthcheck",
    capabilities: "homelab.capabilities.justification",
} as const;

export function label(props: Props, key: string): string | undefined {
    return labelMap(props["labels"]).get(key);
}

/** The container's image reference when its `image` input is a known reference (not an image ID). */
export function knownContainerImage(props: Props): ImageRef | undefined {
    const image = str(props["image"]);
    if (typeof image !== "string" || isImageId(image)) return undefined;
    return parseImageRef(image);
}

/**
 * Resolves a container's image during preview, when `image` is the RemoteImage's
 * still-unknown imageId: follow the `image` property dependency, or the only
 * RemoteImage among the container's dependencies.
 */
export function resolveContainerImage(container: StackResource): ImageRef | undefined {
    const direct = knownContainerImage(container.props);
    if (direct) return direct;
    // Stryker disable next-line ArrayDeclaration: a seeded string has no type, so the filter drops it
    const viaProperty = (container.propertyDependencies["image"] ?? []).filter((r) => r.type === TYPES.remoteImage);
    const candidates = viaProperty.length > 0 ? viaProperty : container.dependencies.filter((r) => r.type === TYPES.remoteImage);
    if (candidates.length !== 1) return undefined;
    const name = str(candidates[0].props["name"]);
    return typeof name === "string" ? parseImageRef(name) : undefined;
}

export { UNKNOWN };
