/**
 * The generated script, run for real with Debian's restic against a local
 * repository in a temporary folder. No Docker: a folder stands for each volume,
 * and a fake `docker` on PATH records what the hooks container would ask for.
 */
import { execFileSync, spawn, spawnSync, type SpawnSyncReturns } from "child_process";
import * as fs from "fs";
import * as http from "http";
import type { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { backupScript, type BackupScriptOptions } from "../../infra/backups/scripts";

const PASSWORD = "correct horse battery staple";

interface Sandbox {
  readonly dir: string;
  readonly data: string;
  readonly repo: string;
  readonly state: string;
  readonly script: string;
  run(args: readonly string[], extraEnv?: Record<string, string>): SpawnSyncReturns<string>;
  /** Without blocking the event loop (a server in this process must answer the script). */
  runAsync(args: readonly string[], extraEnv: Record<string, string>): Promise<number | null>;
  restic(args: readonly string[]): string;
}

const sandboxes: string[] = [];
afterAll(() => sandboxes.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function sandbox(opts: Partial<BackupScriptOptions> = {}): Sandbox {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-backup-"));
  sandboxes.push(dir);
  const data = path.join(dir, "data");
  const repo = path.join(dir, "repo");
  const state = path.join(dir, "state");
  fs.mkdirSync(data);
  const script = path.join(dir, "homelab-backup.sh");
  fs.writeFileSync(
    script,
    backupScript({
      host: "server",
      volumes: ["app-data", "pgdump"],
      retention: { keepDaily: 7, keepWeekly: 4, keepMonthly: 6, keepYearly: 1 },
      schedule: "30 3 * * *",
      drillSchedule: "0 5 * * 0",
      drillReadData: "100%",
      runnerContainer: "homelab-backup",
      ...opts,
    }),
  );
  const env = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: dir,
    HOMELAB_BACKUP_DATA: data,
    HOMELAB_BACKUP_STATE: state,
    RESTIC_REPOSITORY: repo,
    RESTIC_PASSWORD: PASSWORD,
  };
  return {
    dir,
    data,
    repo,
    state,
    script,
    run: (args, extraEnv = {}) => spawnSync("sh", [script, ...args], { encoding: "utf8", env: { ...env, ...extraEnv } }),
    runAsync: (args, extraEnv) =>
      new Promise((resolve) => spawn("sh", [script, ...args], { env: { ...env, ...extraEnv }, stdio: "ignore" }).on("close", resolve)),
    restic: (args) => execFileSync("restic", args, { encoding: "utf8", env: { ...env, RESTIC_CACHE_DIR: path.join(dir, "cache") } }),
  };
}

function write(root: string, files: Record<string, string | Buffer>): void {
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), content);
  }
}

/** Every file under root, relative path to its bytes. */
function tree(root: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(path.relative(root, p), fs.readFileSync(p));
    }
  };
  walk(root);
  return out;
}

/** Parses a Prometheus text file into `name{labels}` -> value. */
function metrics(file: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const m = /^(\S+) (\S+)$/.exec(line);
    if (!m) throw new Error(`not an exposition line: ${line}`);
    out.set(m[1], Number(m[2]));
  }
  return out;
}

interface Snapshot {
  readonly id: string;
  readonly time: string;
  readonly tags: readonly string[];
  readonly hostname: string;
}
const snapshots = (s: Sandbox): Snapshot[] => JSON.parse(s.restic(["snapshots", "--json"])) as Snapshot[];

