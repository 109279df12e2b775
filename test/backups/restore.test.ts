import { runRestoreCli, type RestoreDeps } from "../../infra/cli/restore";

interface Captured {
  out: string;
  err: string;
  runs: string[][];
  asked: number;
}

async function cli(argv: string[], deps: { confirm?: boolean; fail?: (argv: readonly string[]) => boolean } = {}): Promise<{ code: number } & Captured> {
  const c: Captured = { out: "", err: "", runs: [], asked: 0 };
  const d: RestoreDeps = {
    run: async (a) => {
      c.runs.push([...a]);
      return deps.fail?.(a) ? 1 : 0;
    },
    confirm: async () => {
      c.asked++;
      return deps.confirm ?? false;
    },
  };
  const code = await runRestoreCli(argv, { stdout: (t) => (c.out += t), stderr: (t) => (c.err += t) }, d);
  return { code, ...c };
}

const H = ["docker", "--host", "ssh://deploy@vps.miravaz.cloud"];
const SCRIPT = "/opt/homelab-backup/homelab-backup.sh";
const PROD_POSTGRES = [
  [...H, "exec", "homelab-backup", "sh", SCRIPT, "stage", "pgdump", "latest"],
  [...H, "stop", "--time", "120", "postgres"],
  [
    ...H, "run", "--rm", "--network", "none", "--security-opt", "no-new-privileges:true",
    "--cap-drop", "ALL", "--cap-add", "CHOWN", "--cap-add", "DAC_OVERRIDE", "--cap-add", "FOWNER", "--cap-add", "FSETID",
    "--volume", "homelab-backup-staging-prod:/staging:ro", "--volume", "pgdump:/target",
    "--entrypoint", "/bin/sh", "restic/restic:0.17.3", "-c", 'find "$1" -mindepth 1 -maxdepth 1 -exec rm -rf {} + && cp -a "$2/." "$1/"', "sh", "/target", "/staging/pgdump",
  ],
  [...H, "exec", "homelab-backup", "sh", SCRIPT, "unstage", "pgdump"],
  [...H, "start", "postgres"],
];

describe("npm run restore", () => {
  test("--dry-run prints the exact steps against the host's endpoint and runs nothing", async () => {
    const r = await cli(["--stack", "prod", "--service", "postgres", "--dry-run"]);
    expect(r.code).toBe(0);
    expect(r.runs).toEqual([]);
    expect(r.asked).toBe(0);
    const commands = r.out.split("\n").filter((l) => l.startsWith("   docker")).map((l) => l.trim());
    expect(commands).toEqual([
      "docker --host ssh://deploy@vps.miravaz.cloud exec homelab-backup sh /opt/homelab-backup/homelab-backup.sh stage pgdump latest",
      "docker --host ssh://deploy@vps.miravaz.cloud stop --time 120 postgres",
      "docker --host ssh://deploy@vps.miravaz.cloud run --rm --network none --security-opt no-new-privileges:true --cap-drop ALL --cap-add CHOWN --cap-add DAC_OVERRIDE --cap-add FOWNER --cap-add FSETID --volume homelab-backup-staging-prod:/staging:ro --volume pgdump:/target --entrypoint /bin/sh restic/restic:0.17.3 -c 'find \"$1\" -mindepth 1 -maxdepth 1 -exec rm -rf {} + && cp -a \"$2/.\" \"$1/\"' sh /target /staging/pgdump",
      "docker --host ssh://deploy@vps.miravaz.cloud exec homelab-backup sh /opt/homelab-backup/homelab-backup.sh unstage pgdump",
      "docker --host ssh://deploy@vps.miravaz.cloud start postgres",
    ]);
  });

  test("refuses to run without confirmation", async () => {
    const r = await cli(["--stack", "prod", "--service", "postgres"], { confirm: false });
    expect(r.code).toBe(1);
    expect(r.asked).toBe(1);
    expect(r.runs).toEqual([]);
    expect(r.err).toContain("not confirmed: nothing was run");
  });

  test("runs the steps in order once confirmed, or with --yes without asking", async () => {
    const asked = await cli(["--stack", "prod", "--service", "postgres"], { confirm: true });
    expect(asked.code).toBe(0);
    expect(asked.runs).toEqual(PROD_POSTGRES);
    const yes = await cli(["--stack", "prod", "--service", "postgres", "--yes", "--snapshot", "4f9c2e1a"]);
    expect(yes.asked).toBe(0);
    expect(yes.runs[0]).toEqual([...H, "exec", "homelab-backup", "sh", SCRIPT, "stage", "pgdump", "4f9c2e1a"]);
    expect(yes.code).toBe(0);
  });

  test("a failed staging stops nothing; a failed stop starts the service again; a failed copy leaves it stopped", async () => {
    const stage = await cli(["--stack", "prod", "--service", "postgres", "--yes"], { fail: (a) => a.includes("stage") });
    expect(stage.code).toBe(1);
    expect(stage.runs).toEqual([PROD_POSTGRES[0]]);
    const stop = await cli(["--stack", "prod", "--service", "postgres", "--yes"], { fail: (a) => a.includes("stop") });
    expect(stop.runs).toEqual([PROD_POSTGRES[0], PROD_POSTGRES[1], PROD_POSTGRES[4]]);
    const copy = await cli(["--stack", "prod", "--service", "postgres", "--yes"], { fail: (a) => a.includes("run") });
    expect(copy.code).toBe(1);
    expect(copy.runs).toEqual(PROD_POSTGRES.slice(0, 3));
    expect(copy.err).toContain("postgres stays stopped");
  });

  test.each([
    [["--service", "postgres"], "required option '--stack <stack>'"],
    [["--stack", "prod"], "required option '--service <service>'"],
    [["--stack", "prod", "--service", "postgres", "--bogus"], "unknown option '--bogus'"],
    [["--stack", "prod", "--service", "nope"], 'no service "nope" in Pulumi.prod.yaml'],
    [["--stack", "prod", "--service", "postgres", "--snapshot", "yesterday"], '--snapshot must be "latest" or a snapshot id'],
    [["--stack", "prod", "--service", "postgres", "--volume", "pgdata"], "--volume pgdata is not a backed-up volume of postgres (backed up: pgdump)"],
    [["--stack", "dev", "--service", "postgres"], "stack dev has no homelab:backups"],
    [["--stack", "nosuchstack", "--service", "postgres"], "Pulumi.nosuchstack.yaml"],
  ])("exits 2 on bad arguments: %j", async (argv, message) => {
    const r = await cli(argv);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(r.runs).toEqual([]);
  });
});

describe("README", () => {
  test("documents every option of npm run restore as its --help prints it", async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const readme = (require("fs") as typeof import("fs")).readFileSync(require.resolve("../../README.md"), "utf8");
    const start = readme.indexOf("#### `npm run restore` options");
    const section = readme.slice(start, readme.indexOf("\n#", start + 1));
    const documented = section
      .split("\n")
      .slice(1)
      .filter((l) => l.startsWith("| `"))
      .map((l) => /^\| `([^`]+)`/.exec(l)![1]);
    const help = await cli(["--help"]);
    expect(help.code).toBe(0);
    const declared = help.out
      .split("\n")
      .map((l) => /^\s{2}((?:-\w, )?--[a-z][a-z-]*(?: <[^>]+>)?)/.exec(l)?.[1])
      .filter((f): f is string => f !== undefined && !f.endsWith("--help"));
    expect(declared.length).toBeGreaterThan(5);
    expect([...documented].sort()).toEqual([...declared].sort());
  });
});
