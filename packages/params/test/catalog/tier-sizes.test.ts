import { FLUX2_FLEX, FLUX2_MAX, FLUX2_PRO, parseRatio, sizeForTier } from "@imagegate/params";

describe("sizeForTier", () => {
  it("reproduces all nine seed sizes of FLUX.2 [max] at 1K", () => {
    for (const [ratio, size] of Object.entries(FLUX2_MAX.sizes["1K"] ?? {})) {
      expect([ratio, ...sizeForTier(1024 * 1024, ratio)]).toEqual([ratio, ...size]);
    }
    expect(Object.keys(FLUX2_MAX.sizes["1K"] ?? {})).toHaveLength(9);
  });

  it("shrinks the longer side until the size fits the budget", () => {
    const [w, h] = sizeForTier(2048 * 2048, "16:9", 2048 * 2048);
    expect(w * h).toBeLessThanOrEqual(2048 * 2048);
    expect(sizeForTier(2048 * 2048, "16:9")[0]).toBeGreaterThan(w);
  });

  it("throws on a malformed ratio", () => {
    expect(() => sizeForTier(100, "wide")).toThrow(/bad ratio/);
  });
});

describe("parseRatio", () => {
  it.each([
    ["16:9", [16, 9]],
    [" 1.5 : 1 ", [1.5, 1]],
    ["0:1", null],
    ["16x9", null],
  ])("parses %j", (text, parsed) => {
    expect(parseRatio(text)).toEqual(parsed);
  });
});

describe("FLUX.2 [pro] and [flex] size tables", () => {
  it.each([FLUX2_PRO, FLUX2_FLEX])(
    "$id keeps every size within budget and near its ratio",
    (model) => {
      expect(Object.keys(model.sizes)).toEqual(["0.5K", "1K", "2K"]);
      for (const row of Object.values(model.sizes)) {
        expect(Object.keys(row).sort()).toEqual([...model.ratios].sort());
        for (const [ratio, [w, h]] of Object.entries(row)) {
          const [rw, rh] = parseRatio(ratio) as [number, number];
          expect(w * h).toBeLessThanOrEqual(model.pixelBudget);
          expect(Math.abs(w / h - rw / rh)).toBeLessThan(0.01);
        }
      }
    },
  );

  it("matches [max] at 1K", () => {
    expect(FLUX2_PRO.sizes["1K"]).toEqual(FLUX2_MAX.sizes["1K"]);
  });
});
