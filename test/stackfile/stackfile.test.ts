import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConfigError } from "../../infra/errors";
import { parseStackConfig, readStackConfig, StackFile, writeFileAtomic, type AtomicWriteFs } from "../../infra/stackfile";
import { changedLines, copyFixtures, FIXTURES, removeCopies, REPO } from "../promote/helpers";

const fixture = (stack: string): string => path.join(FIXTURES, `Pulumi.${stack}.yaml`);
const DIGEST = "ghcr.io/acme/web@sha256:" + "f".repeat(64);

afterEach(removeCopies);

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error("expected a ConfigError");
}

describe("reading", () => {
  it("lists services in file order with their images, key paths and lines", () => {
    const s = StackFile.read(fixture("homelab"));
    expect(s.services().map((x) => [x.service, x.image])).toEqual([
      ["api", "ghcr.io/acme/api:sha-1a2b3c4"],
      ["web", "ghcr.io/acme/web:sha-0000001"],
      ["worker", "ghcr.io/acme/api:sha-1a2b3c4"],
      ["postgres", "postgres:16.4"],
      ["sidecar", undefined],
    ]);
    const api = s.services()[0];
    expect(api.path).toBe("homelab:services.api.image");
    expect(s.text.split("\n")[api.line - 1]).toContain("image: ghcr.io/acme/api:sha-1a2b3c4");
    expect([...s.images().keys()]).toEqual(["api", "web", "worker", "postgres"]);
    expect(s.hasService("sidecar")).toBe(true);
    expect(s.getImage("sidecar")).toBeUndefined();
  });

  it("names the file and line of a YAML syntax error", () => {
    const err = configError(() => StackFile.parse("config:\n  homelab:services:\n    api: [unclosed\n    web:\n", "/x/Pulumi.bad.yaml"));
    expect(err.message).toMatch(/Pulumi\.bad\.yaml: line 4, column 5: Flow sequence/);
  });

  it("lists every structural problem at once, with key path and line", () => {
    const text = ["config:", "  homelab:services:", "    api:", "      image: 42", "    web: just-a-string", "    db:", "      image: {secure: v1:abc}", ""].join("\n");
    const err = configError(() => StackFile.parse(text, "Pulumi.odd.yaml"));
    expect(err.problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      "homelab:services.api.image: line 4: must be an image reference string",
      "homelab:services.web: line 5: must be a map of settings",
      "homelab:services.db.image: line 7: must be an image reference string",
    ]);
    expect(err.message).toContain("Pulumi.odd.yaml: homelab:services.api.image: line 4");
  });

  it("rejects duplicate keys instead of silently taking one", () => {
    const err = configError(() => StackFile.parse("config:\n  homelab:services:\n    api:\n      image: a:sha-1234567\n      image: b:sha-1234567\n", "Pulumi.dup.yaml"));
    expect(err.message).toMatch(/Pulumi\.dup\.yaml: line 5, column 7: Map keys must be unique$/m);
  });

  it("reports a missing file by name", () => {
    const err = configError(() => StackFile.read("/nonexistent/Pulumi.ghost.yaml"));
    expect(err.message).toContain("Pulumi.ghost.yaml: no such stack file");
  });

  it("treats a file without services as having none", () => {
    expect(StackFile.parse("encryptionsalt: x\n", "Pulumi.empty.yaml").services()).toEqual([]);
    expect(StackFile.parse("", "Pulumi.blank.yaml").services()).toEqual([]);
  });
});

