import { isImageId, parseImageRef } from "../lib/image";
import { resourceRule, schema, TYPES } from "../lib/policy";
import { str } from "../lib/values";

export const DEFAULT_REGISTRIES = ["docker.io", "ghcr.io", "lscr.io", "gcr.io", "quay.io"];

export interface AllowedRegistriesConfig {
    allowedRegistries: string[];
}

export const allowedRegistries = resourceRule<AllowedRegistriesConfig>({
    name: "allowed-registries",
    description: "Images must come from an allow-listed registry (Docker Hub counts as docker.io).",
    remediationSteps: "Pull the image from an allowed registry, or add the registry host to `allowedRegistries` in policies/config/<stack>.json.",
    severity: "medium",
    configSchema: { properties: { allowedRegistries: schema.strings(DEFAULT_REGISTRIES, "Registry hosts images may be pulled from.") } },
    defaults: { allowedRegistries: DEFAULT_REGISTRIES },
    types: [TYPES.remoteImage, TYPES.container],
    check: (props, config, report, type) => {
        const text = str(type === TYPES.remoteImage ? props["name"] : props["image"]);
        if (typeof text !== "string" || (type === TYPES.container && isImageId(text))) return;
        const ref = parseImageRef(text);
        if (!ref) return; // malformed references are require-pinned-images' concern
        const allowed = config.allowedRegistries.map((r) => r.toLowerCase().replace(/^index\.docker\.io$/, "docker.io"));
        if (!allowed.includes(ref.registry)) report(`registry ${ref.registry} is not in allowedRegistries [${allowed.join(", ")}].`);
    },
});
