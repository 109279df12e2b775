/**
 * The monitoring stack for one environment, derived from the service model.
 */
import type { RouteTarget } from "./ingress";
import type { HomelabModel } from "./model";
import type { Built } from "./program";

export interface MonitoringResult {
  /** Monitoring UIs to publish through the tunnel (behind Access). */
  readonly routes: readonly RouteTarget[];
}

export function buildMonitoring(model: HomelabModel, built: Built): MonitoringResult {
  void model;
  void built;
  return { routes: [] };
}