describe("backup and restore", () => {
  const s = sandbox();
  const original = {
    "app-data/config.json": '{"name": "commander"}\n',
    "app-data/uploads/photo.bin": Buffer.from(Array.from({ length: 70000 }, (_, i) => (i * 7) % 256)),
    "app-data/empty.txt": "",
    "pgdump/commander.dump": "-- dump\n",
  };

  beforeAll(() => write(s.data, original));

  test("backs up every volume and reports files and bytes as metrics", () => {
    const r = s.run(["backup"]);
    expect(r.stderr).toContain("volume app-data: snapshot");
    expect(r.status).toBe(0);
    const snaps = snapshots(s);
    expect(snaps.map((x) => [...x.tags].sort())).toEqual([
      ["homelab", "volume=app-data"],
      ["homelab", "volume=pgdump"],
    ]);
    expect(snaps.every((x) => x.hostname === "server")).toBe(true);
    // The script's own restic passthrough (what the README's runbook uses) sees the same snapshots.
    const listed = JSON.parse(s.run(["restic", "snapshots", "--json"]).stdout) as Snapshot[];
    expect(listed.map((x) => x.id).sort()).toEqual(snaps.map((x) => x.id).sort());
    const m = metrics(path.join(s.state, "metrics", "backup-app-data.prom"));
    expect(m.get('homelab_backup_last_status{host="server",volume="app-data"}')).toBe(1);
    expect(m.get('homelab_backup_files{host="server",volume="app-data"}')).toBe(3);
    expect(m.get('homelab_backup_size_bytes{host="server",volume="app-data"}')).toBe(Buffer.byteLength('{"name": "commander"}\n') + 70000);
    const last = m.get('homelab_backup_last_success_timestamp_seconds{host="server",volume="app-data"}')!;
    expect(Math.abs(last - Date.now() / 1000)).toBeLessThan(120);
  });

  test("restore brings back the exact bytes and drops files added since", () => {
    write(s.data, { "app-data/config.json": "overwritten by a bad migration", "app-data/new-file.txt": "not in the snapshot" });
    fs.rmSync(path.join(s.data, "app-data/uploads/photo.bin"));
    const r = s.run(["restore", "app-data"]);
    expect(r.status).toBe(0);
    const restored = tree(path.join(s.data, "app-data"));
    expect([...restored.keys()].sort()).toEqual(["config.json", "empty.txt", "uploads/photo.bin"]);
    for (const [rel, content] of Object.entries(original).filter(([k]) => k.startsWith("app-data/"))) {
      expect(restored.get(rel.slice("app-data/".length))!.equals(Buffer.from(content))).toBe(true);
    }
  });

  test("restore of a named snapshot id", () => {
    const first = snapshots(s).find((x) => x.tags.includes("volume=pgdump"))!;
    write(s.data, { "pgdump/commander.dump": "-- newer dump\n" });
    expect(s.run(["backup", "pgdump"]).status).toBe(0);
    expect(s.run(["restore", "pgdump", first.id]).status).toBe(0);
    expect(fs.readFileSync(path.join(s.data, "pgdump/commander.dump"), "utf8")).toBe("-- dump\n");
  });

  test("refuses a snapshot id of another volume and leaves the volume untouched", () => {
    const pgdump = snapshots(s).find((x) => x.tags.includes("volume=pgdump"))!;
    const before = tree(path.join(s.data, "app-data"));
    const r = s.run(["restore", "app-data", pgdump.id]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`snapshot ${pgdump.id} is not a snapshot of volume app-data`);
    expect(tree(path.join(s.data, "app-data"))).toEqual(before);
  });

  test("a volume that is not mounted fails the run and keeps the last success time", () => {
    const before = metrics(path.join(s.state, "metrics", "backup-app-data.prom"));
    fs.renameSync(path.join(s.data, "app-data"), path.join(s.dir, "moved"));
    try {
      const r = s.run(["backup", "app-data"]);
      expect(r.status).toBe(1);
      const after = metrics(path.join(s.state, "metrics", "backup-app-data.prom"));
      expect(after.get('homelab_backup_last_status{host="server",volume="app-data"}')).toBe(0);
      const key = 'homelab_backup_last_success_timestamp_seconds{host="server",volume="app-data"}';
      expect(after.get(key)).toBe(before.get(key));
    } finally {
      fs.renameSync(path.join(s.dir, "moved"), path.join(s.data, "app-data"));
    }
  });

  test("the drill passes on a healthy repository and cleans up its scratch space", () => {
    const r = s.run(["drill"]);
    expect(r.stderr).toContain("drill passed");
    expect(r.status).toBe(0);
    expect(fs.existsSync(path.join(s.state, "scratch"))).toBe(false);
    const m = metrics(path.join(s.state, "metrics", "drill.prom"));
    expect(m.get('homelab_restore_drill_success{host="server"}')).toBe(1);
  });
});

