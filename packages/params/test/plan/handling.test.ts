/**
 * Each parameter's handling per provider and request, and every coercion:
 * one row per case of the seed's vocabulary (passthrough, renamed, converted,
 * emulated) and of the two ways a parameter fails to apply (overridden,
 * dropped), on the provider's real field names.
 */
import type { ProviderId } from "@imagegate/params";
import { gatewayErrorOf, planOn } from "../helpers";

type Row = [ProviderId, Record<string, unknown>, string, string, string?];

/** Rows padded to one length: jest hands a short row's missing argument `done`. */
const full = (rows: Row[]) =>
  rows.map(([p, body, param, kind, to]) => [p, body, param, kind, to ?? ""] as const);

describe("planRequest handling, one row per case", () => {
  it.each(
    full([
      // prompt: the seed's example of a rename is Replicate's input.prompt.
      ["bfl", {}, "prompt", "passthrough"],
      ["fal", {}, "prompt", "passthrough"],
      ["openai", {}, "prompt", "passthrough"],
      ["replicate", {}, "prompt", "renamed", "input.prompt"],
      ["replicate", { seed: 3 }, "seed", "renamed", "input.seed"],
      [
        "replicate",
        { safety_tolerance: 2 },
        "safety_tolerance",
        "renamed",
        "input.safety_tolerance",
      ],
      // Exact size: converted when the provider makes it, emulated when the gateway crops.
      ["bfl", { size: "1024x1024" }, "size", "converted", "width,height"],
      ["bfl", { size: "1000x700" }, "size", "emulated"],
      ["bfl", { size: "32x32" }, "size", "emulated"],
      ["fal", { size: "1024x1024" }, "size", "converted", "image_size"],
      ["fal", { size: "1000x700" }, "size", "emulated"],
      [
        "replicate",
        { size: "1024x1024" },
        "size",
        "converted",
        "input.aspect_ratio,input.width,input.height",
      ],
      ["replicate", { size: "1000x700" }, "size", "emulated"],
      ["replicate", { size: "4096x512" }, "size", "emulated"],
      ["openai", { size: "1000x700" }, "size", "passthrough"],
      ["local", { size: "1000x700" }, "size", "converted", "width,height"],
      ["bfl", { width: 1024, height: 512 }, "width", "converted", "width,height"],
      ["bfl", { width: 1000, height: 500 }, "height", "emulated"],
      ["openai", { width: 1000, height: 500 }, "width", "converted", "size"],
      // size W:H is an aspect ratio.
      ["replicate", { size: "16:9" }, "size", "converted", "input.aspect_ratio"],
      ["openai", { size: "16:9" }, "size", "converted", "size"],
      // size auto: sent as-is where the provider chooses, else the gateway's choice.
      ["openai", { size: "auto" }, "size", "passthrough"],
      ["bfl", { size: "auto" }, "size", "emulated"],
      ["fal", { size: "auto" }, "size", "emulated"],
      ["local", { size: "auto" }, "size", "emulated"],
      // output_format: native formats as they are, others converted by the gateway.
      ["bfl", { output_format: "png" }, "output_format", "passthrough"],
      ["bfl", { output_format: "webp" }, "output_format", "emulated"],
      ["bfl", { output_format: "jpeg", size: "1000x700" }, "output_format", "emulated"],
      ["fal", { output_format: "jpeg" }, "output_format", "passthrough"],
      ["replicate", { output_format: "jpeg" }, "output_format", "converted", "input.output_format"],
      ["replicate", { output_format: "avif" }, "output_format", "emulated"],
      ["openai", { output_format: "webp" }, "output_format", "passthrough"],
      ["openai", { output_format: "gif" }, "output_format", "emulated"],
      ["local", { output_format: "png" }, "output_format", "emulated"],
      // Compression: the provider's own quality field when it encodes, else the gateway.
      [
        "replicate",
        { output_format: "jpeg", output_compression: 70 },
        "output_compression",
        "renamed",
        "input.output_quality",
      ],
      [
        "replicate",
        { output_format: "jpeg", output_compression: 70, size: "1000x700" },
        "output_compression",
        "emulated",
      ],
      [
        "replicate",
        { output_format: "webp", output_quality: 70 },
        "output_quality",
        "renamed",
        "input.output_quality",
      ],
      [
        "openai",
        { output_format: "webp", output_compression: 70 },
        "output_compression",
        "passthrough",
      ],
      [
        "openai",
        { output_format: "jpeg", output_quality: 70 },
        "output_quality",
        "renamed",
        "output_compression",
      ],
      [
        "openai",
        { output_format: "avif", output_compression: 70 },
        "output_compression",
        "emulated",
      ],
      ["bfl", { output_format: "jpeg", output_compression: 70 }, "output_compression", "emulated"],
      ["local", { output_format: "webp", output_quality: 70 }, "output_quality", "emulated"],
      // n and response_format.
      ["bfl", { n: 2 }, "n", "emulated"],
      ["openai", { n: 2 }, "n", "passthrough"],
      ["fal", {}, "response_format", "emulated"],
      ["openai", {}, "response_format", "converted", "response_format"],
      // Provider extras the seed lists.
      ["fal", { safety_tolerance: 4 }, "safety_tolerance", "converted", "safety_tolerance"],
      ["fal", { sync_mode: true }, "sync_mode", "passthrough"],
      ["bfl", { quality: "high" }, "quality", "passthrough"],
      ["local", { style: "vivid" }, "style", "dropped"],
    ]),
  )("%s %j: %s is %s %s", (provider, body, param, kind, to) => {
    const h = planOn(provider, body).handling[param];
    expect(h?.kind).toBe(kind);
    if (to && h) {
      expect("to" in h ? [h.to].flat().join(",") : undefined).toBe(to);
    }
  });

  it.each<[ProviderId, string, string]>([
    [
      "bfl",
      "image",
      "input_image,input_image_2,input_image_3,input_image_4,input_image_5,input_image_6,input_image_7,input_image_8",
    ],
    ["fal", "image", "image_urls"],
    ["replicate", "image", "input.input_images"],
    ["openai", "image", "image[]"],
  ])("names %s's reference fields for an edit's %s", (provider, param, to) => {
    const h = planOn(provider, {}, { edit: true }).handling[param];
    expect(h?.kind).toBe("converted");
    expect(h && "to" in h ? [h.to].flat().join(",") : "").toBe(to);
  });

  it.each<[ProviderId, string]>([
    ["openai", "passthrough"],
    ["fal", "renamed"],
    ["bfl", "emulated"],
    ["replicate", "emulated"],
  ])("edits with size auto on %s: size is %s", (provider, kind) => {
    expect(planOn(provider, { size: "auto" }, { edit: true }).handling.size?.kind).toBe(kind);
  });
});

