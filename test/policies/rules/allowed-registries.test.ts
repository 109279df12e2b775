import { allowedRegistries } from "../../../policies/rules/allowed-registries";
import { compliantContainer, describeCases, runResource, T, UNKNOWN_VALUE, withProps } from "../harness";

describe("allowed-registries", () => {
    describeCases(allowedRegistries, T.remoteImage, () => ({ name: "ghcr.io/org/app:1.0" }), {
        fail: [["unknown registry", { name: "registry.example.net/app:1.0" }, "registry registry.example.net is not in allowedRegistries [docker.io, ghcr.io, lscr.io, gcr.io, quay.io]."], ["registry with port", { name: "localhost:5000/app:1.0" }, "registry localhost:5000 is not in allowedRegistries [docker.io, ghcr.io, lscr.io, gcr.io, quay.io]."]],
        pass: [
            ["Docker Hub official", { name: "nginx:1.27" }],
            ["Docker Hub user", { name: "nickfedor/watchtower:1.21.0" }],
            ["lscr.io", { name: "lscr.io/linuxserver/jellyfin:10.10.3" }],
            ["unknown name", { name: UNKNOWN_VALUE }],
        ],
    });
    test("config replaces the list", () => {
        expect(runResource(allowedRegistries, T.remoteImage, { name: "nginx:1.27" }, { allowedRegistries: ["ghcr.io"] })).toEqual(["registry docker.io is not in allowedRegistries [ghcr.io]."]);
    });
    describe("with only ghcr.io allowed", () => {
        const ghcrOnly = { allowedRegistries: ["ghcr.io"] };
        const ID = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        const container = (image: string) => withProps(compliantContainer(), { image });
        test("a container's image ID names no registry and is not judged", () => {
            expect(runResource(allowedRegistries, T.container, container(ID), ghcrOnly)).toEqual([]);
        });
        test("a container's image reference is judged", () => {
            expect(runResource(allowedRegistries, T.container, container("registry.example.net/app:1.0"), ghcrOnly)).toEqual(["registry registry.example.net is not in allowedRegistries [ghcr.io]."]);
            expect(runResource(allowedRegistries, T.container, container("ghcr.io/org/app:1.0"), ghcrOnly)).toEqual([]);
        });
        test("a RemoteImage name shaped like an ID is a Docker Hub reference", () => {
            expect(runResource(allowedRegistries, T.remoteImage, { name: ID }, ghcrOnly)).toEqual(["registry docker.io is not in allowedRegistries [ghcr.io]."]);
        });
    });
    test("index.docker.io in the config means Docker Hub", () => {
        expect(runResource(allowedRegistries, T.remoteImage, { name: "nginx:1.27" }, { allowedRegistries: ["Index.Docker.IO"] })).toEqual([]);
    });
    test("only the exact host index.docker.io is rewritten", () => {
        const config = { allowedRegistries: ["mirror.index.docker.io", "index.docker.io.example.net"] };
        expect(runResource(allowedRegistries, T.remoteImage, { name: "mirror.index.docker.io/app:1.0" }, config)).toEqual([]);
        expect(runResource(allowedRegistries, T.remoteImage, { name: "index.docker.io.example.net/app:1.0" }, config)).toEqual([]);
        expect(runResource(allowedRegistries, T.remoteImage, { name: "nginx:1.27" }, config)).toEqual([
            "registry docker.io is not in allowedRegistries [mirror.index.docker.io, index.docker.io.example.net].",
        ]);
    });
});
