import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConfigError } from "../../infra/errors";
import { parseStackConfig, StackFile, writeFileAtomic, type AtomicWriteFs } from "../../infra/stackfile";
import { FIXTURES } from "../promote/helpers";

/** The message a user reads for a stack file that does not parse, as the CLI prints it. */
function parseError(text: string, file = "/srv/stacks/Pulumi.x.yaml"): string {
  try {
    StackFile.parse(text, file);
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error("expected a ConfigError");
}

const services = (...lines: string[]): string => ["config:", "  homelab:services:", ...lines, ""].join("\n");

describe("stack file structure", () => {
  it("rejects a stack file that is not a map", () => {
    expect(parseError("# a list by mistake\n- encryptionsalt\n- config\n")).toBe(
      "invalid configuration (1 problem):\n  - Pulumi.x.yaml: line 2: a stack file must be a map (encryptionsalt, config)",
    );
  });

  it("rejects a config that is not a map", () => {
    expect(parseError("encryptionsalt: x\nconfig: [homelab:release]\n")).toBe(
      "invalid configuration (1 problem):\n  - Pulumi.x.yaml: config: line 2: must be a map of namespaced keys",
    );
  });

  it("rejects homelab:services that is not a map", () => {
    expect(parseError("config:\n  homelab:release: v1.0.0\n  homelab:services: 7\n")).toBe(
      "invalid configuration (1 problem):\n  - Pulumi.x.yaml: homelab:services: line 3: must be a map of service name to settings",
    );
  });

  it("rejects service names that are not strings, and keeps looking after them", () => {
    const text = services("    1: { image: a:sha-1234567 }", "    api: { image: a:sha-1234567 }", "    ? [b]", "    : {}", "    web: 5");
    expect(parseError(text)).toBe(
      "invalid configuration (3 problems):\n" +
        "  - Pulumi.x.yaml: homelab:services: line 3: service names must be plain strings\n" +
        "  - Pulumi.x.yaml: homelab:services: line 5: service names must be plain strings\n" +
        "  - Pulumi.x.yaml: homelab:services.web: line 7: must be a map of settings",
    );
  });

  it("rejects an image that is not a string", () => {
    expect(parseError(services("    api:", "      port: 80", "      image: [a, b]", "    web:", "      image: 1.0"))).toBe(
      "invalid configuration (2 problems):\n" +
        "  - Pulumi.x.yaml: homelab:services.api.image: line 5: must be an image reference string\n" +
        "  - Pulumi.x.yaml: homelab:services.web.image: line 7: must be an image reference string",
    );
  });

  it("takes an explicit key without a value as absent, at every level", () => {
    expect(StackFile.parse("encryptionsalt: x\n? config\n", "Pulumi.x.yaml").services()).toEqual([]);
    expect(StackFile.parse("config:\n  ? homelab:services\n", "Pulumi.x.yaml").services()).toEqual([]);
    expect(StackFile.parse(services("    # no settings yet", "    ? api", "    web:", "      ? image"), "Pulumi.x.yaml").services()).toEqual([
      { service: "api", image: undefined, path: "homelab:services.api.image", line: 4 },
      { service: "web", image: undefined, path: "homelab:services.web.image", line: 5 },
    ]);
  });

  it("gives each image's line, or the service's line when it has no image", () => {
    const s = StackFile.read(path.join(FIXTURES, "Pulumi.homelab.yaml"));
    expect(s.services().map((x) => [x.service, x.line])).toEqual([
      ["api", 13],
      ["web", 19],
      ["worker", 21],
      ["postgres", 24],
      ["sidecar", 28],
    ]);
  });
});

describe("YAML errors", () => {
  it("puts line and column first and drops yaml's own position suffix and excerpt", () => {
    const text = services(
      "    api:",
      "      image: a:sha-1234567",
      "      port: 1",
      "      memory: 1g",
      "      cpus: 1",
      "      env: {}",
      "      user: app",
      "    web: { image: b:sha-1234567, image: c:sha-1234567 }",
    );
    expect(parseError(text)).toBe("invalid configuration (1 problem):\n  - Pulumi.x.yaml: line 10, column 34: Map keys must be unique");
  });

  it("reports bad indentation at the line that breaks", () => {
    expect(parseError("config:\n  homelab:release: v1\n   homelab:services: {}\n")).toBe(
      "invalid configuration (2 problems):\n" +
        "  - Pulumi.x.yaml: line 2, column 20: Nested mappings are not allowed in compact mappings\n" +
        "  - Pulumi.x.yaml: line 2, column 20: Implicit keys need to be on a single line",
    );
  });
});

describe("reading a file", () => {
  it("tells a missing file from one that cannot be read", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-read-"));
    try {
      const read = (file: string): string => {
        try {
          StackFile.read(file);
        } catch (err) {
          return (err as Error).message;
        }
        return "read";
      };
      expect(read(path.join(dir, "Pulumi.ghost.yaml"))).toBe("invalid configuration (1 problem):\n  - Pulumi.ghost.yaml: no such stack file");
      const folder = path.join(dir, "Pulumi.folder.yaml");
      fs.mkdirSync(folder);
      expect(read(folder)).toBe("invalid configuration (1 problem):\n  - Pulumi.folder.yaml: cannot be read (EISDIR)");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("gives config values as plain data and their lines", () => {
    const s = StackFile.read(path.join(FIXTURES, "Pulumi.homelab.yaml"));
    expect(s.getConfig("homelab:services", "worker")).toEqual({ image: "ghcr.io/acme/api:sha-1a2b3c4", memory: "512m" });
    expect(s.getConfig("homelab:github", "owner")).toBe("acme");
    expect(s.getConfig("homelab:github", "token")).toEqual({ secure: "v1:Z2l0aHVi:Z2gtdG9rZW4tY2lwaGVydGV4dC1mb3ItaG9tZWxhYg==" });
    expect(s.lineOf("homelab:services", "worker", "memory")).toBe(22);
    expect(s.lineOf("homelab:services", "ghost")).toBe(0);
    expect(s.lineOf("homelab:nothing")).toBe(0);
  });

  it("reads an empty file as an empty document", () => {
    expect(StackFile.parse("", "Pulumi.x.yaml").toJS()).toEqual({});
    expect(StackFile.parse("# nothing yet\n", "Pulumi.x.yaml").toJS()).toEqual({});
    expect(parseStackConfig("", "Pulumi.x.yaml")).toEqual({ file: "Pulumi.x.yaml", config: {}, secretKeys: [], secureLeafPaths: [] });
  });
});

describe("editing guards", () => {
  const edit = (text: string, image: string): string => {
    try {
      return StackFile.parse(text, "/srv/Pulumi.t.yaml").setImage("api", image).text;
    } catch (err) {
      return `error: ${(err as Error).message}`;
    }
  };

  it("refuses an edit that does not read back, such as a comma inside a flow map", () => {
    expect(edit(services("    api: { image: a:sha-1234567, port: 80 }"), "a,b")).toBe(
      'error: Pulumi.t.yaml: homelab:services.api.image did not read back as "a,b"',
    );
  });

  it("refuses an edit that makes the file unreadable", () => {
    expect(edit(services("    api: { image: a:sha-1234567, port: 80 }"), "x}")).toBe(
      "error: Pulumi.t.yaml: editing images produced an unreadable file; nothing was written " +
        "(invalid configuration (1 problem):\n  - Pulumi.t.yaml: line 3, column 21: Unexpected scalar at node end)",
    );
  });

  it("refuses an edit that would also change another value through an alias", () => {
    expect(edit(services("    api:", "      image: &img a:sha-1234567", "      label: *img"), "b:sha-7654321")).toBe(
      "error: Pulumi.t.yaml: editing images changed other values; nothing was written",
    );
  });
});

describe("quoting", () => {
  it("double-quotes a plain value that would read back as another type", () => {
    expect(edit1(services("    api:", "      image: a:sha-1234567"), "1.0")).toBe(services("    api:", '      image: "1.0"'));
    expect(edit1(services("    api:", "      image: a:sha-1234567"), "null")).toBe(services("    api:", '      image: "null"'));
  });

  it("leaves a plain value plain when it reads back as the same string", () => {
    expect(edit1(services("    api:", "      image: a:sha-1234567"), "yes")).toBe(services("    api:", "      image: yes"));
  });

  it("keeps single quotes, which already make it a string", () => {
    expect(edit1(services("    api:", "      image: 'a:sha-1234567'"), "1.0")).toBe(services("    api:", "      image: '1.0'"));
  });

  it("keeps a block scalar's indentation", () => {
    expect(edit1(services("    api:", "      image: >-", "        a:sha-1234567", "      port: 1"), "b:sha-7654321")).toBe(
      services("    api:", "      image: >-", "        b:sha-7654321", "      port: 1"),
    );
  });

  function edit1(text: string, image: string): string {
    const after = StackFile.parse(text, "Pulumi.t.yaml").setImage("api", image);
    expect(after.getImage("api")).toBe(image);
    return after.text;
  }
});

describe("secure values", () => {
  it("are exactly a map with one string `secure` key", () => {
    const text = [
      "config:",
      "  homelab:extra: {secure: v1:x, other: 1}",
      "  homelab:number: {secure: 5}",
      "  homelab:other: {other: v1:y}",
      "  homelab:list: [secure]",
      "  homelab:empty: ~",
      "  homelab:nested: {list: [~, {secure: v1:z}]}",
      "",
    ].join("\n");
    expect(parseStackConfig(text, "Pulumi.t.yaml")).toEqual({
      file: "Pulumi.t.yaml",
      config: {
        "homelab:extra": { secure: "v1:x", other: 1 },
        "homelab:number": { secure: 5 },
        "homelab:other": { other: "v1:y" },
        "homelab:list": ["secure"],
        "homelab:empty": null,
        "homelab:nested": { list: [null, "[secret]"] },
      },
      secretKeys: ["homelab:nested"],
      secureLeafPaths: ["homelab:nested.list[1]"],
    });
  });
});

describe("writeFileAtomic's system calls", () => {
  type Call = (string | number | undefined)[];

  /** Real fs, logging each call with fds named by what was opened; `fail` names calls that throw instead. */
  function recording(dir: string, fail: (call: Call) => boolean = () => false): { fs: AtomicWriteFs; calls: Call[] } {
    const calls: Call[] = [];
    const names = new Map<number, string>();
    const name = (f: string): string => (f === dir ? "dir" : path.dirname(f) === dir && path.basename(f).startsWith(".") ? "tmp" : path.basename(f));
    const log = <T>(call: Call, run: () => T): T => {
      calls.push(call);
      if (fail(call)) throw new Error(`simulated ${call.join(" ")} failure`);
      return run();
    };
    const fd = (n: number): string => names.get(n) ?? String(n);
    return {
      calls,
      fs: {
        openSync: (f, flags, mode) =>
          log(["open", name(f), flags, mode], () => {
            const n = fs.openSync(f, flags, mode);
            names.set(n, name(f));
            return n;
          }),
        writeSync: (n, b, o, l) => log(["write", fd(n), o, l], () => fs.writeSync(n, b, o, l)),
        fsyncSync: (n) => log(["fsync", fd(n)], () => fs.fsyncSync(n)),
        closeSync: (n) => log(["close", n === undefined ? undefined : fd(n)], () => fs.closeSync(n)),
        renameSync: (a, b) => log(["rename", name(a), name(b)], () => fs.renameSync(a, b)),
        unlinkSync: (f) => log(["unlink", name(f)], () => fs.unlinkSync(f)),
        statSync: (f) => log(["stat", name(f)], () => fs.statSync(f)),
      },
    };
  }

  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-atomic-"));
    file = path.join(dir, "Pulumi.dev.yaml");
    fs.writeFileSync(file, "original\n", { mode: 0o640 });
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("flushes and closes the file, renames it, then flushes and closes the directory", () => {
    const r = recording(dir);
    writeFileAtomic(file, "new\n", r.fs);
    expect(r.calls).toEqual([
      ["stat", "Pulumi.dev.yaml"],
      ["open", "tmp", "wx", 0o640],
      ["write", "tmp", 0, 4],
      ["fsync", "tmp"],
      ["close", "tmp"],
      ["rename", "tmp", "Pulumi.dev.yaml"],
      ["open", "dir", "r", undefined],
      ["fsync", "dir"],
      ["close", "dir"],
    ]);
    expect(fs.readFileSync(file, "utf8")).toBe("new\n");
  });

  it("closes and removes the temporary file when flushing it fails", () => {
    const r = recording(dir, (c) => c[0] === "fsync" && c[1] === "tmp");
    expect(() => writeFileAtomic(file, "new\n", r.fs)).toThrow("simulated fsync tmp failure");
    expect(r.calls.slice(3)).toEqual([["fsync", "tmp"], ["close", "tmp"], ["unlink", "tmp"]]);
  });

  it("reports the first failure when closing after it fails too", () => {
    const r = recording(dir, (c) => (c[0] === "fsync" || c[0] === "close") && c[1] === "tmp");
    expect(() => writeFileAtomic(file, "new\n", r.fs)).toThrow("simulated fsync tmp failure");
    expect(r.calls.slice(3)).toEqual([["fsync", "tmp"], ["close", "tmp"], ["unlink", "tmp"]]);
    expect(fs.readdirSync(dir)).toEqual(["Pulumi.dev.yaml"]);
  });

  it("closes nothing when the temporary file could not be opened", () => {
    const r = recording(dir, (c) => c[0] === "open");
    expect(() => writeFileAtomic(file, "new\n", r.fs)).toThrow("simulated open tmp wx 416 failure");
    expect(r.calls).toEqual([["stat", "Pulumi.dev.yaml"], ["open", "tmp", "wx", 0o640], ["unlink", "tmp"]]);
  });

  it("still succeeds when the directory cannot be opened, and closes nothing then", () => {
    const r = recording(dir, (c) => c[0] === "open" && c[1] === "dir");
    writeFileAtomic(file, "new\n", r.fs);
    expect(r.calls.slice(-2)).toEqual([["rename", "tmp", "Pulumi.dev.yaml"], ["open", "dir", "r", undefined]]);
    expect(fs.readFileSync(file, "utf8")).toBe("new\n");
  });

  it("closes the directory even when flushing it fails", () => {
    const r = recording(dir, (c) => c[0] === "fsync" && c[1] === "dir");
    writeFileAtomic(file, "new\n", r.fs);
    expect(r.calls.slice(-3)).toEqual([["open", "dir", "r", undefined], ["fsync", "dir"], ["close", "dir"]]);
    expect(fs.readFileSync(file, "utf8")).toBe("new\n");
  });
});
