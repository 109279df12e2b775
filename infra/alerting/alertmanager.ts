/**
 * alertmanager.yml, generated from `homelab:alerting`. The text carries the
 * receivers' secrets, so the caller delivers it only as a pulumi.secret
 * upload: never in a label, a command line or an output.
 *
 * Field names follow Alertmanager's configuration reference
 * (prometheus/alertmanager config/notifiers.go); only fields that Debian's
 * amtool 0.25 also knows are used, so the test's `amtool check-config`
 * judges exactly what the pinned image loads.
 */
import { Document } from "yaml";
import type { AlertingConfig, ReceiverConfig } from "./schema";

/** Alertmanager's API/UI port inside the container. */
export const ALERTMANAGER_PORT = 9093;
export const ALERTMANAGER_CONFIG_FILE = "/etc/alertmanager/alertmanager.yml";

/** Receivers the platform adds; user receivers may not take these names. */
export const HEARTBEAT_RECEIVER = "homelab-heartbeat";
/** Receives nothing anywhere: the default when no receiver is configured, and the Watchdog's sink without a heartbeat. */
export const DISCARD_RECEIVER = "homelab-discard";
export const RESERVED_RECEIVERS = [HEARTBEAT_RECEIVER, DISCARD_RECEIVER] as const;

export const ROUTE_DEFAULTS = { groupWait: "30s", groupInterval: "5m", repeatInterval: "4h" } as const;
export const HEARTBEAT_INTERVAL = "1m";

type Matchers = readonly string[];

export interface AmRoute {
  readonly receiver: string;
  readonly matchers?: Matchers;
  readonly group_by?: readonly string[];
  readonly group_wait?: string;
  readonly group_interval?: string;
  readonly repeat_interval?: string;
  readonly routes?: readonly AmRoute[];
}

export interface AmInhibitRule {
  readonly source_matchers: Matchers;
  readonly target_matchers: Matchers;
  readonly equal: readonly string[];
}

export type AmReceiver = { readonly name: string } & Readonly<Record<string, unknown>>;

export interface AlertmanagerConfig {
  readonly route: AmRoute;
  readonly inhibit_rules: readonly AmInhibitRule[];
  readonly receivers: readonly AmReceiver[];
}

/**
 * What ntfy shows: its message templating (ntfy >= 2.10, `tpl=1`) renders
 * the title and body from Alertmanager's webhook JSON.
 */
const NTFY_TITLE = "[{{.status}}] {{.commonLabels.alertname}}";
const NTFY_MESSAGE = "{{range .alerts}}{{.annotations.summary}}\n{{end}}";

export function ntfyUrl(topicUrl: string): string {
  const sep = topicUrl.includes("?") ? "&" : "?";
  return `${topicUrl}${sep}tpl=1&t=${encodeURIComponent(NTFY_TITLE)}&m=${encodeURIComponent(NTFY_MESSAGE)}`;
}

function integrations(r: ReceiverConfig): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  if (r.email) {
    const e = r.email;
    out.email_configs = [
      {
        to: e.to,
        from: e.from,
        smarthost: e.smarthost,
        ...(e.username !== undefined ? { auth_username: e.username } : {}),
        ...(e.password !== undefined ? { auth_password: e.password } : {}),
        require_tls: e.requireTls ?? true,
        send_resolved: true,
      },
    ];
  }
  const webhooks: unknown[] = [];
  if (r.ntfy) {
    webhooks.push({
      url: ntfyUrl(r.ntfy.url),
      send_resolved: true,
      ...(r.ntfy.token !== undefined ? { http_config: { authorization: { type: "Bearer", credentials: r.ntfy.token } } } : {}),
    });
  }
  if (r.webhook) webhooks.push({ url: r.webhook.url, send_resolved: true });
  if (webhooks.length > 0) out.webhook_configs = webhooks;
  if (r.discord) out.discord_configs = [{ webhook_url: r.discord.webhookUrl, send_resolved: true }];
  if (r.slack) out.slack_configs = [{ api_url: r.slack.webhookUrl, ...(r.slack.channel !== undefined ? { channel: r.slack.channel } : {}), send_resolved: true }];
  if (r.telegram) out.telegram_configs = [{ bot_token: r.telegram.botToken, chat_id: r.telegram.chatId, send_resolved: true }];
  if (r.pushover) out.pushover_configs = [{ user_key: r.pushover.userKey, token: r.pushover.token, send_resolved: true }];
  return out;
}

