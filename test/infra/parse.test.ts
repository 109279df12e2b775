import { isIp, parseMemory, parsePortString, parseVolumeString, splitCommand, volumeFrom } from "../../infra/parse";

describe("parsePortString (Compose short syntax)", () => {
  it.each([
    ["8000", { hostIp: undefined, published: undefined, target: 8000, protocol: "tcp" }],
    ["8001:8000", { hostIp: undefined, published: 8001, target: 8000, protocol: "tcp" }],
    ["127.0.0.1:8080:80", { hostIp: "127.0.0.1", published: 8080, target: 80, protocol: "tcp" }],
    ["127.0.0.1::80", { hostIp: "127.0.0.1", published: undefined, target: 80, protocol: "tcp" }],
    ["[::1]:53:53/udp", { hostIp: "::1", published: 53, target: 53, protocol: "udp" }],
    ["0.0.0.0:443:8443", { hostIp: "0.0.0.0", published: 443, target: 8443, protocol: "tcp" }],
  ])("%s", (spec, expected) => {
    expect(parsePortString(spec)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ["8000-8010:8000-8010", /port ranges are not supported/],
    ["70000:80", /host port 70000 is outside 1-65535/],
    ["80/sctp", /protocol "sctp" must be tcp or udp/],
    ["localhost:80:80", /host IP "localhost" is not an IP address/],
    ["a:b:c:d", /is not \[HOST_IP:\]/],
    ["web", /container port "web" is not a port number/],
  ])("rejects %s", (spec, message) => {
    const r = parsePortString(spec);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });
});

describe("parseVolumeString", () => {
  it("reads a named volume", () => {
    expect(parseVolumeString("pgdata:/var/lib/postgresql/data")).toEqual({
      ok: true,
      value: { type: "volume", source: "pgdata", target: "/var/lib/postgresql/data", readOnly: false },
    });
  });

  it("reads a read-only bind mount, including a Windows drive path", () => {
    expect(parseVolumeString("/srv/config:/etc/app:ro")).toMatchObject({ ok: true, value: { type: "bind", readOnly: true } });
    expect(parseVolumeString("C:/miravaz-stack/data:/data")).toMatchObject({
      ok: true,
      value: { type: "bind", source: "C:/miravaz-stack/data", target: "/data" },
    });
  });

  it.each([
    ["./data:/data", /is relative/],
    ["data:relative/path", /must be absolute/],
    ["data:/data:rx", /mode "rx" must be ro or rw/],
    ["bad name!:/data", /volume name "bad name!"/],
    ["justone", /is not SOURCE:TARGET/],
  ])("rejects %s", (spec, message) => {
    const r = parseVolumeString(spec);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });
});

describe("parseMemory", () => {
  it.each([
    ["512m", 512],
    ["2g", 2048],
    ["1.5G", 1536],
    ["256MiB", 256],
    [300, 300],
  ])("%s is %i MiB", (spec, mib) => {
    expect(parseMemory(spec)).toEqual({ ok: true, value: mib });
  });

  it.each(["lots", "1k", "-5m"])("rejects %s", (spec) => {
    expect(parseMemory(spec).ok).toBe(false);
  });
});

describe("splitCommand", () => {
  it("splits like a shell, keeping quoted words whole", () => {
    expect(splitCommand(`uvicorn main:app --host 0.0.0.0 --port 8000`)).toEqual(["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8000"]);
    expect(splitCommand(`sh -c "echo 'hi there' && sleep 1"`)).toEqual(["sh", "-c", "echo 'hi there' && sleep 1"]);
  });
});

describe("parsePortString edge cases", () => {
  it.each([
    [" 8000 ", { hostIp: undefined, published: undefined, target: 8000, protocol: "tcp" }],
    ["1", { hostIp: undefined, published: undefined, target: 1, protocol: "tcp" }],
    ["65535:80/tcp", { hostIp: undefined, published: 65535, target: 80, protocol: "tcp" }],
  ])("reads %j", (spec, expected) => {
    expect(parsePortString(spec)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ["0", 'container port 0 is outside 1-65535'],
    ["65536", 'container port 65536 is outside 1-65535'],
    ["80a", 'container port "80a" is not a port number'],
    ["a80", 'container port "a80" is not a port number'],
    ["/80", 'protocol "80" must be tcp or udp'],
    ["[::1", '"[::1" has an unterminated IPv6 address'],
    ["[::1]53", '"[::1]53" has an unterminated IPv6 address'],
    ["[::1]:53", '"[::1]:53" is not [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]'],
    ["[::1]:1:2:3", '"[::1]:1:2:3" is not [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]'],
  ])("refuses %j", (spec, error) => {
    expect(parsePortString(spec)).toEqual({ ok: false, error });
  });
});

describe("isIp", () => {
  it.each(["10.0.100.1", "255.255.255.255", "0.0.0.0", "::1", "fe80::1"])("accepts %s", (text) => {
    expect(isIp(text)).toBe(true);
  });

  it.each(["256.1.1.1", "1.1.1.300", "1.1.2.3.4", "1.2.3.4.5", "abc", "g::1", "::1g", "localhost"])("refuses %s", (text) => {
    expect(isIp(text)).toBe(false);
  });
});

describe("volume edge cases", () => {
  it.each([
    ["data:/b:ro:x", '"data:/b:ro:x" is not SOURCE:TARGET[:ro|rw]'],
    ["~/data:/data", 'host path "~/data" is relative: the Docker host may be another machine, so give an absolute path'],
    ["./data:/data", 'host path "./data" is relative: the Docker host may be another machine, so give an absolute path'],
  ])("refuses %s", (spec, error) => {
    expect(parseVolumeString(spec)).toEqual({ ok: false, error });
  });

  it("refuses a bind mount whose source is a bare name", () => {
    expect(volumeFrom("data", "/data", false, "bind")).toEqual({ ok: false, error: 'host path "data" must be absolute' });
  });
});

describe("parseMemory edge cases", () => {
  it.each([
    [" 512m ", 512],
    ["1.25g", 1280],
    ["6m", 6],
  ])("%j is %i MiB", (spec, mib) => {
    expect(parseMemory(spec)).toEqual({ ok: true, value: mib });
  });

  it.each([
    [0, "memory must be positive"],
    ["x512m", 'memory "x512m" is not a size such as 512m or 2g'],
    ["512mx", 'memory "512mx" is not a size such as 512m or 2g'],
    ["5m", 'memory "5m" is below Docker\'s 6 MiB minimum'],
  ])("refuses %j", (spec, error) => {
    expect(parseMemory(spec)).toEqual({ ok: false, error });
  });
});

describe("splitCommand quoting", () => {
  it("keeps single-quoted words whole, empty ones too", () => {
    expect(splitCommand(`echo 'hello world' ''`)).toEqual(["echo", "hello world", ""]);
  });

  it("unescapes inside double quotes", () => {
    expect(splitCommand(`say "a \\"b\\""`)).toEqual(["say", 'a "b"']);
  });
});
