import { buildRequest, sizeChoices, valuesOfJob } from "../../playground/assets/request.js";

const blank = {
  model: "flux.2-max",
  prompt: " a lighthouse at dusk ",
  size: "",
  resolution: "",
  outputFormat: "png",
  n: "1",
  seed: "",
};

describe("buildRequest", () => {
  it.each([
    [
      "only the prompt and model by default",
      {},
      { model: "flux.2-max", prompt: "a lighthouse at dusk" },
    ],
    ["a ratio as size", { size: "16:9" }, { size: "16:9" }],
    ["an exact size, trimmed", { size: " 1200x800 " }, { size: "1200x800" }],
    ["a resolution tier", { resolution: "2K" }, { resolution: "2K" }],
    ["a format other than png", { outputFormat: "webp" }, { output_format: "webp" }],
    ["n above 1 as a number", { n: "3" }, { n: 3 }],
    ["a seed as a number", { seed: "42" }, { seed: 42 }],
    ["a bad seed as typed, for the gateway to name", { seed: "4.5" }, { seed: "4.5" }],
    ["an empty model as the default", { model: " " }, { model: "flux.2-max" }],
  ])("sends %s", (_name, change, expected) => {
    const body = buildRequest({ ...blank, ...change });
    expect(body).toEqual({ model: "flux.2-max", prompt: "a lighthouse at dusk", ...expected });
  });
});

describe("valuesOfJob", () => {
  it("gives back an aspect-ratio request's fields", () => {
    const job = {
      model: "flux.2-pro",
      request: {
        prompt: "p",
        n: 2,
        seed: 7,
        output_format: "jpeg",
        size: {
          width: 1365,
          height: 768,
          exact: false,
          aspectRatio: { requested: "16:9" },
          resolution: { requested: "2K" },
        },
      },
    };
    expect(valuesOfJob(job)).toEqual({
      model: "flux.2-pro",
      prompt: "p",
      size: "16:9",
      resolution: "2K",
      outputFormat: "jpeg",
      n: "2",
      seed: "7",
    });
  });

  it("gives back an exact size as WxH, and no seed when none was set", () => {
    const job = { request: { prompt: "q", size: { width: 40, height: 30, exact: true } } };
    expect(valuesOfJob(job)).toMatchObject({
      size: "40x30",
      seed: "",
      n: "1",
      model: "flux.2-max",
    });
  });
});

describe("sizeChoices", () => {
  it("offers auto and each ratio with its pixels", () => {
    const model = {
      aspect_ratios: ["1:1", "16:9"],
      sizes: { "1K": { "1:1": "1024x1024", "16:9": "1365x768" } },
    };
    expect(sizeChoices(model)).toEqual([
      { value: "auto", label: "auto (the model's default)" },
      { value: "1:1", label: "1:1 (1024x1024)" },
      { value: "16:9", label: "16:9 (1365x768)" },
    ]);
  });
});
