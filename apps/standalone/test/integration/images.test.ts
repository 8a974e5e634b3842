/**
 * End to end through the official `openai` SDK: real HTTP server, real Redis
 * (BullMQ), real workers with the local renderer, real files on disk.
 */
import { decodeImage, distinctColours, readJson } from "@imagegate/testkit";
import OpenAI from "openai";
import { startGateway, type TestGateway } from "./gateway";

let gateway: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  gateway = await startGateway();
  client = new OpenAI({ apiKey: gateway.apiKey, baseURL: gateway.baseURL, maxRetries: 0 });
});

afterAll(async () => {
  await gateway.close();
});

async function fetchImage(url: string): Promise<Buffer> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

/** Extra (non-OpenAI) fields go straight into the body; the SDK passes them through. */
type Extra = Record<string, unknown>;
function generate(params: Extra) {
  return client.images.generate(params as unknown as OpenAI.Images.ImageGenerateParamsNonStreaming);
}

describe("POST /v1/images/generations through the openai SDK", () => {
  it("returns a flux.2-max image as a working url", async () => {
    const res = await client.images.generate({
      model: "flux.2-max",
      prompt: "a lighthouse",
      size: "1024x1024",
    });
    expect(res.data).toHaveLength(1);
    const url = res.data?.[0]?.url as string;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/files\/jobs\/\w\w\/job_\w+-0\.png\?/);
    const image = await decodeImage(await fetchImage(url));
    expect(image).toEqual({ format: "png", width: 1024, height: 1024 });
    expect((res as unknown as Extra).provider).toBe("local");
  });

  it("returns b64_json when asked", async () => {
    const res = await client.images.generate({
      model: "flux.2-max",
      prompt: "a lighthouse",
      size: "1024x1024",
      response_format: "b64_json",
    });
    const b64 = res.data?.[0]?.b64_json as string;
    expect(res.data?.[0]?.url).toBeUndefined();
    expect(await decodeImage(Buffer.from(b64, "base64"))).toMatchObject({
      width: 1024,
      height: 1024,
    });
  });

  it("names the provider in x-imagegate-provider", async () => {
    const { response } = await client.images
      .generate({ model: "flux.2-max", prompt: "x", size: "64x64" })
      .withResponse();
    expect(response.headers.get("x-imagegate-provider")).toBe("local");
    expect(response.headers.get("x-request-id")).toMatch(/\S/);
  });

  it.each([
    [{ size: "1024x1024" }, 1024, 1024],
    [{ size: "1000x700" }, 1000, 700],
    [{ size: "16:9" }, 1365, 768],
    [{ aspect_ratio: "4:3", resolution: "1K" }, 1183, 887],
    [{ aspect_ratio: "3:4" }, 887, 1182],
    [{ aspect_ratio: "7:1" }, 1365, 768],
    [{ size: "640x480", aspect_ratio: "9:16", resolution: "1K" }, 640, 480],
  ])("makes %j at exactly %i×%i", async (sizeFields, width, height) => {
    const res = await generate({
      model: "flux.2-max",
      prompt: "sizes",
      response_format: "b64_json",
      ...sizeFields,
    });
    const image = await decodeImage(Buffer.from(res.data?.[0]?.b64_json as string, "base64"));
    expect([image.width, image.height]).toEqual([width, height]);
    expect(res.size).toBe(`${width}x${height}`);
  });

  it.each(["png", "jpeg", "webp", "avif", "gif"])("encodes %s", async (format) => {
    const res = await generate({
      prompt: "formats",
      size: "96x64",
      output_format: format,
      response_format: "b64_json",
    });
    const data = Buffer.from(res.data?.[0]?.b64_json as string, "base64");
    expect(await decodeImage(data)).toEqual({ format, width: 96, height: 64 });
    expect(res.output_format).toBe(format);
    // GIF_COLOURS defaults to 16 (the picture's gradient has hundreds).
    if (format === "gif") expect(await distinctColours(data)).toBeLessThanOrEqual(16);
  });

  it("makes n images in parallel with distinct seeds", async () => {
    const res = await generate({
      prompt: "many",
      size: "64x64",
      n: 3,
      seed: 7,
      response_format: "b64_json",
    });
    expect(res.data).toHaveLength(3);
    const bodies = new Set(res.data?.map((d) => d.b64_json));
    expect(bodies.size).toBe(3);
    expect(((res as unknown as Extra).applied as Extra).seeds).toEqual([7, 8, 9]);
  });

  it("reports what it applied", async () => {
    const res = await generate({ prompt: "applied", aspect_ratio: "7:1" });
    const applied = (res as unknown as Extra).applied as {
      size: { aspect_ratio: { requested: string; applied: string } };
      coerced: { param: string }[];
    };
    expect(applied.size.aspect_ratio).toEqual({ requested: "7:1", applied: "16:9" });
    expect(applied.coerced.map((c) => c.param)).toContain("aspect_ratio");
  });

  it.each([
    [{ size: "64x64", width: 800 }, "width", "overridden", "64x64"],
    [
      { size: "64x64", output_format: "png", output_compression: 50 },
      "output_compression",
      "dropped",
      "64x64",
    ],
  ])("makes %j, naming %s as %s in applied.coerced", async (fields, param, kind, size) => {
    const res = (await generate({ prompt: "coerced", ...fields })) as unknown as {
      size: string;
      applied: { coerced: { param: string }[]; parameters: Record<string, { kind: string }> };
    };
    expect(res.size).toBe(size);
    expect(res.applied.coerced.map((c) => c.param)).toEqual([param]);
    expect(res.applied.parameters[param]?.kind).toBe(kind);
  });
});