describe("restore drill on a corrupted repository", () => {
  test("fails, and says so in its metrics", () => {
    const s = sandbox();
    write(s.data, { "app-data/a.txt": "a".repeat(5000), "pgdump/b.txt": "b".repeat(5000) });
    expect(s.run(["backup"]).status).toBe(0);
    // Flip bytes in the middle of every data pack: what a failing disk does.
    const packDir = path.join(s.repo, "data");
    let corrupted = 0;
    for (const sub of fs.readdirSync(packDir)) {
      for (const pack of fs.readdirSync(path.join(packDir, sub))) {
        const p = path.join(packDir, sub, pack);
        fs.chmodSync(p, 0o600);
        const bytes = fs.readFileSync(p);
        for (let i = 20; i < 60 && i < bytes.length; i++) bytes[i] ^= 0xff;
        fs.writeFileSync(p, bytes);
        corrupted++;
      }
    }
    expect(corrupted).toBeGreaterThan(0);
    const r = s.run(["drill"]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("drill FAILED");
    const m = metrics(path.join(s.state, "metrics", "drill.prom"));
    expect(m.get('homelab_restore_drill_success{host="server"}')).toBe(0);
    expect(m.has('homelab_restore_drill_last_success_timestamp_seconds{host="server"}')).toBe(false);
  });
});

describe("forget applies the retention per volume", () => {
  test("keeps the newest per day for keepDaily days and the newest per ISO week for keepWeekly weeks", () => {
    const s = sandbox({ retention: { keepDaily: 3, keepWeekly: 2, keepMonthly: 0, keepYearly: 0 } });
    write(s.data, { "app-data/x": "x", "pgdump/y": "y" });
    const backup = (volume: string, time: string): void => {
      s.restic(["backup", "--host", "server", "--tag", "homelab", "--tag", `volume=${volume}`, "--time", time, path.join(s.data, volume)]);
    };
    s.restic(["init"]);
    for (let day = 1; day <= 10; day++) backup("app-data", `2026-01-${String(day).padStart(2, "0")} 03:30:00`);
    backup("app-data", "2026-01-10 15:00:00");
    backup("pgdump", "2026-01-01 03:30:00");
    const r = s.run(["forget"]);
    expect(r.status).toBe(0);
    const kept = snapshots(s).map((x) => `${x.tags.find((t) => t.startsWith("volume="))} ${x.time.slice(0, 10)} ${x.time.slice(11, 16)}`);
    // 2026-01-01 is a Thursday: ISO week 1 ends Sunday 2026-01-04, week 2 holds the 5th to the 11th.
    expect(kept.sort()).toEqual([
      "volume=app-data 2026-01-04 03:30",
      "volume=app-data 2026-01-08 03:30",
      "volume=app-data 2026-01-09 03:30",
      "volume=app-data 2026-01-10 15:00",
      "volume=pgdump 2026-01-01 03:30",
    ]);
  });
});

describe("hooks: quiesce a service around its volumes' backup", () => {
  /** A `docker` that logs its arguments and runs `exec homelab-backup sh …` here, as the runner would. */
  function fakeDocker(s: Sandbox, failStop: boolean): { env: Record<string, string>; calls: () => string[] } {
    const bin = path.join(s.dir, "bin");
    const log = path.join(s.dir, "docker.log");
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(
      path.join(bin, "docker"),
      `#!/bin/sh
echo "$*" >> ${JSON.stringify(log)}
if [ "$1" = stop ] && [ ${failStop ? 1 : 0} = 1 ]; then exit 1; fi
if [ "$1" = exec ] && [ "$2" = homelab-backup ]; then shift 4; exec sh ${JSON.stringify(s.script)} "$@"; fi
exit 0
`,
      { mode: 0o755 },
    );
    return {
      env: { PATH: `${bin}:${process.env.PATH ?? "/usr/bin:/bin"}` },
      calls: () => fs.readFileSync(log, "utf8").trim().split("\n").map((l) => l.replace(/\S*homelab-backup\.sh/, "SCRIPT")),
    };
  }
  const hooks = [
    { service: "commander", containerName: "commander", host: "server", volumes: ["app-data"], consistency: { kind: "stop" as const } },
    { service: "postgres", containerName: "postgres", host: "server", volumes: ["pgdump"], consistency: { kind: "exec" as const, command: ["pg_dump", "-U", "commander", "-f", "/dump/commander.sql"] } },
  ];

  test("stops, backs up, starts; runs the pre-command before the dump volume's backup; then forgets", () => {
    const s = sandbox({ hooks });
    write(s.data, { "app-data/a": "a", "pgdump/commander.sql": "-- sql" });
    const docker = fakeDocker(s, false);
    const r = s.run(["hooked-backup"], docker.env);
    expect(r.status).toBe(0);
    expect(docker.calls()).toEqual([
      "stop -t 120 commander",
      "exec homelab-backup sh SCRIPT backup app-data",
      "start commander",
      "exec postgres pg_dump -U commander -f /dump/commander.sql",
      "exec homelab-backup sh SCRIPT backup pgdump",
      "exec homelab-backup sh SCRIPT forget",
    ]);
    expect(snapshots(s)).toHaveLength(2);
  });

  test("a service that cannot be stopped is not backed up and is reported as failed", () => {
    const s = sandbox({ hooks: [hooks[0]] });
    write(s.data, { "app-data/a": "a" });
    const docker = fakeDocker(s, true);
    const r = s.run(["hooked-backup"], docker.env);
    expect(r.status).toBe(1);
    expect(docker.calls()).toEqual(["stop -t 120 commander", "exec homelab-backup sh SCRIPT fail app-data", "exec homelab-backup sh SCRIPT forget"]);
    const m = metrics(path.join(s.state, "metrics", "backup-app-data.prom"));
    expect(m.get('homelab_backup_last_status{host="server",volume="app-data"}')).toBe(0);
  });
});

describe("cron-match: the scheduler's reading of the schedule", () => {
  const s = sandbox();
  test.each([
    ["30 3 * * *", "30 03 02 12 3", true],
    ["30 3 * * *", "31 03 02 12 3", false],
    ["*/15 * * * *", "45 01 01 01 1", true],
    ["*/15 * * * *", "46 01 01 01 1", false],
    ["0 5 * * 0", "00 05 06 12 0", true],
    ["0 5 * * 0", "00 05 07 12 1", false],
    ["0 5 1 * 0", "00 05 06 12 3", false],
    ["0 5 1 * 0", "00 05 01 12 3", true],
    ["0 2-4 * * 1,3,5", "00 03 09 12 3", true],
    ["0 2-4 * * 1,3,5", "00 05 09 12 3", false],
    ["0 8 * * *", "00 08 09 09 3", true],
  ])("%s at %s -> %s", (cron, now, expected) => {
    expect(s.run(["cron-match", cron, now]).status).toBe(expected ? 0 : 1);
  });
});

describe("metrics reach the Pushgateway", () => {
  test("each volume's result is POSTed under its own grouping key, so a failed run keeps the last success", async () => {
    const received: { method: string; url: string; body: string }[] = [];
    const server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        received.push({ method: req.method ?? "", url: req.url ?? "", body });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const s = sandbox({ volumes: ["app-data"] });
      write(s.data, { "app-data/a": "a" });
      const code = await s.runAsync(["backup"], { PUSHGATEWAY_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
      expect(code).toBe(0);
      expect(received.map((r) => [r.method, r.url])).toEqual([["POST", "/metrics/job/homelab_backup/host/server/volume/app-data"]]);
      expect(received[0].body).toContain('homelab_backup_last_status{host="server",volume="app-data"} 1\n');
      expect(received[0].body).toContain("# TYPE homelab_backup_last_success_timestamp_seconds gauge\n");
    } finally {
      server.close();
    }
  });
});
