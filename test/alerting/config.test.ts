import { decodeConfigValue, engineConfigFromStackFile } from "../../infra/context";
import { runCli } from "../../infra/errors";
import { loadModel } from "../../infra/load";
import type { HomelabModel } from "../../infra/model";
import { promqlSyntaxError } from "../../infra/alerting/promql";
import { editStack, problemsOf } from "../support/stacks";

function load(stack: string, text: string): HomelabModel {
  const file = `Pulumi.${stack}.yaml`;
  const engine = engineConfigFromStackFile(text, file);
  const values = Object.fromEntries(Object.entries(engine.values).map(([k, v]) => [k, decodeConfigValue(v)]));
  return loadModel({ file, stack, values, secureLeaves: engine.secureLeaves });
}
const edited = (stack: string, edits: Parameters<typeof editStack>[1]): HomelabModel => load(stack, editStack(stack, edits));
const problems = (stack: string, edits: Parameters<typeof editStack>[1]): string[] => problemsOf(() => edited(stack, edits));
/** Any ciphertext-shaped value: the plan never decrypts, so the engine hands the program "[secret]". */
const SECURE = { secure: "v1:AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" };

// Seed 003's alerts, as its operator would write them.
const SEED_003_ALERTS = [
  { name: "TtsFailureRate", expr: 'sum(rate(tts_requests_total{status="error"}[5m])) / sum(rate(tts_requests_total[5m])) > 0.1', for: "10m", severity: "critical", summary: "more than 10% of TTS requests fail" },
  { name: "DatabaseLarge", expr: "max(sqlite_db_size_bytes) > 2e9", summary: "the SQLite file is above 2 GB" },
  { name: "DiskAbove80", expr: '100 * (1 - node_filesystem_avail_bytes{mountpoint="/"} / node_filesystem_size_bytes{mountpoint="/"}) > 80', for: "15m", summary: "root disk above 80%" },
];

describe("custom alerts in the service schema", () => {
  it("accepts seed 003's alerts and fills the defaults (for 5m, severity warning)", () => {
    const m = edited("homelab", [[["homelab:services", "commander", "alerts"], SEED_003_ALERTS]]);
    const alerts = m.services.find((s) => s.key === "commander")!.alerts;
    expect(alerts.map((a) => [a.name, a.for, a.severity])).toEqual([
      ["TtsFailureRate", "10m", "critical"],
      ["DatabaseLarge", "5m", "warning"],
      ["DiskAbove80", "15m", "warning"],
    ]);
  });

  it("refuses an expression that does not parse as PromQL, naming the key, with every problem at once", () => {
    const bad = [
      SEED_003_ALERTS[0],
      { name: "Broken", expr: "sum(rate(tts_requests_total[5m])", summary: "x" },
      { name: "AlsoBroken", expr: "up ==", summary: "y" },
    ];
    const p = problems("homelab", [[["homelab:services", "commander", "alerts"], bad]]);
    expect(p).toHaveLength(2);
    expect(p[0]).toMatch(/^Pulumi\.homelab\.yaml: homelab:services\.commander\.alerts\[1\]\.expr: is not valid PromQL: syntax error at column \d+/);
    expect(p[1]).toMatch(/^Pulumi\.homelab\.yaml: homelab:services\.commander\.alerts\[2\]\.expr: is not valid PromQL/);
  });

  it("refuses the names of built-in alerts that routing and inhibition match on", () => {
    expect(problems("homelab", [[["homelab:services", "commander", "alerts"], [{ name: "HostDown", expr: "up == 0", summary: "s" }]]])).toEqual([
      'Pulumi.homelab.yaml: homelab:services.commander.alerts[0].name: "HostDown" is a built-in alert that routing and inhibition depend on; choose another name',
    ]);
  });

  it("refuses a bad alert name, duration or severity through the schema", () => {
    const p = problems("homelab", [[["homelab:services", "commander", "alerts"], [{ name: "tts failing", expr: "up == 0", for: "soon", severity: "page", summary: "s" }]]]);
    expect(p.map((x) => x.split(": ")[1]).sort()).toEqual([
      "homelab:services.commander.alerts[0].for",
      "homelab:services.commander.alerts[0].name",
      "homelab:services.commander.alerts[0].severity",
    ]);
  });

  it("exits 2 without a stack trace on a bad expression", async () => {
    const text = editStack("homelab", [[["homelab:services", "commander", "alerts"], [{ name: "Broken", expr: "rate(x[5m]", summary: "s" }]]]);
    const writes: string[] = [];
    const spy = jest.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    try {
      await runCli(async () => {
        load("homelab", text);
        return 0;
      });
    } finally {
      spy.mockRestore();
    }
    expect(process.exitCode).toBe(2);
    process.exitCode = undefined;
    expect(writes.join("")).toContain("homelab:services.commander.alerts[0].expr: is not valid PromQL");
    expect(writes.join("")).not.toMatch(/\n\s+at /);
  });
});

