/**
 * Image fixtures and checks for tests: decode what the gateway returned (the
 * real format from the bytes, not a file name) and make inputs with sharp at
 * test time, so no binary fixtures live in the repo.
 */
import { deflateSync } from "node:zlib";
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

/** How many distinct RGB colours an image shows once decoded (a GIF's palette in use). */
export async function distinctColours(data: Buffer): Promise<number> {
  const { data: pixels, info } = await sharp(data)
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const seen = new Set<number>();
  for (let i = 0; i < pixels.length; i += info.channels) {
    seen.add(((pixels[i] ?? 0) << 16) | ((pixels[i + 1] ?? 0) << 8) | (pixels[i + 2] ?? 0));
  }
  return seen.size;
}

/** A photo-like image: blurred gaussian noise, tens of thousands of colours. */
export async function makeNoisyImage(width: number, height: number): Promise<Buffer> {
  return sharp({
    create: {
      width,
      height,
      channels: 3,
      background: "#808080",
      noise: { type: "gaussian", mean: 128, sigma: 60 },
    },
  })
    .blur(1.2)
    .png()
    .toBuffer();
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = (CRC_TABLE[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, body: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  const typed = Buffer.concat([Buffer.from(type, "latin1"), body]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/**
 * A decompression bomb: a valid PNG header claiming `width`×`height` RGB
 * pixels with a tiny compressed body. Decoders that trust the header
 * allocate width×height×3 bytes; the gateway must refuse it from the header.
 */
export function pngBomb(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const idat = deflateSync(Buffer.alloc(1024));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", idat),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}
