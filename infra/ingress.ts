/**
 * Public ingress for a stack: the Cloudflare Tunnel, one route per public
 * hostname, Access in front of everything not marked public.
 */
import type { HomelabModel } from "./model";
import type { Built } from "./program";

/** One hostname the tunnel forwards, from a service or from a monitoring UI. */
export interface RouteTarget {
  readonly hostname: string;
  /** `http://<container>:<port>` on the connector's network. */
  readonly service: string;
  /** Reachable without Cloudflare Access. */
  readonly public: boolean;
  /** Stable name for the route's resources (service key or monitoring UI name). */
  readonly key: string;
}

export function buildIngress(model: HomelabModel, built: Built, extraRoutes: readonly RouteTarget[]): void {
  void model;
  void built;
  void extraRoutes;
}

export function buildGhcrSecrets(model: HomelabModel): void {
  void model;
}
