import { FLUX2_MAX, FLUX2_PRO, resolveSize } from "@imagegate/params";
import { gatewayErrorOf } from "../helpers";

/** The seed's nine FLUX.2 [max] sizes at 1K. */
const SEED_SIZES: [string, number, number][] = [
  ["4:3", 1183, 887],
  ["4:5", 916, 1145],
  ["5:4", 1145, 916],
  ["1:1", 1024, 1024],
  ["3:4", 887, 1182],
  ["2:3", 836, 1254],
  ["3:2", 1254, 836],
  ["9:16", 768, 1365],
  ["16:9", 1365, 768],
];

describe("resolveSize on FLUX.2 [max]", () => {
  it.each(SEED_SIZES)("gives %s exactly %i×%i from aspect_ratio", (ratio, w, h) => {
    const r = resolveSize(FLUX2_MAX, { aspect_ratio: ratio });
    expect([r.width, r.height]).toEqual([w, h]);
    expect(r).toMatchObject({ source: "aspect_ratio", exact: false, coercions: [] });
  });

  it.each(SEED_SIZES)("gives %s + 1K exactly %i×%i", (ratio, w, h) => {
    const r = resolveSize(FLUX2_MAX, { aspect_ratio: ratio, resolution: "1K" });
    expect([r.width, r.height]).toEqual([w, h]);
    expect(r.resolution).toEqual({ requested: "1K", applied: "1K" });
  });

  it.each(SEED_SIZES)("treats size %s (W:H) as the aspect ratio → %i×%i", (ratio, w, h) => {
    const r = resolveSize(FLUX2_MAX, { size: ratio });
    expect([r.width, r.height, r.source]).toEqual([w, h, "aspect_ratio"]);
  });

  it.each(SEED_SIZES)("keeps the exact size %s → %ix%i as asked", (_ratio, w, h) => {
    const r = resolveSize(FLUX2_MAX, { size: `${w}x${h}` });
    expect(r).toMatchObject({ width: w, height: h, source: "size", exact: true });
  });

  it.each([
    ["1000x700", 1000, 700],
    ["1x1", 1, 1],
    ["14142x1", 14142, 1],
    ["2048x2048", 2048, 2048],
    [" 640 x 480 ", 640, 480],
    ["512X256", 512, 256],
  ])("accepts the exact size %s", (size, w, h) => {
    expect(resolveSize(FLUX2_MAX, { size })).toMatchObject({ width: w, height: h, exact: true });
  });

  it.each([
    ["0x100", /1–14142/],
    ["100x0", /1–14142/],
    ["14143x1", /1–14142/],
    ["1x20000", /1–14142/],
    ["2049x2048", /budget of 4194304/],
    ["4000x4000", /budget/],
  ])("refuses the size %s with 400 invalid_size naming size", (size, message) => {
    const err = gatewayErrorOf(() => resolveSize(FLUX2_MAX, { size }));
    expect(err).toMatchObject({ status: 400, code: "invalid_size", param: "size" });
    expect(err.message).toMatch(message);
  });

  it.each(["abc", "100x", "x100", "-5x10", "10x10x10", "1024*1024", "16:", ":9", "1e3x10"])(
    "refuses the malformed size %j naming size",
    (size) => {
      expect(gatewayErrorOf(() => resolveSize(FLUX2_MAX, { size }))).toMatchObject({
        status: 400,
        param: "size",
      });
    },
  );

  it("lets an exact size win over aspect_ratio and resolution, reporting them as overridden", () => {
    const r = resolveSize(FLUX2_MAX, { size: "640x480", aspect_ratio: "9:16", resolution: "2K" });
    expect(r).toMatchObject({
      width: 640,
      height: 480,
      source: "size",
      ignored: ["aspect_ratio", "resolution"],
    });
    expect(r.coercions).toEqual([
      {
        param: "aspect_ratio",
        requested: "9:16",
        applied: "640x480",
        reason: "size '640x480' (exact) wins over aspect_ratio",
        kind: "overridden",
      },
      {
        param: "resolution",
        requested: "2K",
        applied: "640x480",
        reason: "size '640x480' (exact) wins over resolution",
        kind: "overridden",
      },
    ]);
  });

  it("lets size W:H win over aspect_ratio", () => {
    const r = resolveSize(FLUX2_MAX, { size: "16:9", aspect_ratio: "1:1" });
    expect([r.width, r.height]).toEqual([1365, 768]);
    expect(r.ignored).toEqual(["aspect_ratio"]);
    expect(r.coercions).toEqual([
      expect.objectContaining({ param: "aspect_ratio", applied: "16:9", kind: "overridden" }),
    ]);
  });

  it.each([
    [{ size: "64x64", width: 800 }, [["width", "800", "64"]]],
    [
      { size: "64x64", width: 800, height: 600 },
      [
        ["width", "800", "64"],
        ["height", "600", "64"],
      ],
    ],
    [{ size: "16:9", height: 10 }, [["height", "10", "768"]]],
    [{ size: "auto", width: 10 }, [["width", "10", "auto"]]],
    [{ width: 512 }, [["width", "512", "1024"]]],
    [{ height: 300, aspect_ratio: "16:9" }, [["height", "300", "768"]]],
    [{ width: 640, height: 480 }, []],
  ])("reports width/height that did not make the size in %j", (req, expected) => {
    const r = resolveSize(FLUX2_MAX, req);
    expect(r.coercions.map((c) => [c.param, c.requested, c.applied])).toEqual(expected);
    for (const c of r.coercions) expect(c.kind).toBe("overridden");
  });

  it.each([
    [{ size: "1024x1024", aspect_ratio: "auto", resolution: "auto" }],
    [{ size: "16:9", aspect_ratio: "auto" }],
    [{ size: "auto", resolution: "auto" }],
  ])("does not count a field left at auto as overridden: %j", (req) => {
    expect(resolveSize(FLUX2_MAX, req).coercions).toEqual([]);
  });

  it.each([
    [{ size: "1024x1024", aspect_ratio: "wide" }, "aspect_ratio"],
    [{ size: "auto", resolution: "huge" }, "resolution"],
  ])("still validates a field that loses to size: %j", (req, param) => {
    expect(gatewayErrorOf(() => resolveSize(FLUX2_MAX, req))).toMatchObject({ status: 400, param });
  });

  it("records the size fields as they were given", () => {
    expect(resolveSize(FLUX2_MAX, { size: "16:9", resolution: "1K" }).requested).toEqual({
      size: "16:9",
      resolution: "1K",
    });
  });

  it("gives the default 1024×1024 for auto, nothing, or auto + auto", () => {
    for (const req of [{ size: "auto" }, {}, { aspect_ratio: "auto", resolution: "auto" }]) {
      const r = resolveSize(FLUX2_MAX, req);
      expect([r.width, r.height, r.coercions]).toEqual([1024, 1024, []]);
    }
    expect(resolveSize(FLUX2_MAX, { size: "auto" }).source).toBe("auto");
    expect(resolveSize(FLUX2_MAX, {}).source).toBe("default");
  });

  it("lets size auto win over aspect_ratio and resolution, reporting them as overridden", () => {
    const r = resolveSize(FLUX2_MAX, { size: "auto", aspect_ratio: "3:2", resolution: "2K" });
    expect([r.width, r.height, r.source]).toEqual([1024, 1024, "auto"]);
    expect(r.coercions).toEqual([
      expect.objectContaining({ param: "aspect_ratio", requested: "3:2", kind: "overridden" }),
      expect.objectContaining({ param: "resolution", requested: "2K", kind: "overridden" }),
    ]);
  });

  it.each([
    ["7:1", "16:9", 1365, 768],
    ["1:7", "9:16", 768, 1365],
    ["21:9", "16:9", 1365, 768],
    ["2:1", "16:9", 1365, 768],
    ["1.1:1", "1:1", 1024, 1024],
  ])(
    "snaps %s to the nearest offered ratio %s and reports the coercion",
    (asked, applied, w, h) => {
      const r = resolveSize(FLUX2_MAX, { aspect_ratio: asked });
      expect([r.width, r.height]).toEqual([w, h]);
      expect(r.aspectRatio).toEqual({ requested: asked, applied });
      expect(r.coercions).toEqual([
        expect.objectContaining({ param: "aspect_ratio", requested: asked, applied }),
      ]);
    },
  );

  it.each(["32:18", "1.5:1", "4:3", "8:6"])(
    "does not count the equal ratio %s as a coercion",
    (ratio) => {
      expect(resolveSize(FLUX2_MAX, { aspect_ratio: ratio }).coercions).toEqual([]);
    },
  );

  it("names size when a W:H size is snapped", () => {
    expect(resolveSize(FLUX2_MAX, { size: "7:1" }).coercions[0]?.param).toBe("size");
  });

  it.each(["0.5K", "2K", "4K", "0.25", "4 MP"])(
    "maps resolution %s to 1K on [max] as a coercion",
    (tier) => {
      const r = resolveSize(FLUX2_MAX, { resolution: tier });
      expect(r.resolution).toEqual({ requested: tier, applied: "1K" });
      expect(r.coercions.map((c) => c.param)).toEqual(["resolution"]);
      expect([r.width, r.height]).toEqual([1024, 1024]);
    },
  );

  it.each(["1K", "1", "1 MP", "1MP", "auto"])(
    "takes resolution %s on [max] without coercion",
    (tier) => {
      expect(resolveSize(FLUX2_MAX, { resolution: tier }).coercions).toEqual([]);
    },
  );

  it("uses width + height as an exact size and leaves a lone one alone", () => {
    expect(resolveSize(FLUX2_MAX, { width: 800, height: 600 })).toMatchObject({
      width: 800,
      height: 600,
      source: "width_height",
      exact: true,
    });
    expect(resolveSize(FLUX2_MAX, { width: 800 })).toMatchObject({
      width: 1024,
      height: 1024,
      exact: false,
    });
  });

  it("refuses width + height over the budget naming width", () => {
    expect(gatewayErrorOf(() => resolveSize(FLUX2_MAX, { width: 3000, height: 3000 })).param).toBe(
      "width",
    );
  });
});

describe("resolveSize on FLUX.2 [pro]", () => {
  it.each([
    ["0.5K", "0.5K", false],
    ["0.25", "0.5K", false],
    ["1K", "1K", false],
    ["2K", "2K", false],
    ["4 MP", "2K", false],
    ["4K", "2K", true],
    ["0.5", "1K", true],
    ["8", "2K", true],
  ])("maps resolution %s to %s (coerced: %s)", (asked, applied, coerced) => {
    const r = resolveSize(FLUX2_PRO, { resolution: asked });
    expect(r.resolution?.applied).toBe(applied);
    expect(r.coercions.length > 0).toBe(coerced);
  });

  it("makes 16:9 at 2K within the 4 MP budget", () => {
    const r = resolveSize(FLUX2_PRO, { aspect_ratio: "16:9", resolution: "2K" });
    expect(r.width * r.height).toBeLessThanOrEqual(FLUX2_PRO.pixelBudget);
    expect(r.width / r.height).toBeCloseTo(16 / 9, 2);
  });
});
