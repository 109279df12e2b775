/**
 * Policy findings in the text and markdown reports: the whole reason once,
 * the requirement worded as one for mandatory rules. Messages are written
 * the way the policy SDK sends them: description, newline, reason.
 */
import { asRequirement, groupFindings } from "../../infra/plan/findings";
import type { Violation } from "../../infra/plan/policy";

const urn = (name: string): string => `urn:pulumi:dev::homelab::homelab:service:HomelabService$docker:index/container:Container::${name}`;

const violations: Violation[] = [
  {
    policy: "no-public-ports",
    level: "mandatory",
    urn: urn("api-container"),
    message: "Container ports should only be published on loopback.\nport 80 (host 8080) is published with host ip 0.0.0.0, which is every interface.",
  },
  {
    policy: "no-public-ports",
    level: "mandatory",
    urn: urn("api-container"),
    message: "Container ports should only be published on loopback.\nport 80 (host 8080) is published with host ip 0.0.0.0, which is every interface.",
  },
  { policy: "require-cpu-limit", level: "advisory", urn: urn("web-container"), message: "Containers should cap CPU with `cpus`." },
];

describe("groupFindings", () => {
  it("shows the whole reason once, with its count, under the rule's requirement", () => {
    expect(groupFindings(violations)).toEqual([
      {
        policy: "no-public-ports",
        level: "mandatory",
        requirement: "Container ports must only be published on loopback.",
        findings: [{ resource: "api-container", reason: "port 80 (host 8080) is published with host ip 0.0.0.0, which is every interface.", count: 2 }],
      },
      { policy: "require-cpu-limit", level: "advisory", requirement: "Containers should cap CPU with `cpus`.", findings: [{ resource: "web-container", reason: "Containers should cap CPU with `cpus`.", count: 1 }] },
    ]);
  });

  it("words a mandatory rule as a requirement", () => {
    expect(asRequirement("Host ports below 1024 should be reserved; they should not be shared.")).toBe("Host ports below 1024 must be reserved; they must not be shared.");
  });
});
