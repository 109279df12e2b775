/**
 * The Go formatting the Docker provider's Read applies, checked against
 * values Go itself prints (time.Duration.String(), and the provider's
 * nanoInt64ToDecimalString over docker/cli's ParseCPUs).
 */
import { canonicalCpus, canonicalDuration, goDurationString, parseGoDuration } from "../../infra/providers/goFormat";

describe("Go durations", () => {
  test.each([
    ["0s", "0s"],
    ["5s", "5s"],
    ["30s", "30s"],
    ["60s", "1m0s"],
    ["90s", "1m30s"],
    ["2m", "2m0s"],
    ["1h", "1h0m0s"],
    ["90m", "1h30m0s"],
    ["500ms", "500ms"],
    ["1500ms", "1.5s"],
    ["1.5h", "1h30m0s"],
    ["1m0s", "1m0s"],
  ])("%s reads back as %s", (sent, back) => {
    expect(canonicalDuration(sent)).toBe(back);
  });

  test("a canonical duration is a fixed point", () => {
    for (const d of ["1m0s", "1h0m0s", "30s", "1.5s", "250ms"]) expect(canonicalDuration(canonicalDuration(d))).toBe(canonicalDuration(d));
  });

  test("unparsable text is not a duration", () => {
    expect(parseGoDuration("soon")).toBeUndefined();
    expect(parseGoDuration("")).toBeUndefined();
    expect(canonicalDuration("soon")).toBe("soon");
  });

  test("sub-microsecond and microsecond values use Go's units", () => {
    expect(goDurationString(999n)).toBe("999ns");
    expect(goDurationString(1500n)).toBe("1.5µs");
  });
});

describe("cpus", () => {
  test.each([
    ["1", "1.0"],
    ["2", "2.0"],
    ["0.5", "0.5"],
    ["0.25", "0.25"],
    ["1.5", "1.5"],
    ["1.0", "1.0"],
    ["0.125", "0.125"],
  ])("%s reads back as %s", (sent, back) => {
    expect(canonicalCpus(sent)).toBe(back);
  });
});
