import { isImageId, parseImageRef } from "../lib/image";
import { resourceRule, schema, TYPES } from "../lib/policy";
import { str } from "../lib/values";

export interface RequirePinnedImagesConfig {
    requireDigest: boolean;
}

export const requirePinnedImages = resourceRule<RequirePinnedImagesConfig>({
    name: "require-pinned-images",
    description: "Images must name an explicit tag other than `latest`; stacks that set `requireDigest` also need an @sha256 digest.",
    remediationSteps:
        "Reference images as `repo:1.2.3` or, where digests are required, `repo:1.2.3@sha256:<digest>` " +
        "(`docker buildx imagetools inspect repo:1.2.3` prints it). Let Renovate bump both.",
    severity: "medium",
    configSchema: { properties: { requireDigest: schema.bool(false, "Require an @sha256 digest on every image.") } },
    defaults: { requireDigest: false },
    // RemoteImage.name carries the reference; a Container's `image` is usually the (unknown) image ID.
    types: [TYPES.remoteImage, TYPES.container],
    check: (props, config, report, type) => {
        const text = str(type === TYPES.remoteImage ? props["name"] : props["image"]);
        // A Container's `image` is normally the RemoteImage's ID, unknown in preview and not a reference.
        if (typeof text !== "string" || (type === TYPES.container && isImageId(text))) return;
        const ref = parseImageRef(text);
        if (!ref) return report(`"${text}" is not a valid image reference.`);
        if (ref.tag === undefined && ref.digest === undefined) report(`"${text}" has no tag, so Docker pulls :latest.`);
        if (ref.tag === "latest") report(`"${text}" uses the moving tag latest.`);
        if (config.requireDigest && ref.digest === undefined) report(`"${text}" has no @sha256 digest, which this stack requires.`);
    },
});
