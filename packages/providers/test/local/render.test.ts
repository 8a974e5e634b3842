import { renderEdit, renderImage } from "@imagegate/providers";
import { decodeImage, makeImage, meanColor } from "@imagegate/testkit";
import sharp from "sharp";

describe("renderImage", () => {
  it("gives the same bytes for the same prompt, seed and size", async () => {
    const a = await renderImage({ prompt: "a fox", seed: 1, width: 128, height: 96 });
    const b = await renderImage({ prompt: "a fox", seed: 1, width: 128, height: 96 });
    expect(a.equals(b)).toBe(true);
  });

  it("draws a different picture for another seed or prompt", async () => {
    const base = await renderImage({ prompt: "a fox", seed: 1, width: 64, height: 64 });
    for (const other of [
      await renderImage({ prompt: "a fox", seed: 2, width: 64, height: 64 }),
      await renderImage({ prompt: "a hen", seed: 1, width: 64, height: 64 }),
    ]) {
      expect(other.equals(base)).toBe(false);
      const [x, y] = [await sharp(base).raw().toBuffer(), await sharp(other).raw().toBuffer()];
      let diff = 0;
      for (let i = 0; i < x.length; i++) diff += Math.abs((x[i] as number) - (y[i] as number));
      expect(diff / x.length).toBeGreaterThan(5);
    }
  });

  it.each([
    [1, 1],
    [64, 64],
    [1000, 700],
    [1365, 768],
    [7, 3000],
  ])("renders exactly %i×%i as PNG", async (width, height) => {
    const png = await renderImage({ prompt: "size", seed: 3, width, height });
    expect(await decodeImage(png)).toEqual({ format: "png", width, height });
  });
});

describe("renderEdit", () => {
  it("fits the input to the output size, deterministically", async () => {
    const image = await makeImage(300, 200, "jpeg");
    const a = await renderEdit({ prompt: "tint", seed: 5, width: 128, height: 128, image });
    const b = await renderEdit({ prompt: "tint", seed: 5, width: 128, height: 128, image });
    expect(a.equals(b)).toBe(true);
    expect(await decodeImage(a)).toEqual({ format: "png", width: 128, height: 128 });
  });

  it("depends on the input, the prompt and the seed", async () => {
    const red = await makeImage(64, 64, "png", { r: 220, g: 20, b: 20 });
    const blue = await makeImage(64, 64, "png", { r: 20, g: 20, b: 220 });
    const base = await renderEdit({ prompt: "p", seed: 1, width: 64, height: 64, image: red });
    expect(
      base.equals(await renderEdit({ prompt: "p", seed: 1, width: 64, height: 64, image: blue })),
    ).toBe(false);
    expect(
      base.equals(await renderEdit({ prompt: "q", seed: 1, width: 64, height: 64, image: red })),
    ).toBe(false);
    expect(
      base.equals(await renderEdit({ prompt: "p", seed: 2, width: 64, height: 64, image: red })),
    ).toBe(false);
    const [r] = await meanColor(base);
    const [b] = await meanColor(
      await renderEdit({ prompt: "p", seed: 1, width: 64, height: 64, image: blue }),
    );
    expect(r).toBeGreaterThan(b);
  });

  it("leaves opaque mask areas alone", async () => {
    const image = await makeImage(64, 64, "png", { r: 100, g: 100, b: 100 });
    const opaque = await sharp({
      create: { width: 64, height: 64, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 1 } },
    })
      .png()
      .toBuffer();
    const kept = await renderEdit({
      prompt: "p",
      seed: 1,
      width: 64,
      height: 64,
      image,
      mask: opaque,
    });
    const center = await sharp(kept)
      .extract({ left: 16, top: 16, width: 32, height: 32 })
      .raw()
      .toBuffer();
    expect([...center].every((v) => v === 100)).toBe(true);
  });
});