describe("promqlSyntaxError (Prometheus's own grammar)", () => {
  it.each([
    'up{job="commander"} == 0',
    "histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[5m]))) > 2",
    "predict_linear(node_filesystem_avail_bytes[6h], 86400) < 0",
    "vector(1)",
  ])("accepts %s", (expr) => expect(promqlSyntaxError(expr)).toBeUndefined());

  it.each(["rate(x[5m]", "up ==", "sum by job (x)", "foo bar", "   "])("refuses %s", (expr) => expect(promqlSyntaxError(expr)).toBeDefined());
});

describe("homelab:alerting", () => {
  const receivers = { phone: { ntfy: { url: SECURE } }, ops: { email: { to: "ops@miravaz.com", from: "lab@miravaz.com", smarthost: "smtp.miravaz.com:587", username: "lab", password: SECURE } } };

  it("accepts receivers of every kind, with their credentials as secrets", () => {
    const all = {
      a: { email: receivers.ops.email },
      b: { ntfy: { url: SECURE, token: SECURE } },
      c: { discord: { webhookUrl: SECURE } },
      d: { slack: { webhookUrl: SECURE, channel: "#alerts" } },
      e: { telegram: { botToken: SECURE, chatId: -1001234567890 } },
      f: { pushover: { userKey: SECURE, token: SECURE } },
      g: { webhook: { url: SECURE } },
    };
    const m = edited("homelab", [[["homelab:alerting"], { receivers: all, heartbeat: { url: SECURE } }]]);
    expect(Object.keys(m.alerting.receivers ?? {})).toEqual(["a", "b", "c", "d", "e", "f", "g"]);
    expect(m.alerting.receivers!.c.discord!.webhookUrl).toBe("[secret]");
  });

  it("refuses credentials and webhook URLs written as plain text", () => {
    const p = problems("homelab", [
      [["homelab:alerting"], { receivers: { phone: { ntfy: { url: "https://ntfy.sh/miravaz-alerts" } }, chat: { discord: { webhookUrl: "https://discord.com/api/webhooks/1/abc" } } }, heartbeat: { url: "https://hc-ping.com/uuid" } }],
    ]);
    expect(p).toEqual(
      expect.arrayContaining([
        expect.stringContaining("homelab:alerting.receivers.phone.ntfy.url: must be a secret"),
        expect.stringContaining("homelab:alerting.receivers.chat.discord.webhookUrl: must be a secret"),
        expect.stringContaining("homelab:alerting.heartbeat.url: must be a secret"),
      ]),
    );
    expect(p.join("\n")).not.toContain("miravaz-alerts");
  });

  it("refuses routes to undeclared receivers or services, empty receivers and reserved names", () => {
    const p = problems("homelab", [
      [
        ["homelab:alerting"],
        { receivers: { ...receivers, empty: {}, "homelab-discard": { webhook: { url: SECURE } } }, route: { receiver: "pager", bySeverity: { critical: "sms" }, byService: { ledger: "ops" } } },
      ],
    ]);
    expect(p.sort()).toEqual(
      [
        'Pulumi.homelab.yaml: homelab:alerting.receivers.empty: declare at least one of email, ntfy, discord, slack, telegram, pushover or webhook',
        'Pulumi.homelab.yaml: homelab:alerting.receivers.homelab-discard: "homelab-discard" is reserved for the platform\'s own receiver; choose another name',
        'Pulumi.homelab.yaml: homelab:alerting.route.receiver: unknown receiver "pager" (declared: phone, ops, empty, homelab-discard)',
        'Pulumi.homelab.yaml: homelab:alerting.route.bySeverity.critical: unknown receiver "sms" (declared: phone, ops, empty, homelab-discard)',
        'Pulumi.homelab.yaml: homelab:alerting.route.byService.ledger: unknown service "ledger"',
      ].sort(),
    );
  });

  it("still checks alerting while monitoring is off (it is inert then), and refuses unknown keys", () => {
    expect(problems("homelab", [[["homelab:features", "monitoring"], false], [["homelab:alerting"], { receivers, route: { receiver: "pager" } }]])).toEqual([
      'Pulumi.homelab.yaml: homelab:alerting.route.receiver: unknown receiver "pager" (declared: phone, ops)',
    ]);
    expect(problems("homelab", [[["homelab:alerting"], { receivers, route: { repeat: "1h" } }]])).toEqual([
      "Pulumi.homelab.yaml: homelab:alerting.route.repeat: unknown key (check the spelling; see README)",
    ]);
  });
});