describe("planRequest coercions: nothing is overwritten or dropped silently", () => {
  it.each<ProviderId>(["bfl", "fal", "replicate", "openai", "local"])(
    "reports width beside size 64x64 as overridden on %s",
    (provider) => {
      const p = planOn(provider, { size: "64x64", width: 800 });
      expect(p.handling.width).toMatchObject({ kind: "overridden" });
      expect(p.coercions).toEqual([
        expect.objectContaining({ param: "width", requested: "800", applied: "64" }),
      ]);
      expect(JSON.stringify(p.nativeParams)).not.toContain("800");
      expect(p.target).toEqual({ width: 64, height: 64 });
    },
  );

  it.each<ProviderId>(["bfl", "fal", "replicate", "openai", "local"])(
    "reports output_compression of a png as dropped on %s",
    (provider) => {
      const p = planOn(provider, { output_format: "png", output_compression: 50 });
      expect(p.handling.output_compression?.kind).toBe("dropped");
      expect(p.coercions).toEqual([
        expect.objectContaining({
          param: "output_compression",
          requested: "50",
          applied: "(not applied)",
        }),
      ]);
      expect(p.output.compression).toBeUndefined();
      expect(Object.values(p.nativeParams)).not.toContain(50);
    },
  );

  it.each<[ProviderId, Record<string, unknown>, string, string, string, { edit?: boolean }]>([
    [
      "fal",
      { image_size: "square_hd" },
      "image_size",
      "square_hd",
      '{"height":1024,"width":1024}',
      {},
    ],
    [
      "fal",
      { image_size: { width: 1, height: 1 } },
      "image_size",
      '{"height":1,"width":1}',
      '{"height":1024,"width":1024}',
      {},
    ],
    [
      "bfl",
      { input_image: "https://x/a.png" },
      "input_image",
      "https://x/a.png",
      "(the edit's input images)",
      { edit: true },
    ],
    [
      "fal",
      { image_urls: ["https://x/a.png"] },
      "image_urls",
      '["https://x/a.png"]',
      "(the edit's input images)",
      { edit: true },
    ],
    [
      "replicate",
      { input_images: ["u"] },
      "input_images",
      '["u"]',
      "(the edit's input images)",
      { edit: true },
    ],
  ])(
    "reports %s extra %j overwritten by the gateway's own field",
    (provider, body, param, requested, applied, opts) => {
      const p = planOn(provider, body, opts);
      expect(p.handling[param]).toMatchObject({ kind: "overridden" });
      expect(p.coercions).toEqual([
        expect.objectContaining({ param, requested, applied, kind: "overridden" }),
      ]);
    },
  );

  it("sends the gateway's value where a caller's extra collides with it", () => {
    const p = planOn("fal", { image_size: "square_hd", size: "512x512" });
    expect(p.nativeParams.image_size).toEqual({ width: 512, height: 512 });
    expect(p.coercions[0]?.reason).toBe("the gateway writes image_size itself");
    expect(
      planOn("replicate", { output_quality: 5, output_format: "webp", output_compression: 9 })
        .coercions[0],
    ).toMatchObject({ param: "output_quality", applied: "9" });
  });

  it("takes OpenAI extras that collide with nothing the gateway writes", () => {
    const p = planOn("openai", { moderation: "low", quality: "high", background: "opaque" });
    expect(p.coercions).toEqual([]);
    expect(p.nativeParams).toMatchObject({ moderation: "low", quality: "high", size: "1024x1024" });
  });

  it("passes an extra that equals what the gateway writes without a coercion", () => {
    const p = planOn("fal", { image_size: { height: 1024, width: 1024 } });
    expect(p.coercions).toEqual([]);
    expect(p.handling.image_size).toEqual({ kind: "passthrough" });
  });

  it("passes an extra named like a reference field through on a generation", () => {
    const p = planOn("bfl", { input_image: "https://x/a.png" });
    expect(p.coercions).toEqual([]);
    expect(p.nativeParams.input_image).toBe("https://x/a.png");
  });

  it.each<[ProviderId, Record<string, unknown>, string, { edit?: boolean }]>([
    ["fal", { image_size: "square_hd" }, "image_size", {}],
    ["bfl", { input_image: "https://x/a.png" }, "input_image", { edit: true }],
    ["local", { guidance: 3 }, "guidance", {}],
    ["bfl", { sync_mode: true }, "sync_mode", {}],
  ])("refuses under strict on %s: %j names %s", (provider, body, param, opts) => {
    const err = gatewayErrorOf(() => planOn(provider, { strict: true, ...body }, opts));
    expect(err).toMatchObject({ status: 400, code: "parameter_coerced", param });
    expect(err.message).toContain(`on ${provider}`);
  });
});

describe("planRequest size auto", () => {
  it("sends auto to an OpenAI-compatible upstream and keeps no target", () => {
    const p = planOn("openai", { size: "auto" });
    expect(p.nativeParams.size).toBe("auto");
    expect([p.target, p.upstreamSize]).toEqual([null, null]);
  });

  it("sends image_size auto to fal's /edit id, not to its text-to-image id", () => {
    const edit = planOn("fal", { size: "auto" }, { edit: true });
    expect([edit.nativeModel, edit.nativeParams.image_size, edit.target]).toEqual([
      "fal-ai/flux-2-max/edit",
      "auto",
      null,
    ]);
    const generation = planOn("fal", { size: "auto" });
    expect(generation.nativeParams.image_size).toEqual({ width: 1024, height: 1024 });
  });

  it("says the gateway chose where the provider cannot, following an edit's input ratio", () => {
    const p = planOn("bfl", { size: "auto" }, { edit: true });
    expect(p.target).toEqual({ width: 1254, height: 836 });
    expect(p.handling.size).toEqual({
      kind: "emulated",
      note: "bfl cannot choose a size; the gateway chose 1254x836 (the input image's ratio)",
    });
  });
});
