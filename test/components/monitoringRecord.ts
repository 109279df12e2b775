/**
 * The Monitoring component built on its own under the mock runtime: the
 * resources it registers (recordProgram) and the outputs each component
 * registers (support.ts's recordByUrn).
 */
import * as docker from "@pulumi/docker";
import { Monitoring, type MonitoringArgs } from "../../components/monitoring";
import { platformService, type Service } from "../../infra/model";
import type { RecordedResource } from "../../infra/plan/evaluate";
import { named } from "../support/stacks";
import { isSecret, recordByUrn } from "./support";

export { isSecret };

type Obj = Record<string, unknown>;

/** A scrape target on Prometheus's host and network, with one alert of its own. */
export const APP: Service = platformService({
  key: "app",
  image: "ghcr.io/example/app:1.2.3",
  host: "box",
  networks: ["net"],
  metrics: { port: 8000, path: "/metrics" },
  alerts: [{ name: "AppQueueStuck", expr: "app_queue_depth > 100", for: "10m", severity: "warning", summary: "queue stuck" }],
});
/** Declares metrics but runs on another host: Prometheus cannot reach it by name. */
export const FAR: Service = platformService({ key: "far", image: "ghcr.io/example/far:1", host: "other", networks: ["net"], metrics: { port: 9000, path: "/m" } });

/** Only the required settings; everything else at its default. */
export const BASE_ARGS: Omit<MonitoringArgs, "provider"> = {
  stack: "unit",
  host: "box",
  network: "net",
  networkName: "unit-net",
  services: [APP, FAR],
  logMaxSize: "10m",
  logMaxFiles: 3,
};

export interface Recording {
  readonly resources: RecordedResource[];
  readonly monitoring: Monitoring;
  /** Registered outputs by resource name. */
  readonly outputs: Readonly<Record<string, Obj>>;
}

export async function recordMonitoring(args: Partial<MonitoringArgs> = {}): Promise<Recording> {
  const { resources, result, outputs: byUrn } = await recordByUrn(() => {
    const provider = new docker.Provider("local-docker", {});
    return new Monitoring("mon", { ...BASE_ARGS, provider, ...args });
  });
  const outputs = Object.fromEntries([...byUrn].map(([urn, o]) => [urn.split("::").pop() as string, o]));
  return { resources: [...resources], monitoring: result, outputs };
}

export const CONTAINER = "docker:index/container:Container";

/** The container of one monitoring role (`mon-<role>-container`). */
export function container(rec: Recording, role: string): Obj {
  return named(rec.resources, `mon-${role}-container`).inputs as Obj;
}

/** The value inside a secret marker, or the value itself. */
export const reveal = (v: unknown): unknown => (isSecret(v) ? (v as Obj).value : v);

/** A container's uploaded file by path: its content (secret marker removed) and whether it was a secret. */
export function upload(rec: Recording, role: string, file: string): { content: string; secret: boolean } {
  const uploads = (container(rec, role).uploads ?? []) as Obj[];
  const u = uploads.find((x) => x.file === file);
  if (!u) throw new Error(`mon-${role}-container uploads no ${file}; has: ${uploads.map((x) => String(x.file)).join(", ")}`);
  return { content: String(reveal(u.content)), secret: isSecret(u.content) };
}
