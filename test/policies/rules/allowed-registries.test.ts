import { allowedRegistries } from "../../../policies/rules/allowed-registries";
import { compliantContainer, describeCases, runResource, T, UNKNOWN_VALUE } from "../harness";

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
    test("container image ID is not judged", () => {
        expect(runResource(allowedRegistries, T.container, compliantContainer())).toEqual([]);
    });
});
