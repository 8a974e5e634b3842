/**
 * Image fixtures and checks for tests: decode what the gateway returned (the
 * real format from the bytes, not a file name) and make inputs with sharp at
 * test time, so no binary fixtures live in the repo.
 */
import sharp from "sharp";

/** What a buffer really is. */
export type DecodedImage = { format: string; width: number; height: number };

/** Decodes `data` with sharp; rejects when it is not an image. */
export async function decodeImage(data: Buffer): Promise<DecodedImage> {
  const meta = await sharp(data).metadata();
  // sharp reports AVIF as "heif" with compression "av1".
  const format =
    meta.format === "heif" && meta.compression === "av1" ? "avif" : (meta.format ?? "unknown");
  return { format, width: meta.width ?? 0, height: meta.height ?? 0 };
}

/** A solid-colour image of the given size and format. */
export async function makeImage(
  width: number,
  height: number,
  format: "png" | "jpeg" | "webp" = "png",
  color = { r: 200, g: 80, b: 40 },
): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: color } })
    .toFormat(format)
    .toBuffer();
}

/** Mean RGB of an image (to tell two renders apart). */
export async function meanColor(data: Buffer): Promise<[number, number, number]> {
  const stats = await sharp(data).stats();
  const [r, g, b] = stats.channels;
  return [r?.mean ?? 0, g?.mean ?? 0, b?.mean ?? 0];
}
