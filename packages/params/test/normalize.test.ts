import { normalizeImageRequest } from "@imagegate/params";
import { gatewayErrorOf } from "./helpers";

const refuse = (body: unknown) => gatewayErrorOf(() => normalizeImageRequest(body));

describe("normalizeImageRequest", () => {
  it("applies the defaults", () => {
    const r = normalizeImageRequest({ prompt: "a fox" });
    expect(r).toMatchObject({
      operation: "generation",
      model: "flux.2-max",
      prompt: "a fox",
      n: 1,
      response_format: "url",
      output_format: "png",
      strict: false,
      params: {},
      extra: {},
    });
    expect([r.size.width, r.size.height]).toEqual([1024, 1024]);
    expect(r.seed).toBeUndefined();
  });

  it.each([
    [{}, "prompt", "missing_required_parameter"],
    [{ prompt: "" }, "prompt", "invalid_value"],
    [{ prompt: "   " }, "prompt", "invalid_value"],
    [{ prompt: 5 }, "prompt", "invalid_value"],
    [{ prompt: "p", n: 0 }, "n", "invalid_value"],
    [{ prompt: "p", n: 11 }, "n", "invalid_value"],
    [{ prompt: "p", n: 1.5 }, "n", "invalid_value"],
    [{ prompt: "p", n: "two" }, "n", "invalid_value"],
    [{ prompt: "p", output_format: "bmp" }, "output_format", "invalid_value"],
    [{ prompt: "p", response_format: "file" }, "response_format", "invalid_value"],
    [{ prompt: "p", output_compression: 101 }, "output_compression", "invalid_value"],
    [{ prompt: "p", seed: -1 }, "seed", "invalid_value"],
    [{ prompt: "p", safety_tolerance: 9 }, "safety_tolerance", "invalid_value"],
    [{ prompt: "p", webhook_url: "ftp://x" }, "webhook_url", "invalid_value"],
    [{ prompt: "p", metadata: { a: 1 } }, "metadata.a", "invalid_value"],
    [{ prompt: "p", size: "0x100" }, "size", "invalid_size"],
    [{ prompt: "p", resolution: "huge" }, "resolution", "invalid_value"],
  ])("refuses %j with 400 naming %s", (body, param, code) => {
    expect(refuse(body)).toMatchObject({ status: 400, param, code });
  });

  it.each([[[]], ["prompt"], [null], [42]])("refuses the non-object body %j", (body) => {
    expect(refuse(body)).toMatchObject({ status: 400, code: "invalid_request" });
  });

  it("answers 404 model_not_found for an unknown model", () => {
    expect(refuse({ prompt: "p", model: "flux.9" })).toMatchObject({
      status: 404,
      code: "model_not_found",
      param: "model",
    });
  });

  it("accepts form strings for numbers and booleans (multipart edits)", () => {
    const r = normalizeImageRequest({
      prompt: "p",
      n: "2",
      seed: "7",
      strict: "false",
      sync_mode: "true",
    });
    expect(r).toMatchObject({ n: 2, seed: 7, strict: false, params: { sync_mode: true } });
  });

  it("treats null fields as absent, as the OpenAI SDK sends them", () => {
    const r = normalizeImageRequest({
      prompt: "p",
      size: null,
      n: null,
      response_format: null,
      user: null,
    });
    expect(r).toMatchObject({ n: 1, response_format: "url", params: {} });
  });

  it("keeps unknown fields untouched in extra, nested ones too", () => {
    const r = normalizeImageRequest({
      prompt: "p",
      guidance: 4.5,
      lora: { scale: 0.8, url: "https://x" },
      tags: ["a"],
    });
    expect(r.extra).toEqual({ guidance: 4.5, lora: { scale: 0.8, url: "https://x" }, tags: ["a"] });
  });

  it("puts known provider extras in params", () => {
    const r = normalizeImageRequest({
      prompt: "p",
      quality: "high",
      style: "vivid",
      background: "opaque",
      user: "u1",
      safety_tolerance: 4,
      enable_safety_checker: false,
      sync_mode: true,
      output_quality: 70,
    });
    expect(r.params).toEqual({
      quality: "high",
      style: "vivid",
      background: "opaque",
      user: "u1",
      safety_tolerance: 4,
      enable_safety_checker: false,
      sync_mode: true,
      output_quality: 70,
    });
  });

  it("never passes width/height on: together they are the size, alone they are overridden", () => {
    const lone = normalizeImageRequest({ prompt: "p", width: 512 });
    expect(lone.params).toEqual({});
    expect(lone.size.coercions).toEqual([
      expect.objectContaining({ param: "width", requested: "512", kind: "overridden" }),
    ]);
    const pair = normalizeImageRequest({ prompt: "p", width: 512, height: 256 });
    expect([pair.params, pair.size.width, pair.size.height]).toEqual([{}, 512, 256]);
  });

  it.each([
    [{ output_format: "png", output_compression: 50 }, [["output_compression", "dropped"]]],
    [{ output_format: "gif", output_quality: 50 }, [["output_quality", "dropped"]]],
    [
      { output_compression: 10, output_quality: 20 },
      [
        ["output_compression", "dropped"],
        ["output_quality", "dropped"],
      ],
    ],
    [
      { output_format: "webp", output_compression: 10, output_quality: 20 },
      [["output_quality", "overridden"]],
    ],
    [{ output_format: "webp", output_compression: 10, output_quality: 10 }, []],
    [{ output_format: "jpeg", output_quality: 20 }, []],
    [{ output_format: "avif", output_compression: 0 }, []],
  ])("reports compression that is not applied in %j", (fields, expected) => {
    const r = normalizeImageRequest({ prompt: "p", ...fields });
    expect(r.coercions.map((c) => [c.param, c.kind])).toEqual(expected);
  });

  it("records only the size fields as given", () => {
    const r = normalizeImageRequest({ prompt: "p", size: "16:9", output_format: "webp", n: 2 });
    expect(r.size.requested).toEqual({ size: "16:9" });
  });

  it("keeps webhook_url and metadata for the gateway", () => {
    const r = normalizeImageRequest({
      prompt: "p",
      webhook_url: "https://hooks.example.com/x",
      metadata: { team: "a" },
    });
    expect(r).toMatchObject({
      webhook_url: "https://hooks.example.com/x",
      metadata: { team: "a" },
    });
  });

  describe("strict", () => {
    it.each([
      [{ aspect_ratio: "7:1" }, "aspect_ratio"],
      [{ size: "7:1" }, "size"],
      [{ resolution: "4K" }, "resolution"],
      [{ size: "64x64", width: 800 }, "width"],
      [{ height: 800 }, "height"],
      [{ size: "1024x1024", aspect_ratio: "16:9" }, "aspect_ratio"],
      [{ size: "auto", resolution: "1K" }, "resolution"],
      [{ size: "16:9", aspect_ratio: "1:1" }, "aspect_ratio"],
      [{ output_format: "png", output_compression: 50 }, "output_compression"],
      [{ output_format: "gif", output_quality: 50 }, "output_quality"],
      [{ output_format: "jpeg", output_compression: 50, output_quality: 60 }, "output_quality"],
    ])("refuses the coercion of %j naming %s", (fields, param) => {
      expect(refuse({ prompt: "p", strict: true, ...fields })).toMatchObject({
        status: 400,
        code: "parameter_coerced",
        param,
      });
    });

    it("says what would have happened in the refusal", () => {
      expect(
        refuse({ prompt: "p", strict: true, output_format: "png", output_compression: 50 }).message,
      ).toBe(
        "strict: 'output_compression' would not be applied (png is lossless; output_compression applies to jpeg, webp and avif).",
      );
      expect(refuse({ prompt: "p", strict: true, size: "64x64", width: 800 }).message).toBe(
        "strict: 'width' 800 would be overridden by 64 (size '64x64' sets the output size).",
      );
    });

    it.each([
      { size: "1000x700" },
      { aspect_ratio: "16:9", resolution: "1K" },
      { aspect_ratio: "32:18" },
      { width: 640, height: 480 },
      { size: "auto", aspect_ratio: "auto" },
      { output_format: "webp", output_compression: 50 },
      {},
    ])("accepts %j, which needs no coercion", (fields) => {
      expect(() => normalizeImageRequest({ prompt: "p", strict: true, ...fields })).not.toThrow();
    });
  });
});
