import { GatewayError } from "@imagegate/params";
import { sameSecret } from "../src/http/credentials";
import { formatResetDuration } from "../src/http/rate-limit";
import { parseUsageWindow } from "../src/services/key-usage";

describe("formatResetDuration", () => {
  it.each([
    [0, "0ms"],
    [20, "20ms"],
    [999, "999ms"],
    [999.2, "1s"],
    [1000, "1s"],
    [1500, "1.5s"],
    [59_999, "59.999s"],
    [60_000, "1m0s"],
    [360_000, "6m0s"],
    [61_250, "1m1.25s"],
  ])("%p ms reads %p, as OpenAI writes it", (ms, text) => {
    expect(formatResetDuration(ms)).toBe(text);
  });
});

describe("parseUsageWindow", () => {
  const now = 1_800_000_000;
  it.each([
    [{}, null],
    [{ start_time: "1700000000" }, { start: 1_700_000_000, end: now }],
    [
      { start_time: "1700000000", end_time: "1700086400" },
      { start: 1_700_000_000, end: 1_700_086_400 },
    ],
  ])("%j → %j", (query, window) => {
    expect(parseUsageWindow(query, now)).toEqual(window);
  });

  it.each([
    [{ end_time: "1700000000" }, "start_time"],
    [{ start_time: "yesterday" }, "start_time"],
    [{ start_time: "-5" }, "start_time"],
    [{ start_time: "1.5" }, "start_time"],
    [{ start_time: "1", end_time: "" }, "end_time"],
    [{ start_time: ["1", "2"] }, "start_time"],
  ])("%j is a 400 naming %s", (query, param) => {
    let error: unknown;
    try {
      parseUsageWindow(query, now);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ status: 400, param });
  });
});

describe("sameSecret", () => {
  it.each([
    ["sk-a", "sk-a", true],
    ["sk-a", "sk-b", false],
    ["sk-a", "sk-a-longer", false],
    ["", "sk-a", false],
  ])("%p vs %p: %p", (given, expected, same) => {
    expect(sameSecret(given, expected)).toBe(same);
  });
});
