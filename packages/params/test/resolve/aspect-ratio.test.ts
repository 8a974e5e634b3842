import { nearestRatio, nearestTier, parseResolution } from "@imagegate/params";
import { gatewayErrorOf } from "../helpers";

const FLUX2 = ["1:1", "4:3", "3:4", "5:4", "4:5", "3:2", "2:3", "16:9", "9:16"];

describe("nearestRatio", () => {
  it.each([
    ["7:1", ["4:1", "8:1"], "8:1", true],
    ["5:1", ["4:1", "8:1"], "4:1", true],
    ["6:1", ["4:1", "8:1"], "8:1", true],
    ["4:1", ["4:1", "8:1"], "4:1", false],
    ["1:1", ["4:1", "8:1"], "4:1", true],
  ])("maps %s among %j to %s", (asked, offered, applied, coerced) => {
    expect(nearestRatio(asked, offered)).toEqual({ applied, coerced });
  });

  it.each([
    ["7:1", "16:9"],
    ["1:7", "9:16"],
    ["21:9", "16:9"],
    ["9:21", "9:16"],
    ["32:18", "16:9"],
    ["1.5:1", "3:2"],
    ["1.25:1", "5:4"],
    ["1.3:1", "4:3"],
    ["0.7:1", "2:3"],
  ])("maps %s to %s among the FLUX.2 ratios", (asked, applied) => {
    expect(nearestRatio(asked, FLUX2).applied).toBe(applied);
  });

  it("is symmetric in log space: 2:1 and 1:2 land on mirror ratios", () => {
    expect(nearestRatio("2:1", FLUX2).applied).toBe("16:9");
    expect(nearestRatio("1:2", FLUX2).applied).toBe("9:16");
  });

  it.each(["0:1", "1:0", "a:b", "16/9", "16", "", "-1:2"])(
    "refuses %j with 400 naming the param",
    (ratio) => {
      const err = gatewayErrorOf(() => nearestRatio(ratio, FLUX2));
      expect(err).toMatchObject({ status: 400, param: "aspect_ratio" });
      expect(gatewayErrorOf(() => nearestRatio(ratio, FLUX2, "size")).param).toBe("size");
    },
  );
});

describe("parseResolution", () => {
  it.each([
    ["0.5K", 512 * 512],
    ["1K", 1024 * 1024],
    ["2k", 2048 * 2048],
    ["4K", 4096 * 4096],
    ["0.25", 0.25 * 1024 * 1024],
    ["1", 1024 * 1024],
    ["4 MP", 4 * 1024 * 1024],
    ["2mp", 2 * 1024 * 1024],
  ])("reads %s as %i pixels", (text, pixels) => {
    expect(parseResolution(text)).toBe(pixels);
  });

  it.each(["", "K", "0", "0K", "big", "1KB", "-1"])("rejects %j", (text) => {
    expect(parseResolution(text)).toBeNull();
  });
});

describe("nearestTier", () => {
  const tiers = [
    { name: "0.5K", pixels: 512 * 512 },
    { name: "1K", pixels: 1024 * 1024 },
    { name: "2K", pixels: 2048 * 2048 },
  ];

  it("breaks an exact log-space tie towards the larger tier", () => {
    // 0.5 MP sits exactly between 0.25 MP and 1 MP in log space.
    expect(nearestTier("0.5", tiers)).toEqual({ applied: "1K", coerced: true });
    expect(nearestTier("2", tiers)).toEqual({ applied: "2K", coerced: true });
  });

  it("refuses an unreadable resolution naming resolution", () => {
    expect(gatewayErrorOf(() => nearestTier("huge", tiers))).toMatchObject({
      status: 400,
      param: "resolution",
    });
  });
});
