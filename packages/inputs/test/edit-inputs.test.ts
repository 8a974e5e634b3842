import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  checkEditInputs,
  formInputs,
  imageReferences,
  inspectImage,
  loadJsonEditInputs,
  prepareEditRequest,
  sniffImageType,
} from "@imagegate/inputs";
import { DEFAULT_MODEL_ID, GatewayError } from "@imagegate/params";
import { createFsStore } from "@imagegate/storage";
import sharp from "sharp";

const image = (width: number, height: number, format: "png" | "jpeg" | "webp" = "png") =>
  sharp({ create: { width, height, channels: 3, background: "#369" } })
    .toFormat(format)
    .toBuffer();
const dataUri = (data: Buffer, mime = "image/png") =>
  `data:${mime};base64,${data.toString("base64")}`;
const jsonOptions = { maxImageBytes: 1_000_000, allowPrivateUrls: false, checkModel: () => {} };

let png: Buffer;
let jpeg: Buffer;
let webp: Buffer;
beforeAll(async () => {
  [png, jpeg, webp] = await Promise.all([image(8, 6), image(8, 6, "jpeg"), image(8, 6, "webp")]);
});

describe("sniffImageType", () => {
  it.each([
    ["png", () => png, "image/png"],
    ["jpeg", () => jpeg, "image/jpeg"],
    ["webp", () => webp, "image/webp"],
    ["text", () => Buffer.from("hello, world"), null],
    ["an empty buffer", () => Buffer.alloc(0), null],
    ["a truncated PNG signature", () => png.subarray(0, 4), null],
  ])("reads %s as %s", (_label, data, expected) => {
    expect(sniffImageType(data())).toBe(expected);
  });
});

describe("inspectImage", () => {
  it.each([
    ["png", () => png, "image/png"],
    ["jpeg", () => jpeg, "image/jpeg"],
    ["webp", () => webp, "image/webp"],
  ])("measures a %s without decoding it", async (_label, data, mime) => {
    await expect(inspectImage(data(), "image", 100)).resolves.toMatchObject({
      mime,
      width: 8,
      height: 6,
    });
  });

  it.each([
    ["not an image", () => Buffer.from("GIF89a not accepted"), 100, /not a PNG, JPEG or WebP/],
    ["a PNG header with no image", () => png.subarray(0, 20), 100, /could not be decoded/],
    ["over the pixel cap", () => png, 47, /8×6 = 48 pixels; the limit is 47/],
  ])("refuses %s, naming the field", async (_label, data, maxPixels, message) => {
    const refused = inspectImage(data(), "image[1]", maxPixels);
    await expect(refused).rejects.toBeInstanceOf(GatewayError);
    await expect(refused).rejects.toMatchObject({ param: "image[1]", code: "invalid_image" });
    await expect(refused).rejects.toThrow(message);
  });
});

describe("formInputs", () => {
  const file = (field: string) => ({ field, filename: "x.png", data: Buffer.from(field) });

  it.each([
    [["image"], ["image"], false],
    [["image[]", "image[]"], ["image[0]", "image[1]"], false],
    [["image", "mask"], ["image"], true],
  ])("maps fields %j to %j (mask: %s)", (fields, names, hasMask) => {
    const raw = formInputs(fields.map(file));
    expect(raw.images.map((i) => i.field)).toEqual(names);
    expect(raw.mask !== undefined).toBe(hasMask);
  });

  it("refuses an unknown file field by name", () => {
    expect(() => formInputs([file("picture")])).toThrow(
      expect.objectContaining({ param: "picture", status: 400 }),
    );
  });
});

describe("imageReferences", () => {
  it.each([
    [{ image: "https://a/1.png" }, ["image"], null],
    [
      { images: ["https://a/1.png", { image_url: "https://a/2.png" }] },
      ["images[0]", "images[1]"],
      null,
    ],
    [{ image: ["https://a/1.png"], mask: "https://a/m.png" }, ["image[0]"], "mask"],
    [{ image: null, images: undefined }, [], null],
  ])("reads %j", (body, fields, mask) => {
    const refs = imageReferences(body as Record<string, unknown>);
    expect(refs.images.map(([field]) => field)).toEqual(fields);
    expect(refs.mask?.[0] ?? null).toBe(mask);
  });

  it.each([
    [{ image: 42 }, "image", /must be a URL, a data URI/],
    [{ images: [{ file_id: "file-1" }] }, "images[0]", /file_id inputs are not supported/],
  ])("refuses %j naming %s", (body, param, message) => {
    expect(() => imageReferences(body as Record<string, unknown>)).toThrow(message);
    expect(() => imageReferences(body as Record<string, unknown>)).toThrow(
      expect.objectContaining({ param }),
    );
  });
});

