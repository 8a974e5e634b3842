import { FLUX2_MAX, normalizeImageRequest, type ProviderId, planRequest } from "@imagegate/params";
import { BFL_IMAGE_FIELDS, bflSubmitRequest } from "../../src/bfl/request";
import { falSubmitRequest } from "../../src/fal/request";
import { openaiEditRequest, openaiGenerateRequest } from "../../src/openai/request";
import { replicateCreateRequest } from "../../src/replicate/request";

function plan(
  provider: ProviderId,
  body: Record<string, unknown>,
  operation: "generation" | "edit" = "generation",
) {
  const route = FLUX2_MAX.routes.find((r) => r.provider === provider);
  return planRequest(
    normalizeImageRequest({ prompt: "p", ...body }, { operation }),
    FLUX2_MAX,
    route as never,
    {
      randomSeed: () => 1,
    },
  );
}

const json = (init: RequestInit) => JSON.parse(init.body as string);
const headers = (init: RequestInit) => init.headers as Record<string, string>;

describe("BFL request", () => {
  it("posts to /v1/<model> with x-key, the native fields and the call's seed", () => {
    const p = plan("bfl", { size: "1000x700", seed: 9 });
    const r = bflSubmitRequest(p, p.calls[0] as never, {
      baseUrl: "https://api.bfl.ai/",
      apiKey: "k",
      images: [],
    });
    expect(r.url).toBe("https://api.bfl.ai/v1/flux-2-max");
    expect(headers(r.init)["x-key"]).toBe("k");
    expect(json(r.init)).toEqual({
      prompt: "p",
      width: 1008,
      height: 704,
      output_format: "png",
      seed: 9,
    });
  });

  it("numbers references input_image, input_image_2 … input_image_8", () => {
    const p = plan("bfl", {}, "edit");
    const images = Array.from({ length: 9 }, (_, i) => `img${i}`);
    const body = json(
      bflSubmitRequest(p, p.calls[0] as never, { baseUrl: "x", apiKey: "k", images }).init,
    );
    expect(BFL_IMAGE_FIELDS).toHaveLength(8);
    expect(body.input_image).toBe("img0");
    expect(body.input_image_2).toBe("img1");
    expect(body.input_image_8).toBe("img7");
    expect(body.input_image_9).toBeUndefined();
  });
});

describe("fal request", () => {
  it("posts to the model id with Authorization: Key and image_urls on /edit", () => {
    const p = plan("fal", { size: "512x512", safety_tolerance: 2 }, "edit");
    const r = falSubmitRequest(p, p.calls[0] as never, {
      baseUrl: "https://queue.fal.run",
      apiKey: "k",
      images: ["u1", "u2"],
    });
    expect(r.url).toBe("https://queue.fal.run/fal-ai/flux-2-max/edit");
    expect(headers(r.init).authorization).toBe("Key k");
    expect(json(r.init)).toMatchObject({
      image_size: { width: 512, height: 512 },
      safety_tolerance: "2",
      image_urls: ["u1", "u2"],
      seed: 1,
    });
  });
});

describe("Replicate request", () => {
  it("creates a prediction on the official model with {input}", () => {
    const p = plan("replicate", {
      aspect_ratio: "16:9",
      output_format: "webp",
      output_compression: 70,
    });
    const r = replicateCreateRequest(p, p.calls[0] as never, {
      baseUrl: "https://api.replicate.com",
      apiKey: "t",
      images: ["d"],
    });
    expect(r.url).toBe(
      "https://api.replicate.com/v1/models/black-forest-labs/flux-2-max/predictions",
    );
    expect(headers(r.init).authorization).toBe("Bearer t");
    expect(json(r.init)).toEqual({
      input: {
        prompt: "p",
        aspect_ratio: "16:9",
        resolution: "1 MP",
        output_format: "webp",
        output_quality: 70,
        seed: 1,
        input_images: ["d"],
      },
    });
  });
});

describe("OpenAI-compatible requests", () => {
  it("posts generations as JSON to {base}/images/generations", () => {
    const p = plan("openai", { size: "1000x700", n: 2, quality: "high" });
    const r = openaiGenerateRequest(p, p.calls[0] as never, {
      baseUrl: "https://api.openai.com/v1/",
      apiKey: "sk",
    });
    expect(r.url).toBe("https://api.openai.com/v1/images/generations");
    expect(headers(r.init).authorization).toBe("Bearer sk");
    expect(json(r.init)).toMatchObject({
      model: "flux.2-max",
      size: "1000x700",
      n: 2,
      quality: "high",
      response_format: "b64_json",
    });
  });

  it("posts edits as multipart with image[] files and a mask", async () => {
    const p = plan("openai", { size: "512x512", my_extra: { a: 1 } }, "edit");
    const file = (name: string) => ({
      data: Buffer.from(name),
      mime: "image/png",
      name: `${name}.png`,
    });
    const r = openaiEditRequest(p, p.calls[0] as never, {
      baseUrl: "https://api.openai.com/v1",
      apiKey: "sk",
      images: [file("a"), file("b")],
      mask: file("m"),
    });
    expect(r.url).toBe("https://api.openai.com/v1/images/edits");
    const form = r.init.body as FormData;
    expect(form.getAll("image[]")).toHaveLength(2);
    expect((form.get("mask") as File).name).toBe("m.png");
    expect(form.get("n")).toBe("1");
    expect(form.get("size")).toBe("512x512");
    expect(JSON.parse(form.get("my_extra") as string)).toEqual({ a: 1 });
  });
});
