/**
 * What `pulumi preview` shows a user beside a violation: the rule's name,
 * description, remediation steps, severity and default level. The texts are
 * human-facing, so they are pinned by a snapshot (a wording change is a
 * deliberate snapshot update); the rules that matter for gating are asserted.
 */
import * as fs from "fs";
import * as path from "path";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { policies } from "../../policies/policies";

const texts = policies.map((p) => {
    const r = p as ResourceValidationPolicy & { severity?: string };
    return { name: r.name, description: r.description, remediationSteps: r.remediationSteps, severity: r.severity, enforcementLevel: r.enforcementLevel };
});

describe("policy metadata", () => {
    it("names each rule after its file, in kebab case", () => {
        const files = fs.readdirSync(path.join(__dirname, "..", "..", "policies", "rules")).map((f) => f.replace(/\.ts$/, ""));
        expect(texts.map((t) => t.name).sort()).toEqual(files.sort());
        for (const t of texts) expect(t.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)+$/);
    });

    it("gives every rule a one-sentence description and remediation steps", () => {
        for (const t of texts) {
            expect(t.description).toMatch(/^[A-Z`].*\.$/);
            expect(t.remediationSteps?.length).toBeGreaterThan(20);
        }
    });

    it("rates each rule as the README's policy table does, and starts all but no-public-ports advisory", () => {
        const expected: Record<string, string> = {
            "actions-secret-from-secret": "critical", "allowed-registries": "medium", "no-host-namespaces": "high", "no-privileged-containers": "critical",
            "no-privileged-host-ports": "low", "no-public-ports": "critical", "no-sensitive-mounts": "critical", "no-shared-mount-propagation": "high",
            "no-shared-writable-volumes": "medium", "no-unconfined-profiles": "high", "require-backup": "high", "require-cpu-limit": "low",
            "require-healthcheck": "medium", "require-homelab-network": "medium", "require-memory-limit": "medium", "require-no-new-privileges": "high",
            "require-pinned-images": "medium", "require-restart-policy": "medium", "restrict-capabilities": "high", "tunnel-catch-all-404": "high",
            "tunnel-cname-proxied": "high", "tunnel-routes-require-access": "critical",
        };
        expect(Object.fromEntries(texts.map((t) => [t.name, t.severity]))).toEqual(expected);
        expect(texts.filter((t) => t.enforcementLevel !== "advisory").map((t) => [t.name, t.enforcementLevel])).toEqual([["no-public-ports", "mandatory"]]);
    });

    it("shows users the same texts as before (snapshot of human-facing wording)", () => {
        expect(texts).toMatchSnapshot();
    });
});
