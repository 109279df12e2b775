import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { alertmanagerYaml, type AlertmanagerConfig } from "../../infra/alerting/alertmanager";
import type { AlertingConfig } from "../../infra/alerting/schema";
import { layOut, removeLaidOut, runTool } from "./tools";

afterAll(removeLaidOut);

/** Every receiver kind, with values shaped like the real ones (the tool checks URL syntax). */
const FULL: AlertingConfig = {
  receivers: {
    phone: { ntfy: { url: "https://ntfy.sh/miravaz-alerts-7f3k", token: "tk_example" }, pushover: { userKey: "uQiRzpo4DXghDmr9QzzfQu27cmVRsG", token: "azGDORePK8gMaC0QOYAMyEEuzJnyUi" } },
    ops: { email: { to: "ops@miravaz.com", from: "homelab@miravaz.com", smarthost: "smtp.miravaz.com:587", username: "homelab", password: "smtp-password" } },
    chat: {
      discord: { webhookUrl: "https://discord.com/api/webhooks/123/abc" },
      slack: { webhookUrl: "https://hooks.slack.com/services/T0/B0/x", channel: "#alerts" },
      telegram: { botToken: "123456:ABC-DEF", chatId: -1001234567890 },
    },
    hook: { webhook: { url: "https://hooks.miravaz.com/alertmanager" } },
  },
  route: { receiver: "chat", bySeverity: { critical: "phone", warning: "chat" }, byService: { commander: "ops" }, repeatInterval: "12h" },
  heartbeat: { url: "https://hc-ping.com/5f3b2a10-0000-4000-8000-000000000000" },
};

function checked(a: AlertingConfig): { dir: string; file: string; config: AlertmanagerConfig } {
  const text = alertmanagerYaml(a);
  const dir = layOut({ "etc/alertmanager/alertmanager.yml": text });
  return { dir, file: path.join(dir, "etc/alertmanager/alertmanager.yml"), config: parse(text) as AlertmanagerConfig };
}

/** The receiver amtool resolves for an alert with these labels (Alertmanager's own routing code). */
function routedTo(file: string, labels: Record<string, string>): string {
  const r = runTool("amtool", ["config", "routes", "test", `--config.file=${file}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)]);
  expect(r.status).toBe(0);
  return r.output.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("Warning:")).join(",");
}

describe("alertmanager.yml", () => {
  it("passes amtool check-config with every receiver kind, the heartbeat and the routes", () => {
    const { file } = checked(FULL);
    const r = runTool("amtool", ["check-config", file]);
    expect(r.output).toContain("SUCCESS");
    expect(r.status).toBe(0);
    expect(r.output).toMatch(/ 6 receivers/);
    expect(r.output).toMatch(/ 3 inhibit rules/);
  });

  it("routes as amtool resolves it: Watchdog to the heartbeat, a service's receiver over its severity's, then severity, then the default", () => {
    const { file } = checked(FULL);
    expect(routedTo(file, { alertname: "Watchdog", severity: "none" })).toBe("homelab-heartbeat");
    expect(routedTo(file, { alertname: "ServiceDown", service: "commander", severity: "critical" })).toBe("ops");
    expect(routedTo(file, { alertname: "ServiceDown", service: "sentinel", severity: "critical" })).toBe("phone");
    expect(routedTo(file, { alertname: "DiskUsageHigh", severity: "warning" })).toBe("chat");
    expect(routedTo(file, { alertname: "Custom", severity: "info" })).toBe("chat");
  });

  it("writes each integration with Alertmanager's field names and the default intervals", () => {
    const { config } = checked(FULL);
    const r = Object.fromEntries(config.receivers.map((x) => [x.name, x]));
    expect(r.ops.email_configs).toEqual([
      { to: "ops@miravaz.com", from: "homelab@miravaz.com", smarthost: "smtp.miravaz.com:587", auth_username: "homelab", auth_password: "smtp-password", require_tls: true, send_resolved: true },
    ]);
    const ntfy = (r.phone.webhook_configs as { url: string; http_config: unknown }[])[0];
    const url = new URL(ntfy.url);
    expect(url.origin + url.pathname).toBe("https://ntfy.sh/miravaz-alerts-7f3k");
    // ntfy's message templating renders Alertmanager's JSON (ntfy >= 2.10).
    expect(url.searchParams.get("tpl")).toBe("1");
    expect(url.searchParams.get("t")).toContain("{{.commonLabels.alertname}}");
    expect(ntfy.http_config).toEqual({ authorization: { type: "Bearer", credentials: "tk_example" } });
    expect(r.chat.telegram_configs).toEqual([{ bot_token: "123456:ABC-DEF", chat_id: -1001234567890, send_resolved: true }]);
    expect(r["homelab-heartbeat"].webhook_configs).toEqual([{ url: "https://hc-ping.com/5f3b2a10-0000-4000-8000-000000000000", send_resolved: false }]);
    expect(config.route).toMatchObject({ receiver: "chat", group_wait: "30s", group_interval: "5m", repeat_interval: "12h" });
    expect(config.route.routes![0]).toMatchObject({ matchers: ['alertname="Watchdog"'], repeat_interval: "1m", group_wait: "0s" });
  });

  it("lets a cause silence what it causes, never across stacks and never the Watchdog", () => {
    const { config } = checked(FULL);
    expect(config.inhibit_rules).toEqual([
      { source_matchers: ['alertname="HostDown"'], target_matchers: ['alertname!~"HostDown|Watchdog"'], equal: ["stack"] },
      { source_matchers: ['alertname="ServiceDown"', 'job="prometheus"'], target_matchers: ['alertname=~"ServiceDown|ScrapeFailing|HostDown"', 'job!="prometheus"'], equal: ["stack"] },
      { source_matchers: ['alertname="ServiceDown"', 'job=~".+"'], target_matchers: ['alertname!~"ServiceDown|Watchdog"'], equal: ["stack", "job"] },
    ]);
  });

  it("without homelab:alerting, sends everything to a receiver that notifies no one (and still loads)", () => {
    const { file, config } = checked({});
    expect(runTool("amtool", ["check-config", file]).status).toBe(0);
    expect(config.receivers).toEqual([{ name: "homelab-discard" }]);
    expect(routedTo(file, { alertname: "ServiceDown", severity: "critical" })).toBe("homelab-discard");
    expect(routedTo(file, { alertname: "Watchdog" })).toBe("homelab-discard");
  });

  it("is refused by amtool when a receiver URL is broken (the check is not a rubber stamp)", () => {
    const { file } = checked({ receivers: { hook: { webhook: { url: "not a url" } } } });
    expect(runTool("amtool", ["check-config", file]).status).not.toBe(0);
    expect(fs.existsSync(file)).toBe(true);
  });
});
