/**
 * Names and ports of the monitoring containers that config validation needs
 * too, kept free of Pulumi so infra/validate.ts stays pure.
 */

/** Container ports of the UIs. */
export const UI_PORTS = { grafana: 3000, jaeger: 16686, prometheus: 9090 } as const;

/** Named data volumes the monitoring containers own (retained like any data volume). */
export const MONITORING_VOLUMES = { prometheus: "prometheus-data", loki: "loki-data", grafana: "grafana-data", alloy: "alloy-data", alertmanager: "alertmanager-data" } as const;