describe("bad input through the openai SDK", () => {
  async function expectError(promise: Promise<unknown>, status: number, param: string | null) {
    const err = (await promise.then(
      () => {
        throw new Error("expected an error");
      },
      (e: unknown) => e,
    )) as InstanceType<typeof OpenAI.APIError>;
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(err.status).toBe(status);
    expect(err.param ?? null).toBe(param);
    expect(typeof err.message).toBe("string");
    return err;
  }

  it.each([
    [{ prompt: undefined }, "prompt"],
    [{ size: "0x100" }, "size"],
    [{ size: "14143x10" }, "size"],
    [{ size: "2049x2048" }, "size"],
    [{ n: 11 }, "n"],
    [{ output_format: "bmp" }, "output_format"],
    [{ response_format: "file" }, "response_format"],
    [{ aspect_ratio: "wide" }, "aspect_ratio"],
    [{ strict: true, aspect_ratio: "7:1" }, "aspect_ratio"],
    [{ strict: true, size: "64x64", width: 800 }, "width"],
    [{ strict: true, output_format: "png", output_compression: 50 }, "output_compression"],
    [{ strict: true, size: "64x64", guidance: 3 }, "guidance"],
  ])("refuses %j with 400 naming %s", async (fields, param) => {
    await expectError(generate({ prompt: "p", ...fields }), 400, param);
  });

  it("answers 404 model_not_found for an unknown model", async () => {
    const err = await expectError(generate({ prompt: "p", model: "flux.9" }), 404, "model");
    expect(err.code).toBe("model_not_found");
  });

  it("answers 401 without a key and with a wrong key", async () => {
    const wrong = new OpenAI({ apiKey: "sk-wrong", baseURL: gateway.baseURL, maxRetries: 0 });
    const err = await expectError(wrong.images.generate({ prompt: "p" }), 401, null);
    expect(err.code).toBe("invalid_api_key");
    const res = await fetch(`${gateway.baseURL}/images/generations`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ prompt: "p" }),
    });
    expect(res.status).toBe(401);
    expect((await readJson(res)).error.code).toBe("invalid_api_key");
  });

  it("answers 400 invalid_json for malformed JSON, never 500", async () => {
    const res = await fetch(`${gateway.baseURL}/images/generations`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${gateway.apiKey}` },
      body: '{"prompt": "p",',
    });
    expect(res.status).toBe(400);
    const body = await readJson(res);
    expect(body.error).toMatchObject({ code: "invalid_json", type: "invalid_request_error" });
    expect(res.headers.get("x-request-id")).toBeTruthy();
  });
});

describe("with GIF_COLOURS=256", () => {
  let wide: TestGateway;
  beforeAll(async () => {
    wide = await startGateway({ env: { GIF_COLOURS: "256" } });
  });
  afterAll(async () => {
    await wide.close();
  });

  it("encodes gif with the full palette", async () => {
    const sdk = new OpenAI({ apiKey: wide.apiKey, baseURL: wide.baseURL, maxRetries: 0 });
    const res = await sdk.images.generate({
      prompt: "formats",
      size: "96x64",
      output_format: "gif",
      response_format: "b64_json",
    } as unknown as OpenAI.Images.ImageGenerateParamsNonStreaming);
    const data = Buffer.from(res.data?.[0]?.b64_json as string, "base64");
    expect(await decodeImage(data)).toEqual({ format: "gif", width: 96, height: 64 });
    expect(await distinctColours(data)).toBeGreaterThan(16);
  });
});