describe("loadJsonEditInputs", () => {
  it("loads data URIs under their field names", async () => {
    const raw = await loadJsonEditInputs(
      { image: [dataUri(png)], mask: dataUri(png) },
      jsonOptions,
    );
    expect(raw.images).toEqual([{ field: "image[0]", data: png }]);
    expect(raw.mask).toEqual({ field: "mask", data: png });
  });

  it("asks about the model (the default one when none is named) before loading anything", async () => {
    const checked: string[] = [];
    const refused = loadJsonEditInputs(
      { image: "http://127.0.0.1:1/never-fetched.png" },
      {
        ...jsonOptions,
        checkModel: (model) => {
          checked.push(model);
          throw new GatewayError("model_not_allowed", "no", "model");
        },
      },
    );
    await expect(refused).rejects.toMatchObject({ code: "model_not_allowed" });
    expect(checked).toEqual([DEFAULT_MODEL_ID]);
  });

  it.each([
    [
      "more images than the model takes",
      { image: Array(9).fill("http://127.0.0.1:1/x.png") },
      "image",
      /At most 8/,
    ],
    [
      "a data URI over the byte cap",
      { image: dataUri(Buffer.alloc(2_000_001)) },
      "image",
      /larger than/,
    ],
    ["a data URI that is not base64", { image: "data:image/png,raw" }, "image", /base64 data URI/],
    [
      "a private address",
      { mask: "http://127.0.0.1:1/m.png", image: "data:image/png;base64,AAAA" },
      "mask",
      /not allowed/,
    ],
  ])("refuses %s, naming the field", async (_label, body, param, message) => {
    const refused = loadJsonEditInputs(body, jsonOptions);
    await expect(refused).rejects.toThrow(message);
    await expect(refused).rejects.toMatchObject({ param });
  });
});

describe("checkEditInputs", () => {
  it("names each input's blob key under the job id", async () => {
    const inputs = await checkEditInputs(
      {
        images: [
          { field: "image", data: png },
          { field: "image[1]", data: jpeg },
        ],
        mask: { field: "mask", data: png },
      },
      "job_1",
      100,
    );
    expect(inputs.images.map((i) => i.record.key)).toEqual([
      "inputs/job_1/0.png",
      "inputs/job_1/1.jpg",
    ]);
    expect(inputs.mask?.record).toMatchObject({
      key: "inputs/job_1/mask.png",
      width: 8,
      height: 6,
    });
  });

  it.each([
    ["no image", { images: [], mask: undefined }, "image", /Missing required parameter: 'image'/],
    [
      "a mask of another size",
      { images: [{ field: "image", data: "png" }], mask: { field: "mask", data: "small" } },
      "mask",
      /The mask is 4×3 but the first image is 8×6/,
    ],
  ])("refuses %s", async (_label, raw, param, message) => {
    const small = await image(4, 3);
    const pick = (v: string) => (v === "png" ? png : small);
    const resolved = {
      images: (raw.images as { field: string; data: string }[]).map((i) => ({
        ...i,
        data: pick(i.data),
      })),
      mask: raw.mask ? { ...raw.mask, data: pick(raw.mask.data) } : undefined,
    };
    const refused = checkEditInputs(resolved, "job_1", 100);
    await expect(refused).rejects.toThrow(message);
    await expect(refused).rejects.toMatchObject({ param });
  });
});

describe("prepareEditRequest", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "inputs-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const store = () =>
    createFsStore({ dir, publicBaseUrl: "http://localhost/files", signingSecret: "s" });

  it("normalizes an edit around its inputs and stores them under the job id", async () => {
    const blobs = store();
    const request = await prepareEditRequest(
      { prompt: "a red door", n: 1 },
      { images: [{ field: "image", data: png }], mask: undefined },
      { blobs, jobId: "job_2", maxPixels: 100 },
    );
    expect(request).toMatchObject({ operation: "edit", prompt: "a red door" });
    expect(request.images).toEqual([expect.objectContaining({ key: "inputs/job_2/0.png" })]);
    await expect(blobs.get("inputs/job_2/0.png")).resolves.toEqual(png);
  });

  it("stores nothing when the request is invalid", async () => {
    const blobs = store();
    await expect(
      prepareEditRequest(
        { prompt: "", n: 99 },
        { images: [{ field: "image", data: png }], mask: undefined },
        { blobs, jobId: "job_3", maxPixels: 100 },
      ),
    ).rejects.toMatchObject({ status: 400 });
    await expect(blobs.head("inputs/job_3/0.png")).resolves.toBeNull();
  });
});
