import {
  appliedReport,
  FLUX2_MAX,
  normalizeImageRequest,
  type ProviderId,
  type ProviderPlan,
  planRequest,
} from "@imagegate/params";
import { gatewayErrorOf } from "../helpers";

function plan(
  provider: ProviderId,
  body: Record<string, unknown>,
  seeds: number[] = [42],
): ProviderPlan {
  const route = FLUX2_MAX.routes.find((r) => r.provider === provider);
  if (!route) throw new Error(provider);
  let i = 0;
  return planRequest(normalizeImageRequest({ prompt: "p", ...body }), FLUX2_MAX, route, {
    randomSeed: () => seeds[i++ % seeds.length] as number,
  });
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

  it("passes unknown extras through untouched", () => {
    for (const provider of ["bfl", "fal", "replicate", "openai"] as const) {
      const p = plan(provider, { guidance: 4.5, lora: { scale: 1 } });
      expect(p.nativeParams).toMatchObject({ guidance: 4.5, lora: { scale: 1 } });
      expect(p.handling.guidance).toEqual({ kind: "passthrough" });
    }
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
    expect(applied.parameters.size?.kind).toBe("converted");
  });

  it("shows n as passthrough on an OpenAI-compatible upstream", () => {
    expect(plan("openai", { n: 2 }).handling.n).toEqual({ kind: "passthrough" });
  });
});
