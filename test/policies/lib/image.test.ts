import { imageMatches, imageName, isImageId, parseImageRef, type ImageRef } from "../../../policies/lib/image";

// How the Docker CLI resolves a reference (distribution/reference's ParseNormalizedNamed), written out.
const hex64 = "0123456789abcdef".repeat(4);

describe("parseImageRef", () => {
    it.each<[string, ImageRef]>([
        ["nginx", { registry: "docker.io", repository: "library/nginx", tag: undefined, digest: undefined }],
        [" nginx:1.27 ", { registry: "docker.io", repository: "library/nginx", tag: "1.27", digest: undefined }],
        ["grafana/alloy:v1.5.1", { registry: "docker.io", repository: "grafana/alloy", tag: "v1.5.1", digest: undefined }],
        ["docker.io/nginx", { registry: "docker.io", repository: "library/nginx", tag: undefined, digest: undefined }],
        ["index.docker.io/grafana/loki", { registry: "docker.io", repository: "grafana/loki", tag: undefined, digest: undefined }],
        ["GHCR.IO/owner/app:1", { registry: "ghcr.io", repository: "owner/app", tag: "1", digest: undefined }],
        ["localhost/app", { registry: "localhost", repository: "app", tag: undefined, digest: undefined }],
        ["localhost:5000/app:dev", { registry: "localhost:5000", repository: "app", tag: "dev", digest: undefined }],
        ["registry:5000/app", { registry: "registry:5000", repository: "app", tag: undefined, digest: undefined }],
        ["gcr.io/cadvisor/cadvisor:v0.49.1", { registry: "gcr.io", repository: "cadvisor/cadvisor", tag: "v0.49.1", digest: undefined }],
        [`nginx@sha256:${hex64}`, { registry: "docker.io", repository: "library/nginx", tag: undefined, digest: `sha256:${hex64}` }],
        [`ghcr.io/o/a:1.2@SHA256:${hex64.toUpperCase()}`, { registry: "ghcr.io", repository: "o/a", tag: "1.2", digest: `SHA256:${hex64.toUpperCase()}` }],
        [`a@sha256:${"f".repeat(32)}`, { registry: "docker.io", repository: "library/a", tag: undefined, digest: `sha256:${"f".repeat(32)}` }],
        ["user/app", { registry: "docker.io", repository: "user/app", tag: undefined, digest: undefined }],
        ["a/b/c", { registry: "docker.io", repository: "a/b/c", tag: undefined, digest: undefined }],
        // One component is always a Docker Hub repository, even one spelled like a registry.
        ["localhost", { registry: "docker.io", repository: "library/localhost", tag: undefined, digest: undefined }],
        ["my.registry:5000", { registry: "docker.io", repository: "library/my.registry", tag: "5000", digest: undefined }],
    ])("%s", (text, expected) => expect(parseImageRef(text)).toEqual(expected));

    it.each([
        "", "   ", "nginx latest", "ngi\tnx", `nginx@sha256:${"f".repeat(31)}`, `nginx@sha256:${"g".repeat(64)}`, `nginx@${hex64}`,
        `nginx@:${hex64}`, `nginx@sha256:${hex64}x`, `nginx@xsha-256:${hex64}`, ":1.0", "ghcr.io/", "ghcr.io/:tag", `@sha256:${hex64}`,
    ])("refuses %j", (text) => expect(parseImageRef(text)).toBeUndefined());
});

describe("imageName", () => {
    it.each([
        ["nginx:1.27", "nginx"],
        ["docker.io/library/nginx", "nginx"],
        ["grafana/alloy", "grafana/alloy"],
        ["ghcr.io/owner/app:1", "ghcr.io/owner/app"],
        ["ghcr.io/library/app", "ghcr.io/library/app"],
        ["docker.io/mylibrary/app", "mylibrary/app"],
    ])("%s is shown as %s", (text, name) => expect(imageName(parseImageRef(text) as ImageRef)).toBe(name));
});

describe("imageMatches", () => {
    const ref = parseImageRef("gcr.io/cadvisor/cadvisor:v0.49.1") as ImageRef;
    it("matches an entry by registry and repository, whatever the tag", () => {
        expect(imageMatches(ref, "gcr.io/cadvisor/cadvisor")).toBe(true);
        expect(imageMatches(ref, "gcr.io/cadvisor/cadvisor:v0.47.0")).toBe(true);
        expect(imageMatches(parseImageRef("nginx") as ImageRef, "docker.io/library/nginx")).toBe(true);
    });
    it("does not match another registry, another repository or an entry that is no reference", () => {
        expect(imageMatches(ref, "cadvisor/cadvisor")).toBe(false);
        expect(imageMatches(ref, "ghcr.io/cadvisor/cadvisor")).toBe(false);
        expect(imageMatches(ref, "gcr.io/cadvisor/other")).toBe(false);
        expect(imageMatches(ref, "gcr.io/cadvisor/cadvisor latest")).toBe(false);
    });
});

describe("isImageId", () => {
    it("is a sha256 id of 64 lower-case hex digits and nothing else", () => {
        expect(isImageId(`sha256:${hex64}`)).toBe(true);
        expect(isImageId(`sha256:${hex64.toUpperCase()}`)).toBe(false);
        expect(isImageId(`sha256:${hex64}0`)).toBe(false);
        expect(isImageId(`sha256:${hex64.slice(1)}`)).toBe(false);
        expect(isImageId(`nginx@sha256:${hex64}`)).toBe(false);
        expect(isImageId(hex64)).toBe(false);
    });
});
