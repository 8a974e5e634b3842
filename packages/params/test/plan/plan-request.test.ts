import {
  appliedReport,
  FLUX2_MAX,
  normalizeImageRequest,
  type ProviderId,
  type ProviderPlan,
  planRequest,
} from "@imagegate/params";
import { gatewayErrorOf, planOn } from "../helpers";

function plan(
  provider: ProviderId,
  body: Record<string, unknown>,
  seeds: number[] = [42],
): ProviderPlan {
  return planOn(provider, body, { seeds });
}

describe("planRequest native bodies", () => {
  it("gives BFL width/height in multiples of 16 covering the exact size", () => {
    const p = plan("bfl", { size: "1000x700" });
    expect(p.nativeParams).toMatchObject({
      prompt: "p",
      width: 1008,
      height: 704,
      output_format: "png",
    });
    expect(p.target).toEqual({ width: 1000, height: 700 });
    expect(p.upstreamSize).toEqual({ width: 1008, height: 704 });
    expect(p.nativeModel).toBe("flux-2-max");
  });

  it("gives fal an image_size object and a string safety_tolerance", () => {
    const p = plan("fal", { size: "1000x700", safety_tolerance: 4, enable_safety_checker: false });
    expect(p.nativeParams).toMatchObject({
      image_size: { width: 1008, height: 704 },
      safety_tolerance: "4",
      enable_safety_checker: false,
    });
    expect(p.nativeParams.width).toBeUndefined();
  });

  it("uses fal's /edit model id for edits", () => {
    const route = FLUX2_MAX.routes.find((r) => r.provider === "fal");
    const req = normalizeImageRequest({ prompt: "p" }, { operation: "edit" });
    expect(planRequest(req, FLUX2_MAX, route as never, { randomSeed: () => 1 }).nativeModel).toBe(
      "fal-ai/flux-2-max/edit",
    );
  });

  it("gives Replicate aspect_ratio custom + width/height for an exact size", () => {
    const p = plan("replicate", { size: "1024x1024" });
    expect(p.nativeParams).toMatchObject({ aspect_ratio: "custom", width: 1024, height: 1024 });
    expect(p.nativeParams.resolution).toBeUndefined();
  });

  it("gives Replicate its preset ratio and resolution for a catalog size", () => {
    const p = plan("replicate", { aspect_ratio: "16:9", resolution: "1K" });
    expect(p.nativeParams).toMatchObject({ aspect_ratio: "16:9", resolution: "1 MP" });
    expect(p.upstreamSize).toBeNull();
    expect(p.target).toEqual({ width: 1365, height: 768 });
  });

  it("keeps a Replicate size over 2048 within its limits", () => {
    const p = plan("replicate", { size: "3000x1000" });
    expect((p.nativeParams.width as number) <= 2048).toBe(true);
    expect(p.target).toEqual({ width: 3000, height: 1000 });
  });

  it("gives an OpenAI-compatible upstream size WxH, b64_json and native n", () => {
    const p = plan("openai", { size: "1000x700", n: 3, seed: 5 });
    expect(p.nativeParams).toMatchObject({
      model: "flux.2-max",
      size: "1000x700",
      n: 3,
      response_format: "b64_json",
      output_format: "png",
    });
    expect(p.calls).toEqual([{ index: 0, seed: 5 }]);
    expect(p.imagesPerCall).toBe(3);
  });

  it("gives the local renderer the exact pixels", () => {
    expect(plan("local", { size: "1000x700" }).nativeParams).toMatchObject({
      width: 1000,
      height: 700,
    });
  });

  it.each([
    ["bfl", { kind: "passthrough" }],
    ["fal", { kind: "passthrough" }],
    ["openai", { kind: "passthrough" }],
    ["replicate", { kind: "renamed", to: "input.guidance" }],
  ] as const)("passes unknown extras through untouched on %s", (provider, handling) => {
    const p = plan(provider, { guidance: 4.5, lora: { scale: 1 } });
    expect(p.nativeParams).toMatchObject({ guidance: 4.5, lora: { scale: 1 } });
    expect(p.handling.guidance).toEqual(handling);
    expect(p.coercions).toEqual([]);
  });

  it("reports unknown extras as dropped on the local renderer", () => {
    const p = plan("local", { guidance: 4.5 });
    expect(p.handling.guidance?.kind).toBe("dropped");
    expect(p.coercions).toEqual([
      expect.objectContaining({ param: "guidance", requested: "4.5", kind: "dropped" }),
    ]);
  });
});

describe("planRequest output formats", () => {
  it.each([
    ["bfl", "png", {}, "png"],
    ["bfl", "jpeg", {}, "jpeg"],
    ["bfl", "webp", {}, "png"],
    ["bfl", "avif", {}, "png"],
    ["bfl", "gif", {}, "png"],
    ["bfl", "jpeg", { output_compression: 70 }, "png"],
    ["fal", "webp", {}, "png"],
    ["replicate", "webp", {}, "webp"],
    ["replicate", "jpeg", { output_compression: 70 }, "jpeg"],
    ["replicate", "avif", {}, "png"],
    ["openai", "webp", { output_compression: 50 }, "webp"],
    ["openai", "gif", {}, "png"],
    ["local", "jpeg", {}, "png"],
  ] as const)("%s asked for %s %j gets %s upstream", (provider, format, extra, upstream) => {
    const p = plan(provider, { size: "1024x1024", output_format: format, ...extra });
    expect(p.upstreamFormat).toBe(upstream);
    expect(p.output.format).toBe(format);
  });

  it("asks lossless PNG when a lossy result would be cropped anyway", () => {
    expect(plan("bfl", { size: "1000x700", output_format: "jpeg" }).upstreamFormat).toBe("png");
  });

  it("spells Replicate's JPEG jpg and maps output_compression to output_quality", () => {
    const p = plan("replicate", {
      size: "1024x1024",
      output_format: "jpeg",
      output_compression: 70,
    });
    expect(p.nativeParams).toMatchObject({ output_format: "jpg", output_quality: 70 });
  });

  it("uses output_quality as the compression when output_compression is absent", () => {
    expect(plan("bfl", { output_format: "webp", output_quality: 55 }).output.compression).toBe(55);
    expect(
      plan("bfl", { output_format: "png", output_quality: 55 }).output.compression,
    ).toBeUndefined();
  });
});