/**
 * Inhibition: a cause silences the alerts it causes, in the same stack.
 * - HostDown (most targets down at once) silences everything but the Watchdog.
 * - Prometheus failing to scrape even itself silences every other "down" and scrape alert: its own failure, not theirs.
 * - A service's ServiceDown silences that service's other alerts (same `job`).
 */
export function inhibitRules(): AmInhibitRule[] {
  return [
    { source_matchers: ['alertname="HostDown"'], target_matchers: ['alertname!~"HostDown|Watchdog"'], equal: ["stack"] },
    {
      source_matchers: ['alertname="ServiceDown"', 'job="prometheus"'],
      target_matchers: ['alertname=~"ServiceDown|ScrapeFailing|HostDown"', 'job!="prometheus"'],
      equal: ["stack"],
    },
    { source_matchers: ['alertname="ServiceDown"', 'job=~".+"'], target_matchers: ['alertname!~"ServiceDown|Watchdog"'], equal: ["stack", "job"] },
  ];
}

export function alertmanagerConfig(a: AlertingConfig): AlertmanagerConfig {
  const declared = Object.entries(a.receivers ?? {});
  const route = a.route ?? {};
  const defaultReceiver = route.receiver ?? declared[0]?.[0] ?? DISCARD_RECEIVER;
  const heartbeatInterval = a.heartbeat?.interval ?? HEARTBEAT_INTERVAL;
  const watchdog: AmRoute = {
    receiver: a.heartbeat ? HEARTBEAT_RECEIVER : DISCARD_RECEIVER,
    matchers: ['alertname="Watchdog"'],
    group_wait: "0s",
    group_interval: heartbeatInterval,
    repeat_interval: heartbeatInterval,
  };
  const byService: AmRoute[] = Object.entries(route.byService ?? {}).map(([svc, receiver]) => ({ receiver, matchers: [`service="${svc}"`] }));
  const bySeverity: AmRoute[] = Object.entries(route.bySeverity ?? {}).flatMap(([sev, receiver]) => (receiver === undefined ? [] : [{ receiver, matchers: [`severity="${sev}"`] }]));
  const receivers: AmReceiver[] = [
    { name: DISCARD_RECEIVER },
    ...(a.heartbeat ? [{ name: HEARTBEAT_RECEIVER, webhook_configs: [{ url: a.heartbeat.url, send_resolved: false }] }] : []),
    ...declared.map(([name, r]) => ({ name, ...integrations(r) })),
  ];
  return {
    route: {
      receiver: defaultReceiver,
      group_by: ["alertname", "stack", "job"],
      group_wait: route.groupWait ?? ROUTE_DEFAULTS.groupWait,
      group_interval: route.groupInterval ?? ROUTE_DEFAULTS.groupInterval,
      repeat_interval: route.repeatInterval ?? ROUTE_DEFAULTS.repeatInterval,
      // First match wins: the Watchdog never reaches a person, a service's own receiver beats its severity's.
      routes: [watchdog, ...byService, ...bySeverity],
    },
    inhibit_rules: inhibitRules(),
    receivers,
  };
}

export function alertmanagerYaml(a: AlertingConfig): string {
  const doc = new Document(alertmanagerConfig(a));
  doc.commentBefore = " Generated by homelab from homelab:alerting; edit the stack file, not this. Holds secrets.";
  return doc.toString({ lineWidth: 0 });
}
