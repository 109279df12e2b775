/**
 * What every monitoring container builder gets from the Monitoring
 * component: a factory that makes a hardened HomelabService child, the
 * pinned images, and the shared settings.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { Healthcheck, Service, platformService } from "../../infra/model";
import type { FileUpload, HomelabService } from "../homelabService";

/** Pinned images: a monitoring upgrade is a reviewed change to this table, never a surprise pull. */
export const MONITORING_IMAGES = {
  jaeger: "jaegertracing/all-in-one:1.62.0",
  prometheus: "prom/prometheus:v3.1.0",
  grafana: "grafana/grafana:11.4.0",
  // 3.3.x still ships busybox wget for the healthcheck (3.6 moved to a distroless base).
  loki: "grafana/loki:3.3.2",
  alloy: "grafana/alloy:v1.5.1",
  cadvisor: "gcr.io/cadvisor/cadvisor:v0.49.1",
  nodeExporter: "prom/node-exporter:v1.8.2",
  // Latest release (prometheus/alertmanager CHANGELOG, 0.34.0 / 2026-08-16); busybox base, so wget is there.
  alertmanager: "prom/alertmanager:v0.34.0",
  pushgateway: "prom/pushgateway:v1.10.0",
} as const;

export type MonitoringImages = { readonly [K in keyof typeof MONITORING_IMAGES]: string };

export const JAEGER_OTLP_GRPC = 4317;
export const JAEGER_OTLP_HTTP = 4318;

export type ServiceSpec = Parameters<typeof platformService>[0];

export interface ServiceExtra {
  /** Generated files (configuration, dashboards): nothing secret. */
  readonly uploads?: FileUpload[];
  /** Generated files that hold secrets (receiver credentials), at the path `secretFile` gave. */
  readonly secretUploads?: FileUpload[];
  /** Secret environment; on a Swarm a secret file the program reads through `<NAME>__FILE`. */
  readonly secrets?: Record<string, pulumi.Input<string>>;
  readonly after?: pulumi.Resource[];
}

/**
 * The engine's side of the builders: `T` is what one monitoring service
 * becomes (a HomelabService container, or a SwarmService).
 */
export interface MonitoringContext<T = HomelabService> {
  /** A child named `<component>-<role>`, on the monitoring network, with the platform defaults. */
  readonly svc: (role: string, spec: ServiceSpec, extra?: ServiceExtra) => T;
  /** Where a secret file lands in the container: the path asked for, or under /run/secrets on a Swarm. */
  readonly secretFile: (file: string) => string;
  /** Tasks of a Swarm rather than containers of one engine (the log shipper labels them differently). */
  readonly swarm: boolean;
  /** Port bindings publishing `target` on the bind address, or none when `published` is unset. */
  readonly publish: (published: number | undefined, target: number) => Service["ports"];
  readonly images: MonitoringImages;
  readonly stack: string;
  readonly retentionDays: number;
}

export const wget = (url: string, interval = "30s"): Healthcheck => ({
  tests: ["CMD-SHELL", `wget -q -O /dev/null ${url} || exit 1`],
  interval,
  timeout: "5s",
  retries: 3,
  startPeriod: "30s",
});