describe("planRequest fan-out and seeds", () => {
  it.each(["bfl", "fal", "replicate", "local"] as const)(
    "fans n=3 out on %s with seed, seed+1, seed+2",
    (provider) => {
      const p = plan(provider, { n: 3, seed: 10 });
      expect(p.calls).toEqual([
        { index: 0, seed: 10 },
        { index: 1, seed: 11 },
        { index: 2, seed: 12 },
      ]);
      expect(p.imagesPerCall).toBe(1);
    },
  );

  it("draws a fresh seed per call when none is given", () => {
    expect(plan("bfl", { n: 2 }, [7, 9]).calls.map((c) => c.seed)).toEqual([7, 9]);
  });

  it("wraps seeds at 2^32", () => {
    expect(plan("bfl", { n: 2, seed: 2 ** 32 - 1 }).calls.map((c) => c.seed)).toEqual([
      2 ** 32 - 1,
      0,
    ]);
  });
});

describe("planRequest dropped parameters and strict", () => {
  it("reports a parameter the provider drops", () => {
    const p = plan("bfl", { enable_safety_checker: false });
    expect(p.coercions).toEqual([
      expect.objectContaining({ param: "enable_safety_checker", applied: "(not sent)" }),
    ]);
    expect(p.nativeParams.enable_safety_checker).toBeUndefined();
  });

  it.each([
    ["bfl", { enable_safety_checker: false }, "enable_safety_checker"],
    ["local", { style: "vivid" }, "style"],
    ["replicate", { sync_mode: true }, "sync_mode"],
  ] as const)("refuses under strict on %s: %j", (provider, fields, param) => {
    const err = gatewayErrorOf(() => plan(provider, { strict: true, ...fields }));
    expect(err).toMatchObject({ status: 400, code: "parameter_coerced", param });
  });

  it("passes what fal takes natively under strict", () => {
    expect(() =>
      plan("fal", { strict: true, enable_safety_checker: false, sync_mode: true }),
    ).not.toThrow();
  });
});

describe("appliedReport", () => {
  it("says what was asked and what ran", () => {
    const req = normalizeImageRequest({
      prompt: "p",
      size: "1000x700",
      n: 2,
      seed: 3,
      output_format: "webp",
    });
    const route = FLUX2_MAX.routes.find((r) => r.provider === "bfl");
    const p = planRequest(req, FLUX2_MAX, route as never, { randomSeed: () => 0 });
    const applied = appliedReport(p, req);
    expect(applied).toMatchObject({
      provider: "bfl",
      native_model: "flux-2-max",
      size: {
        width: 1000,
        height: 700,
        source: "size",
        exact: true,
        upstream: { width: 1008, height: 704 },
      },
      output_format: { requested: "webp", upstream: "png", converted: true },
      seeds: [3, 4],
      native: { width: 1008, height: 704, seed: 3 },
    });
    expect(applied.parameters.prompt).toEqual({ kind: "passthrough" });
    expect(applied.parameters.n?.kind).toBe("emulated");
    // 1000×700 is no multiple of 16: BFL makes 1008×704 and the gateway crops.
    expect(applied.parameters.size?.kind).toBe("emulated");
    expect(applied.parameters.output_format?.kind).toBe("emulated");
    expect(applied.coerced).toEqual([]);
  });

  it.each([
    ["openai", "provider", null, null],
    ["bfl", "gateway", 1024, 1024],
  ] as const)("says who picked the size for auto on %s", (provider, chosenBy, width, height) => {
    const req = normalizeImageRequest({ prompt: "p", size: "auto" });
    const route = FLUX2_MAX.routes.find((r) => r.provider === provider);
    const p = planRequest(req, FLUX2_MAX, route as never, { randomSeed: () => 0 });
    expect(appliedReport(p, req).size).toMatchObject({
      source: "auto",
      chosen_by: chosenBy,
      width,
      height,
    });
  });

  it("lists every coercion with what was asked, what ran and why", () => {
    const req = normalizeImageRequest({
      prompt: "p",
      size: "64x64",
      width: 800,
      output_compression: 50,
      image_size: "square",
    });
    const route = FLUX2_MAX.routes.find((r) => r.provider === "fal");
    const applied = appliedReport(
      planRequest(req, FLUX2_MAX, route as never, { randomSeed: () => 0 }),
      req,
    );
    expect(applied.coerced.map((c) => [c.param, c.kind, c.applied])).toEqual([
      ["width", "overridden", "64"],
      ["output_compression", "dropped", "(not applied)"],
      ["image_size", "overridden", '{"height":64,"width":64}'],
    ]);
    expect(applied.parameters).toMatchObject({
      width: { kind: "overridden" },
      output_compression: { kind: "dropped" },
      image_size: { kind: "overridden" },
    });
  });

  it("shows n as passthrough on an OpenAI-compatible upstream", () => {
    expect(plan("openai", { n: 2 }).handling.n).toEqual({ kind: "passthrough" });
  });
});
