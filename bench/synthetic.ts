/**
 * Synthetic stacks for the benchmark: the shipped homelab stack with its
 * services replaced by N generated ones on one host and one network, each with
 * a unique name, container name, host port and (every tenth) public hostname.
 */
import * as fs from "fs";
import * as path from "path";
import { parseDocument } from "yaml";
import { PROJECT_DIR } from "../infra/context";

export const SYNTHETIC_STACK = "bench";

export interface SyntheticOptions {
  readonly services: number;
  /** Base stack file whose platform settings (Cloudflare, GitHub, monitoring) are kept. */
  readonly base?: string;
}

export function syntheticServiceKey(i: number): string {
  return `svc-${String(i).padStart(4, "0")}`;
}

/** Stack file text for a `bench` stack on the homelab profile with `services` generated services. */
export function syntheticStackText(opts: SyntheticOptions): string {
  const base = opts.base ?? "homelab";
  const doc = parseDocument(fs.readFileSync(path.join(PROJECT_DIR, `Pulumi.${base}.yaml`), "utf8"));
  doc.setIn(["config", "homelab:profile"], base);
  const services: Record<string, unknown> = {};
  for (let i = 0; i < opts.services; i++) {
    const key = syntheticServiceKey(i);
    services[key] = {
      image: `ghcr.io/example/${key}:1.0.${i}`,
      port: 8000,
      // Loopback only, one unique host port each: the policy pack accepts these.
      ports: [`127.0.0.1:${20000 + i}:8000`],
      ...(i % 10 === 0 ? { ingress: { hostname: `${key}.miravaz.com` } } : {}),
      ...(i % 2 === 0 ? { metrics: true } : {}),
      healthcheck: { test: ["CMD", "wget", "-qO-", "http://localhost:8000/health"], interval: "30s" },
      environment: { INDEX: String(i) },
      volumes: [`${key}-data:/data`],
      memory: "128m",
    };
  }
  doc.setIn(["config", "homelab:services"], doc.createNode(services));
  return doc.toString();
}