describe("setting images", () => {
  const changes = new Map([
    ["api", "ghcr.io/acme/api:sha-9f8e7d6"],
    ["web", DIGEST],
    ["worker", "ghcr.io/acme/api:sha-9f8e7d6"],
    ["postgres", "postgres:16.5"],
  ]);

  it("changes only the image scalars, each in its own quoting style with its comment", () => {
    const before = StackFile.read(fixture("homelab"));
    const after = before.setImages(changes);
    expect(changedLines(before.text, after.text)).toEqual([
      { line: 13, before: "      image: ghcr.io/acme/api:sha-1a2b3c4 # promoted 2024-05-01", after: "      image: ghcr.io/acme/api:sha-9f8e7d6 # promoted 2024-05-01" },
      {
        line: 19,
        before: '    web: { image: "ghcr.io/acme/web:sha-0000001", port: 80 }   # flow style on purpose',
        after: `    web: { image: "${DIGEST}", port: 80 }   # flow style on purpose`,
      },
      { line: 21, before: '      image:   "ghcr.io/acme/api:sha-1a2b3c4"', after: '      image:   "ghcr.io/acme/api:sha-9f8e7d6"' },
      { line: 24, before: "      image: postgres:16.4", after: "      image: postgres:16.5" },
    ]);
    for (const [service, image] of changes) expect(after.getImage(service)).toBe(image);
  });

  it("keeps every secure value and comment byte for byte", () => {
    const before = StackFile.read(fixture("dev"));
    const after = before.setImages(new Map([["api", "ghcr.io/acme/api:sha-aaaaaaa"], ["web", DIGEST]]));
    const keep = (t: string): string[] => t.split("\n").filter((l) => /secure|#/.test(l));
    expect(keep(after.text)).toEqual(keep(before.text).map((l) => l.replace("sha-2b3c4d5   #", "sha-aaaaaaa   #")));
    const rest = (t: string): string => t.replace(/^.*image:.*$/gm, "");
    expect(rest(after.text)).toBe(rest(before.text));
    expect(after.text).toContain("'" + DIGEST + "'");
  });

  it.each(["dev", "homelab", "prod"])("changes exactly the image lines of the shipped Pulumi.%s.yaml", (stack) => {
    const before = StackFile.read(path.join(REPO, `Pulumi.${stack}.yaml`));
    // Counted from the raw text, so an image line services() missed would fail here rather than drop from both sides.
    expect(before.services().length).toBe((before.text.match(/^ {6}image:/gm) ?? []).length);
    const next = new Map(before.services().map((s, i) => [s.service, `ghcr.io/acme/${s.service}:sha-${String(i).padStart(7, "0")}`]));
    expect(next.size).toBeGreaterThan(1);
    const after = before.setImages(next);
    const lines = before.text.split("\n");
    expect(changedLines(before.text, after.text)).toEqual(
      before.services().map((s) => ({ line: s.line, before: lines[s.line - 1], after: lines[s.line - 1].replace(s.image!, next.get(s.service)!) })),
    );
    for (const [service, image] of next) expect(after.getImage(service)).toBe(image);
  });

  it("keeps CRLF line endings", () => {
    const text = "config:\r\n  homelab:services:\r\n    api:\r\n      image: 'a/b:sha-1234567' # c\r\n      port: 1\r\n";
    const after = StackFile.parse(text, "Pulumi.crlf.yaml").setImage("api", "a/b:sha-7654321");
    expect(after.text).toBe(text.replace("sha-1234567", "sha-7654321"));
  });

  it("returns the same file when nothing changes", () => {
    const s = StackFile.read(fixture("homelab"));
    expect(s.setImage("api", "ghcr.io/acme/api:sha-1a2b3c4")).toBe(s);
  });

  it("never creates services or image keys", () => {
    const s = StackFile.read(fixture("homelab"));
    expect(() => s.setImage("ghost", "x:sha-1234567")).toThrow("homelab:services.ghost does not exist");
    expect(() => s.setImage("sidecar", "x:sha-1234567")).toThrow("homelab:services.sidecar.image does not exist");
    expect(() => s.setImage("api", "evil # injected")).toThrow("is not an image reference");
  });

  it("quotes a plain value that YAML would otherwise read as another type", () => {
    const s = StackFile.parse("config:\n  homelab:services:\n    api:\n      image: x:sha-1234567 # c\n", "Pulumi.t.yaml");
    const after = s.setImage("api", "true");
    expect(after.text).toBe('config:\n  homelab:services:\n    api:\n      image: "true" # c\n');
    expect(after.getImage("api")).toBe("true");
  });
});

describe("readStackConfig", () => {
  it("gives the program's view: namespaced keys, secure leaves replaced, secret keys listed", () => {
    const c = readStackConfig(fixture("homelab"));
    expect(c.file).toBe(fixture("homelab"));
    expect(Object.keys(c.config)).toEqual(["homelab:hosts", "homelab:github", "homelab:services"]);
    const services = c.config["homelab:services"] as Record<string, Record<string, unknown>>;
    expect(services.api.secretEnvironment).toEqual({ DB_PASSWORD: "[secret]" });
    expect(services.postgres.secretEnvironment).toEqual({ POSTGRES_PASSWORD: "[secret]" });
    expect((c.config["homelab:github"] as Record<string, unknown>).token).toBe("[secret]");
    expect(c.secretKeys).toEqual(["homelab:github", "homelab:services"]);
    expect(c.secureLeafPaths).toEqual([
      "homelab:github.token",
      "homelab:services.api.secretEnvironment.DB_PASSWORD",
      "homelab:services.postgres.secretEnvironment.POSTGRES_PASSWORD",
    ]);
    expect(JSON.stringify(c.config)).not.toContain("v1:");
  });

  it("takes the placeholder from the caller, per leaf when given a function", () => {
    const text = "config:\n  homelab:x:\n    list:\n      - secure: v1:a\n      - plain\n";
    const c = parseStackConfig(text, "Pulumi.t.yaml", { placeholder: (leaf) => `<${leaf.path}=${leaf.ciphertext}>` });
    expect(c.config).toEqual({ "homelab:x": { list: ["<homelab:x.list[0]=v1:a>", "plain"] } });
    expect(parseStackConfig(text, "Pulumi.t.yaml", { placeholder: "***" }).config).toEqual({ "homelab:x": { list: ["***", "plain"] } });
  });

  it("names the file and line when the file does not parse", () => {
    const dir = copyFixtures([]);
    const file = path.join(dir, "Pulumi.broken.yaml");
    fs.writeFileSync(file, "config:\n  homelab:services: {\n");
    expect(() => readStackConfig(file)).toThrow(/Pulumi\.broken\.yaml: line \d+/);
  });
});

describe("writeFileAtomic", () => {
  const listing = (dir: string): string[] => fs.readdirSync(dir).sort();

  it("replaces the file, keeps its mode and leaves no temporary file", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-atomic-"));
    try {
      const file = path.join(dir, "Pulumi.dev.yaml");
      fs.writeFileSync(file, "old\n", { mode: 0o600 });
      writeFileAtomic(file, "new ✓\n");
      expect(fs.readFileSync(file, "utf8")).toBe("new ✓\n");
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(listing(dir)).toEqual(["Pulumi.dev.yaml"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("writes the temporary file beside the target, so the rename never crosses filesystems", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-atomic-"));
    try {
      const file = path.join(dir, "Pulumi.dev.yaml");
      fs.writeFileSync(file, "old\n");
      const opened: string[] = [];
      const renamed: [string, string][] = [];
      const watching: AtomicWriteFs = {
        openSync: (f, flags, mode) => (opened.push(f), fs.openSync(f, flags, mode)),
        writeSync: (fd, b, o, l) => fs.writeSync(fd, b, o, l),
        fsyncSync: (fd) => fs.fsyncSync(fd),
        closeSync: (fd) => fs.closeSync(fd),
        renameSync: (a, b) => (renamed.push([a, b]), fs.renameSync(a, b)),
        unlinkSync: (f) => fs.unlinkSync(f),
        statSync: (f) => fs.statSync(f),
      };
      writeFileAtomic(file, "new\n", watching);
      // The second open is the directory, for the fsync that makes the rename durable.
      expect(opened).toHaveLength(2);
      expect(opened[1]).toBe(dir);
      expect(path.dirname(opened[0])).toBe(dir);
      expect(opened[0]).not.toBe(file);
      expect(renamed).toEqual([[opened[0], file]]);
      expect(fs.readFileSync(file, "utf8")).toBe("new\n");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  /** Real fs, except that each write(2) takes at most `cap(call)` bytes, as a pipe, NFS or a full disk may. */
  const shortWriting = (cap: (call: number) => number): AtomicWriteFs => {
    let calls = 0;
    return {
      openSync: (f, flags, mode) => fs.openSync(f, flags, mode),
      writeSync: (fd, b, o, l) => fs.writeSync(fd, b, o, Math.min(l, cap(calls++))),
      fsyncSync: (fd) => fs.fsyncSync(fd),
      closeSync: (fd) => fs.closeSync(fd),
      renameSync: (a, b) => fs.renameSync(a, b),
      unlinkSync: (f) => fs.unlinkSync(f),
      statSync: (f) => fs.statSync(f),
    };
  };

  it("writes the whole text when the filesystem accepts a few bytes per write", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-atomic-"));
    try {
      const file = path.join(dir, "Pulumi.dev.yaml");
      fs.writeFileSync(file, "old\n");
      writeFileAtomic(file, "config:\n  homelab:release: v1.2.3 # née\n", shortWriting(() => 5));
      expect(fs.readFileSync(file, "utf8")).toBe("config:\n  homelab:release: v1.2.3 # née\n");
      expect(listing(dir)).toEqual(["Pulumi.dev.yaml"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("never renames a truncated file into place when the filesystem stops accepting bytes", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-atomic-"));
    try {
      const file = path.join(dir, "Pulumi.dev.yaml");
      fs.writeFileSync(file, "original\n");
      expect(() => writeFileAtomic(file, "replacement text\n", shortWriting((call) => (call === 0 ? 4 : 0)))).toThrow(/short write/);
      expect(fs.readFileSync(file, "utf8")).toBe("original\n");
      expect(listing(dir)).toEqual(["Pulumi.dev.yaml"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each(["openSync", "writeSync", "fsyncSync", "closeSync", "renameSync"] as const)("leaves the original untouched when %s fails", (step) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-atomic-"));
    try {
      const file = path.join(dir, "Pulumi.dev.yaml");
      fs.writeFileSync(file, "original\n");
      const failing: AtomicWriteFs = {
        openSync: (f, flags, mode) => fs.openSync(f, flags, mode),
        writeSync: (fd, b, o, l) => fs.writeSync(fd, b, o, l),
        fsyncSync: (fd) => fs.fsyncSync(fd),
        closeSync: (fd) => fs.closeSync(fd),
        renameSync: (a, b) => fs.renameSync(a, b),
        unlinkSync: (f) => fs.unlinkSync(f),
        statSync: (f) => fs.statSync(f),
        [step]: () => {
          throw new Error(`simulated ${step} failure`);
        },
      };
      expect(() => writeFileAtomic(file, "replacement\n", failing)).toThrow(`simulated ${step} failure`);
      expect(fs.readFileSync(file, "utf8")).toBe("original\n");
      expect(listing(dir)).toEqual(["Pulumi.dev.yaml"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
