import { type SizeRule, upstreamSizeFor } from "@imagegate/params";

const BFL: SizeRule = {
  kind: "multiple",
  multiple: 16,
  minSide: 64,
  maxSide: 14142,
  maxPixels: 4_194_304,
};
const REPLICATE: SizeRule = { kind: "preset-or-custom", multiple: 32, minSide: 256, maxSide: 2048 };

describe("upstreamSizeFor", () => {
  it.each([
    [BFL, 1000, 700, 1008, 704],
    [BFL, 1024, 1024, 1024, 1024],
    [BFL, 1365, 768, 1376, 768],
    [BFL, 1183, 887, 1184, 896],
    [BFL, 10, 10, 64, 64],
    [BFL, 1, 3000, 64, 3008],
    [REPLICATE, 1024, 1024, 1024, 1024],
    [REPLICATE, 1000, 700, 1024, 704],
    [REPLICATE, 100, 100, 256, 256],
  ])("covers %#: %i×%i → %i×%i", (rule, w, h, uw, uh) => {
    expect(upstreamSizeFor({ width: w, height: h }, rule)).toEqual({ width: uw, height: uh });
  });

  it("falls back to the largest shape of the same ratio when no cover fits", () => {
    const up = upstreamSizeFor({ width: 3000, height: 1000 }, REPLICATE);
    expect(up.width).toBeLessThanOrEqual(2048);
    expect(up.width % 32).toBe(0);
    expect(up.height % 32).toBe(0);
    expect(up.width / up.height).toBeCloseTo(3, 0);
  });

  it("keeps a BFL shape within 4 MP", () => {
    const up = upstreamSizeFor({ width: 2048, height: 2047 }, BFL);
    expect(up.width * up.height).toBeLessThanOrEqual(4_194_304);
  });

  it("passes sizes through for exact providers", () => {
    expect(upstreamSizeFor({ width: 1001, height: 7 }, { kind: "exact" })).toEqual({
      width: 1001,
      height: 7,
    });
  });
});
