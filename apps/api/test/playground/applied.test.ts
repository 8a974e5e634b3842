import { appliedRows, appliedSummary } from "../../playground/assets/applied.js";

const applied = {
  provider: "bfl",
  native_model: "flux-2-max",
  size: {
    width: 1000,
    height: 500,
    source: "size",
    exact: true,
    ignored: ["aspect_ratio"],
    upstream: { width: 1008, height: 512 },
  },
  output_format: { requested: "webp", upstream: "png", converted: true },
  native: { prompt: "p", width: 1008, height: 512, seed: 5, output_format: "png", guidance: 3 },
  seeds: [5, 6],
  parameters: {
    prompt: { kind: "passthrough" },
    seed: { kind: "renamed", to: "seed" },
    size: { kind: "converted", to: ["width", "height"], note: "nearest multiple of 16" },
    n: { kind: "emulated", note: "one upstream call per image" },
    style: { kind: "dropped", note: "BFL has no style" },
  },
  coerced: [
    { param: "aspect_ratio", requested: "7:1", applied: "8:1", reason: "nearest ratio offered" },
  ],
};

describe("appliedRows", () => {
  it("gives a row per parameter with what was sent, then a row per coercion", () => {
    expect(appliedRows(applied)).toEqual([
      { parameter: "prompt", handling: "passthrough", detail: 'sent as prompt = "p"' },
      { parameter: "seed", handling: "renamed", detail: "sent as seed = 5" },
      {
        parameter: "size",
        handling: "converted",
        detail: "nearest multiple of 16 → width = 1008, height = 512",
      },
      { parameter: "n", handling: "emulated", detail: "one upstream call per image" },
      { parameter: "style", handling: "dropped", detail: "BFL has no style" },
      {
        parameter: "aspect_ratio",
        handling: "coerced",
        detail: "7:1 → 8:1 (nearest ratio offered)",
      },
    ]);
  });

  it("is empty for an empty report", () => {
    expect(appliedRows({})).toEqual([]);
  });
});

describe("appliedSummary", () => {
  it("says who served it, the size and how it was reached, the format and the seeds", () => {
    expect(appliedSummary(applied)).toEqual([
      ["Provider", "bfl (model flux-2-max)"],
      ["Size", "1000x500 (exact size)"],
      ["Asked upstream", "1008x512, then resized"],
      ["Ignored", "aspect_ratio"],
      ["Output format", "webp (made as png, converted by the gateway)"],
      ["Seeds", "5, 6"],
    ]);
  });

  it("shows a ratio and tier mapping", () => {
    const report = {
      size: {
        width: 1365,
        height: 768,
        exact: false,
        aspect_ratio: { requested: "16:9", applied: "16:9" },
        resolution: { requested: null, applied: "1K" },
        upstream: { width: 1365, height: 768 },
      },
    };
    expect(appliedSummary(report)).toEqual([
      ["Size", "1365x768 (ratio 16:9 → 16:9, resolution auto → 1K)"],
    ]);
  });
});
