import { requirePinnedImages } from "../../../policies/rules/require-pinned-images";
import { compliantContainer, describeCases, runResource, T, UNKNOWN_VALUE, withProps } from "../harness";

const DIGEST = "sha256:" + "a".repeat(64);
const image = () => ({ name: "ghcr.io/home-assistant/home-assistant:2025.1.0", keepLocally: true });

describe("require-pinned-images on RemoteImage", () => {
    describeCases(requirePinnedImages, T.remoteImage, image, {
        fail: [
            ["no tag", { name: "nginx" }, '"nginx" has no tag, so Docker pulls :latest.'],
            ["latest", { name: "nginx:latest" }, '"nginx:latest" uses the moving tag latest.'],
            ["registry port, no tag", { name: "registry.local:5000/app" }, '"registry.local:5000/app" has no tag, so Docker pulls :latest.'],
            ["not a reference", { name: "UPPER CASE" }, '"UPPER CASE" is not a valid image reference.'],
        ],
        pass: [
            ["tag", { name: "nginx:1.27.3" }],
            ["registry port and tag", { name: "registry.local:5000/app:1.0" }],
            ["digest only", { name: `nginx@${DIGEST}` }],
            ["unknown name", { name: UNKNOWN_VALUE }],
        ],
    });
    test("requireDigest fails a tag-only reference and passes tag@digest", () => {
        const cfg = { requireDigest: true };
        expect(runResource(requirePinnedImages, T.remoteImage, { name: "nginx:1.27.3" }, cfg)).toEqual(['"nginx:1.27.3" has no @sha256 digest, which this stack requires.']);
        expect(runResource(requirePinnedImages, T.remoteImage, { name: `nginx:1.27.3@${DIGEST}` }, cfg)).toEqual([]);
    });
});

describe("require-pinned-images on Container image", () => {
    describeCases(requirePinnedImages, T.container, compliantContainer, {
        fail: [["known string with latest", { image: "nginx:latest" }, '"nginx:latest" uses the moving tag latest.']],
        pass: [["image ID", { image: DIGEST }], ["unknown image ID", { image: UNKNOWN_VALUE }], ["pinned string", { image: "nginx:1.27.3" }]],
    });
    test("with requireDigest, a container's image ID passes but a RemoteImage name shaped like one is a tagged reference", () => {
        const cfg = { requireDigest: true };
        expect(runResource(requirePinnedImages, T.container, withProps(compliantContainer(), { image: DIGEST }), cfg)).toEqual([]);
        expect(runResource(requirePinnedImages, T.remoteImage, { name: DIGEST }, cfg)).toEqual([`"${DIGEST}" has no @sha256 digest, which this stack requires.`]);
    });
    test("a RemoteImage-style reference on the container is checked too", () => {
        expect(runResource(requirePinnedImages, T.container, withProps(compliantContainer(), { image: "nginx" }))).toEqual(['"nginx" has no tag, so Docker pulls :latest.']);
    });
});
