/**
 * The services' own alerts (`services.<key>.alerts`) as a Prometheus rule
 * group. Each carries `service` (routing) and `job` (inhibition by that
 * service's ServiceDown) set to the service key.
 */
import type { Service } from "../model";
import type { RuleGroup } from "../monitoring/platformAlerts";

export function customAlertGroups(services: readonly Service[]): RuleGroup[] {
  const rules = services.flatMap((s) =>
    s.alerts.map((a) => ({
      alert: a.name,
      expr: a.expr,
      for: a.for,
      labels: { severity: a.severity, service: s.key, job: s.key },
      annotations: { summary: a.summary },
    })),
  );
  return rules.length === 0 ? [] : [{ name: "homelab-services", rules }];
}
