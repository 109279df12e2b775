/** Jaeger all-in-one: OTLP in, trace UI out. */
import { UI_PORTS } from "../../infra/monitoring/layout";
import { JAEGER_OTLP_GRPC, JAEGER_OTLP_HTTP, type MonitoringContext } from "./context";

export function jaegerContainer<T>(ctx: MonitoringContext<T>, uiPort: number | undefined): T {
  // Jaeger's image has no shell or HTTP client, so it gets no container healthcheck;
  // Prometheus scrapes its admin port and ServiceDown{job="jaeger"} covers it.
  return ctx.svc("jaeger", {
    key: "jaeger",
    image: ctx.images.jaeger,
    port: UI_PORTS.jaeger,
    // Stryker disable next-line ArrayDeclaration: neither HomelabService nor SwarmService reads a platform service's listens; only config validation of the stack's own services does
    listens: [JAEGER_OTLP_GRPC, JAEGER_OTLP_HTTP, UI_PORTS.jaeger, 14269],
    environment: { COLLECTOR_OTLP_ENABLED: "true", MEMORY_MAX_TRACES: "50000" },
    ports: ctx.publish(uiPort, UI_PORTS.jaeger),
    memoryMb: 512,
    cpus: 0.5,
    capDrop: ["ALL"],
  });
}
