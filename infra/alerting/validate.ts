/**
 * Alerting checks that span keys: custom alerts parse as PromQL, every
 * route names a declared receiver, every routed service exists.
 */
import { declaredNames, formatPath, type ConfigProblem } from "../errors";
import type { HomelabModel } from "../model";
import { promqlSyntaxError } from "./promql";
import { RESERVED_RECEIVERS } from "./alertmanager";

/** Built-in alert names Alertmanager's routes and inhibit rules match on: a custom alert taking one would inherit that power. */
export const RESERVED_ALERT_NAMES = ["Watchdog", "HostDown", "ServiceDown"] as const;

export function checkCustomAlerts(m: HomelabModel): ConfigProblem[] {
  return m.services.flatMap((s) =>
    s.alerts.flatMap((a, i) => {
      const at = (key: string): string => formatPath(["services", s.key, "alerts", i, key]);
      const problems: ConfigProblem[] = [];
      if ((RESERVED_ALERT_NAMES as readonly string[]).includes(a.name)) {
        problems.push({ file: m.file, path: at("name"), message: `"${a.name}" is a built-in alert that routing and inhibition depend on; choose another name` });
      }
      const error = promqlSyntaxError(a.expr);
      if (error !== undefined) problems.push({ file: m.file, path: at("expr"), message: error });
      return problems;
    }),
  );
}

export function checkAlerting(m: HomelabModel): ConfigProblem[] {
  const a = m.alerting;
  const problems: ConfigProblem[] = [];
  const problem = (path: PropertyKey[], message: string): void => {
    problems.push({ file: m.file, path: formatPath(["alerting", ...path]), message });
  };
  // Checked even with monitoring off (when it is inert), so switching monitoring back on cannot surface old mistakes.
  const declared = Object.keys(a.receivers ?? {});
  for (const [name, r] of Object.entries(a.receivers ?? {})) {
    if ((RESERVED_RECEIVERS as readonly string[]).includes(name)) problem(["receivers", name], `"${name}" is reserved for the platform's own receiver; choose another name`);
    if (Object.values(r).every((v) => v === undefined)) problem(["receivers", name], "declare at least one of email, ntfy, discord, slack, telegram, pushover or webhook");
  }
  const known = (path: PropertyKey[], name: string): void => {
    if (!declared.includes(name)) problem(path, `unknown receiver "${name}" ${declaredNames(declared)}`);
  };
  const route = a.route ?? {};
  if (route.receiver !== undefined) known(["route", "receiver"], route.receiver);
  for (const [sev, name] of Object.entries(route.bySeverity ?? {})) if (name !== undefined) known(["route", "bySeverity", sev], name);
  const services = new Set(m.services.map((s) => s.key));
  for (const [svc, name] of Object.entries(route.byService ?? {})) {
    known(["route", "byService", svc], name);
    if (!services.has(svc)) problem(["route", "byService", svc], `unknown service "${svc}"`);
  }
  return problems;
}
