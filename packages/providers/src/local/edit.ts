/**
 * The local edit: the first input image fitted (cover, centre crop) to the
 * output size, tinted towards a colour drawn from the prompt and seed and
 * framed by a seeded border, so the result visibly depends on all three.
 * With a mask (OpenAI semantics: transparent = edit here) only the
 * transparent part of the mask is tinted.
 */
import sharp from "sharp";
import { randomColor, seededRandom } from "./prng";
import { LOCAL_PNG } from "./render";

/** What to edit. */
export type EditInput = {
  prompt: string;
  seed: number;
  width: number;
  height: number;
  image: Buffer;
  mask?: Buffer | undefined;
};

/** Renders the edit as PNG bytes at exactly width×height. */
export async function renderEdit(input: EditInput): Promise<Buffer> {
  const { width, height } = input;
  const random = seededRandom("local-edit", input.prompt, input.seed);
  const tint = randomColor(random);
  const strength = 0.3 + random() * 0.3;
  const border = Math.max(1, Math.round((0.02 + random() * 0.03) * Math.min(width, height)));
  const frame = randomColor(random);

  const base = await sharp(input.image)
    .rotate()
    .resize(width, height, { fit: "cover" })
    .removeAlpha()
    .raw()
    .toBuffer();
  // Weight per pixel: 1 where the edit applies (no mask, or a transparent mask pixel).
  const weights = input.mask
    ? await sharp(input.mask)
        .resize(width, height, { fit: "fill" })
        .ensureAlpha()
        .extractChannel(3)
        .raw()
        .toBuffer()
    : null;

  for (let p = 0, i = 0; p < width * height; p++, i += 3) {
    const x = p % width;
    const y = Math.floor(p / width);
    const inFrame = x < border || y < border || x >= width - border || y >= height - border;
    const w = weights ? 1 - (weights[p] as number) / 255 : 1;
    for (let c = 0; c < 3; c++) {
      const v = base[i + c] as number;
      base[i + c] = inFrame ? (frame[c] as number) : v + ((tint[c] as number) - v) * strength * w;
    }
  }
  return sharp(base, { raw: { width, height, channels: 3 } })
    .png(LOCAL_PNG)
    .toBuffer();
}
