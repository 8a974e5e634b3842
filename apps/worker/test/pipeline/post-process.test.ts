import { decodeImage, distinctColours, makeImage, makeNoisyImage } from "@imagegate/testkit";
import sharp from "sharp";
import { headerInfo, postProcess, sizeLabel } from "../../src/pipeline/post-process";

describe("postProcess", () => {
  it.each(["png", "jpeg", "webp", "avif", "gif"] as const)(
    "encodes %s at the exact size",
    async (format) => {
      const input = await makeImage(200, 100, "png");
      const out = await postProcess(input, { width: 200, height: 100 }, { format });
      expect(await decodeImage(out.data)).toEqual({ format, width: 200, height: 100 });
      expect(out).toMatchObject({ format, width: 200, height: 100, bytes: out.data.length });
    },
  );

  it.each([
    [1008, 704, 1000, 700],
    [1376, 768, 1365, 768],
    [1024, 1024, 1365, 768],
    [32, 32, 100, 50],
  ])("crops or scales %i×%i to exactly %i×%i", async (w, h, tw, th) => {
    const out = await postProcess(
      await makeImage(w, h, "jpeg"),
      { width: tw, height: th },
      { format: "png" },
    );
    expect(await decodeImage(out.data)).toEqual({ format: "png", width: tw, height: th });
  });

  it.each([
    [1536, 1024, "png", "webp"],
    [300, 200, "jpeg", "png"],
  ] as const)(
    "keeps a provider-picked %i×%i (no target) while converting %s to %s",
    async (w, h, from, to) => {
      const out = await postProcess(await makeImage(w, h, from), null, { format: to });
      expect(await decodeImage(out.data)).toEqual({ format: to, width: w, height: h });
      expect(out).toMatchObject({ width: w, height: h });
    },
  );

  it("keeps an upright provider-picked size when EXIF turns the image a quarter", async () => {
    const input = await sharp(await makeImage(60, 40, "jpeg"))
      .withMetadata({ orientation: 6 })
      .jpeg()
      .toBuffer();
    const out = await postProcess(input, null, { format: "png" });
    expect(await decodeImage(out.data)).toEqual({ format: "png", width: 40, height: 60 });
  });

  it("labels the response size with the first image's pixels", () => {
    expect(
      sizeLabel([
        { width: 1536, height: 1024 },
        { width: 1, height: 1 },
      ]),
    ).toBe("1536x1024");
  });

  it("returns the bytes untouched when they are already right", async () => {
    const input = await makeImage(64, 64, "webp");
    const out = await postProcess(input, { width: 64, height: 64 }, { format: "webp" });
    expect(out.data).toBe(input);
  });

  it("re-encodes when a compression is asked", async () => {
    const input = await sharp({
      create: {
        width: 256,
        height: 256,
        channels: 3,
        background: "#888",
        noise: { type: "gaussian", mean: 128, sigma: 50 },
      },
    })
      .jpeg({ quality: 95 })
      .toBuffer();
    const low = await postProcess(
      input,
      { width: 256, height: 256 },
      { format: "jpeg", compression: 20 },
    );
    const high = await postProcess(
      input,
      { width: 256, height: 256 },
      { format: "jpeg", compression: 95 },
    );
    expect(low.data).not.toBe(input);
    expect(low.bytes).toBeLessThan(high.bytes);
  });

  it.each([
    [undefined, 2, 16],
    [16, 2, 16],
    [256, 17, 255],
  ] as const)(
    "encodes gif with the configured palette (gifColours %s: %i–%i colours)",
    async (gifColours, least, most) => {
      const input = await makeNoisyImage(128, 128);
      const out = await postProcess(
        input,
        { width: 128, height: 128 },
        { format: "gif" },
        gifColours === undefined ? {} : { gifColours },
      );
      expect(await decodeImage(out.data)).toEqual({ format: "gif", width: 128, height: 128 });
      const colours = await distinctColours(out.data);
      expect(colours).toBeGreaterThanOrEqual(least);
      expect(colours).toBeLessThanOrEqual(most);
    },
  );

  it("rejects bytes that are not an image", async () => {
    await expect(
      postProcess(Buffer.from("not an image"), { width: 1, height: 1 }, { format: "png" }),
    ).rejects.toThrow();
  });

  it("refuses inputs over the pixel limit", async () => {
    const input = await makeImage(200, 200, "png");
    await expect(
      postProcess(input, { width: 10, height: 10 }, { format: "png" }, { limitInputPixels: 100 }),
    ).rejects.toThrow(/pixel/i);
  });
});

describe("headerInfo", () => {
  it.each([
    ["png", 40, 30],
    ["jpeg", 33, 17],
    ["webp", 64, 48],
    ["gif", 20, 10],
  ] as const)("reads a %s header: format and size, without decoding", async (format, w, h) => {
    const image = await sharp({
      create: { width: w, height: h, channels: 3, background: "#123456" },
    })
      .toFormat(format)
      .toBuffer();
    expect(headerInfo(image)).toMatchObject({ format, width: w, height: h });
  });

  it.each([
    [
      "AVIF (left to libvips)",
      async () =>
        sharp({ create: { width: 8, height: 8, channels: 3, background: "#000" } })
          .avif()
          .toBuffer(),
    ],
    ["bytes that are no image", async () => Buffer.from("not an image at all")],
  ])("says nothing for %s", async (_label, make) => {
    expect(headerInfo(await make())).toBeNull();
  });
});
