import { knownContainerImage, label, resolveContainerImage } from "../../../policies/lib/container";
import { TYPES, type StackResource } from "../../../policies/lib/policy";

const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const ID = `sha256:${"ab".repeat(32)}`;

function resource(type: string, props: Record<string, unknown>, deps: StackResource[] = [], propDeps: Record<string, StackResource[]> = {}): StackResource {
    return { type, urn: `urn:${type}`, name: "r", props, provider: undefined, dependencies: deps, propertyDependencies: propDeps };
}
const remote = (name: unknown) => resource(TYPES.remoteImage, { name });

describe("label", () => {
    it("reads one label of the provider's list", () => {
        const props = { labels: [{ label: "homelab.oneshot", value: "true" }] };
        expect(label(props, "homelab.oneshot")).toBe("true");
        expect(label(props, "homelab.healthcheck")).toBeUndefined();
        expect(label({}, "homelab.oneshot")).toBeUndefined();
    });
});

describe("knownContainerImage", () => {
    it("parses a known reference, and has nothing for an image ID, an unknown or no image", () => {
        expect(knownContainerImage({ image: "nginx:1.27" })).toMatchObject({ registry: "docker.io", repository: "library/nginx", tag: "1.27" });
        expect(knownContainerImage({ image: ID })).toBeUndefined();
        expect(knownContainerImage({ image: UNKNOWN_STRING })).toBeUndefined();
        expect(knownContainerImage({})).toBeUndefined();
    });
});

describe("resolveContainerImage", () => {
    it("prefers the container's own known reference", () => {
        const c = resource(TYPES.container, { image: "grafana/loki:3.1.1" }, [remote("nginx:1.27")]);
        expect(resolveContainerImage(c)?.repository).toBe("grafana/loki");
    });
    it("follows the image property's dependency on a RemoteImage while the ID is unknown", () => {
        const c = resource(TYPES.container, { image: UNKNOWN_STRING }, [remote("a:1"), remote("b:1")], { image: [remote("ghcr.io/o/app:2")] });
        expect(resolveContainerImage(c)).toMatchObject({ registry: "ghcr.io", repository: "o/app", tag: "2" });
    });
    it("falls back to the only RemoteImage among the dependencies, ignoring other types", () => {
        const c = resource(TYPES.container, { image: ID }, [remote("ghcr.io/o/app:3"), resource(TYPES.network, { name: "x:1" })], {
            image: [resource(TYPES.network, { name: "y:1" })],
        });
        expect(resolveContainerImage(c)?.tag).toBe("3");
    });
    it("gives up when the candidates are none, several or unnamed", () => {
        expect(resolveContainerImage(resource(TYPES.container, { image: ID }))).toBeUndefined();
        expect(resolveContainerImage(resource(TYPES.container, { image: ID }, [remote("a:1"), remote("b:1")]))).toBeUndefined();
        expect(resolveContainerImage(resource(TYPES.container, { image: ID }, [remote(UNKNOWN_STRING)]))).toBeUndefined();
    });
});
