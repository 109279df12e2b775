/**
 * `homelab:alerting` (receivers, routing, heartbeat) and the per-service
 * `alerts:` list. Every token, password and webhook URL is a secret: a
 * webhook URL is a credential, since whoever holds it can post as us.
 */
import { z } from "zod";

/** Alertmanager and Prometheus durations (`30s`, `5m`, `4h`, `1d`). */
export const promDuration = z.string().regex(/^(\d+(ms|s|m|h|d|w|y))+$/, "must be a duration such as 30s, 5m or 4h");
const receiverName = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, "must be lowercase letters, digits, '_' or '-'");
/** A secret value: validated only for presence, because the plan sees "[secret]" in its place. */
const secret = z.string().min(1);

const emailReceiver = z.strictObject({
  to: z.string().min(1),
  from: z.string().min(1),
  /** `host:port` of the SMTP server. */
  smarthost: z.string().regex(/^[^\s:]+:\d+$/, "must be host:port"),
  username: z.string().optional(),
  /** SMTP password (secure). */
  password: secret.optional(),
  requireTls: z.boolean().optional(),
});

const ntfyReceiver = z.strictObject({
  /** Topic URL, for example https://ntfy.sh/<topic> (secure: the topic name is the credential on a public server). */
  url: secret,
  /** Access token for a protected topic (secure). */
  token: secret.optional(),
});

const discordReceiver = z.strictObject({ webhookUrl: secret });
const slackReceiver = z.strictObject({ webhookUrl: secret, channel: z.string().optional() });
const telegramReceiver = z.strictObject({ botToken: secret, chatId: z.number().int() });
const pushoverReceiver = z.strictObject({ userKey: secret, token: secret });
const webhookReceiver = z.strictObject({ url: secret });

/** One receiver: any mix of integrations, each notified for every alert routed to it. */
export const receiverSchema = z.strictObject({
  email: emailReceiver.optional(),
  ntfy: ntfyReceiver.optional(),
  discord: discordReceiver.optional(),
  slack: slackReceiver.optional(),
  telegram: telegramReceiver.optional(),
  pushover: pushoverReceiver.optional(),
  webhook: webhookReceiver.optional(),
});

export const SEVERITIES = ["critical", "warning", "info"] as const;
export type Severity = (typeof SEVERITIES)[number];

const routeSchema = z.strictObject({
  /** Receiver for everything no rule below claims; defaults to the first receiver. */
  receiver: receiverName.optional(),
  /** Receiver per severity label. */
  bySeverity: z.partialRecord(z.enum(SEVERITIES), receiverName).optional(),
  /** Receiver per service key (alerts labelled `service`); wins over bySeverity. */
  byService: z.record(z.string(), receiverName).optional(),
  groupWait: promDuration.optional(),
  groupInterval: promDuration.optional(),
  repeatInterval: promDuration.optional(),
});

const heartbeatSchema = z.strictObject({
  /** Dead man's switch URL (healthchecks.io style), pinged while the Watchdog alert fires (secure). */
  url: secret,
  /** How often the ping repeats; the checker's period must be longer. */
  interval: promDuration.optional(),
});

export const alertingSchema = z.strictObject({
  receivers: z.record(receiverName, receiverSchema).optional(),
  route: routeSchema.optional(),
  heartbeat: heartbeatSchema.optional(),
});

/** One custom alert of a service, turned into a Prometheus alerting rule. */
export const customAlertSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an alert name such as TtsFailureRate"),
  /** PromQL; checked by Prometheus's own grammar when the config loads. */
  expr: z.string().min(1),
  for: promDuration.optional(),
  severity: z.enum(SEVERITIES).optional(),
  summary: z.string().min(1),
});

export type AlertingConfig = z.infer<typeof alertingSchema>;
export type ReceiverConfig = z.infer<typeof receiverSchema>;
export type CustomAlertConfig = z.infer<typeof customAlertSchema>;

/** Secret key paths under `homelab:` (SECRET_PATHS syntax). */
export const ALERTING_SECRET_PATHS: readonly string[] = [
  "alerting.receivers.*.email.password",
  "alerting.receivers.*.ntfy.url",
  "alerting.receivers.*.ntfy.token",
  "alerting.receivers.*.discord.webhookUrl",
  "alerting.receivers.*.slack.webhookUrl",
  "alerting.receivers.*.telegram.botToken",
  "alerting.receivers.*.pushover.userKey",
  "alerting.receivers.*.pushover.token",
  "alerting.receivers.*.webhook.url",
  "alerting.heartbeat.url",
];
