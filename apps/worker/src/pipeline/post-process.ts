/**
 * Post-process step: whatever the upstream returned → exactly the pixels and
 * encoding asked for. Resizes with `cover` (centre crop) when the upstream
 * shape differs (covering shapes, presets), converts formats the provider
 * lacks, applies `output_compression`, strips metadata. Without a target
 * (`size: "auto"` picked by the provider) the image keeps its size. An image
 * that is already right is passed through untouched: no second lossy encode.
 */
import type { Config } from "@imagegate/jobs";
import { MIME_TYPES, type OutputFormat } from "@imagegate/params";
import { imageSize } from "image-size";
import sharp, { type Sharp } from "sharp";

/**
 * Encoder settings, chosen to keep a 1 MP conversion well under a second on a
 * 2-core machine. Measured on a photo-like 1024² image (blurred gaussian noise),
 * one libvips thread, sharp 0.35 (ms, size):
 * - png: level 6 54 ms (levels 2–9 within 10 %: photos hardly compress);
 * - jpeg q90: 14 ms, 307 KB; mozjpeg 165 ms for 7 % smaller — not worth it;
 * - webp q90: effort 4 (default) 131 ms → effort 2 66 ms, +3 % size;
 * - avif q60: effort 4 (default) 3004 ms → effort 1 157 ms, +9 % size;
 * - gif: see GIF_ENCODERS.
 */
const ENCODERS = {
  png: { compressionLevel: 6, adaptiveFiltering: false },
  jpeg: { quality: 90, mozjpeg: false },
  webp: { quality: 90, effort: 2 },
  avif: { quality: 60, effort: 1 },
} as const;

/**
 * GIF by palette size (GIF_COLOURS). The time is libimagequant's remap of
 * every pixel to its nearest palette colour: above 16 colours it searches
 * candidate lists (~0.4–0.7 s a megapixel here, 2 threads), at 16 or fewer a
 * flat list (~0.15 s, dithering included). sharp rounds any other count to 16
 * or 256. Dithering hides the banding of 16 colours; 256 stay undithered, as
 * dithering would double their time (docs/decisions/0015-lean-hot-path.md).
 */
const GIF_ENCODERS = {
  16: { effort: 1, colours: 16, dither: 1 },
  256: { effort: 1, colours: 256, dither: 0 },
} as const satisfies Record<GifColours, sharp.GifOptions>;

/** Palette sizes of GIF output: the configuration's own (GIF_COLOURS). */
export type GifColours = Config["gifColours"];

/** Largest decoded input accepted (a decompression bomb guard). */
const DEFAULT_LIMIT_INPUT_PIXELS = 100_000_000;

/** The final image. */
export type PostProcessed = {
  data: Buffer;
  format: OutputFormat;
  width: number;
  height: number;
  bytes: number;
  contentType: string;
};

/** The requested output. */
export type OutputSpec = { format: OutputFormat; compression?: number | undefined };

/** How the gateway encodes (configuration, not the request). */
export type EncodeOptions = {
  /** Largest decoded input, pixels. @defaultValue 100,000,000 */
  limitInputPixels?: number;
  /** Palette size of GIF output. @defaultValue 16 */
  gifColours?: GifColours;
};

/** sharp's name of a format → ours (AVIF reads as "heif" with AV1 compression). */
function formatOf(meta: sharp.Metadata): string | undefined {
  if (meta.format === "heif" && meta.compression === "av1") return "avif";
  return meta.format;
}

function encode(pipeline: Sharp, output: OutputSpec, gifColours: GifColours): Sharp {
  const q = output.compression;
  switch (output.format) {
    case "png":
      return pipeline.png(ENCODERS.png);
    case "jpeg":
      return pipeline
        .flatten({ background: "#ffffff" })
        .jpeg({ ...ENCODERS.jpeg, ...(q !== undefined ? { quality: Math.max(1, q) } : {}) });
    case "webp":
      return pipeline.webp({
        ...ENCODERS.webp,
        ...(q !== undefined ? { quality: Math.max(1, q) } : {}),
      });
    case "avif":
      return pipeline.avif({
        ...ENCODERS.avif,
        ...(q !== undefined ? { quality: Math.max(1, q) } : {}),
      });
    case "gif":
      return pipeline.gif(GIF_ENCODERS[gifColours]);
  }
}

/** image-size's names of the formats we make → ours. */
const HEADER_FORMATS: Record<string, string> = {
  png: "png",
  jpg: "jpeg",
  webp: "webp",
  gif: "gif",
};

/**
 * Format, width and height from the image's header alone (no decode), or
 * null when the header does not say (or is not a format we make). Most
 * upstream images need no conversion: this spares them a libvips pass.
 */
export function headerInfo(input: Buffer) {
  try {
    const size = imageSize(input);
    const format = HEADER_FORMATS[size.type ?? ""];
    if (!format || !size.width || !size.height) return null;
    return { format, width: size.width, height: size.height, orientation: size.orientation };
  } catch {
    return null;
  }
}

/** Format, width and height of an encoded image (throws when it is not one). */
async function decodeInfo(input: Buffer, limitInputPixels = DEFAULT_LIMIT_INPUT_PIXELS) {
  const meta = await sharp(input, { limitInputPixels, failOn: "error" }).metadata();
  return {
    format: formatOf(meta),
    width: meta.width ?? 0,
    height: meta.height ?? 0,
    orientation: meta.orientation,
  };
}

/** The response's `size`: what the first image came out as (`WxH`). */
export function sizeLabel(images: readonly { width: number; height: number }[]): string {
  const first = images[0];
  return first ? `${first.width}x${first.height}` : "0x0";
}

/** Turns an upstream image into exactly `target` pixels (or its own, when null) in `output` encoding. */
export async function postProcess(
  input: Buffer,
  wanted: { width: number; height: number } | null,
  output: OutputSpec,
  options: EncodeOptions = {},
): Promise<PostProcessed> {
  const limitInputPixels = options.limitInputPixels ?? DEFAULT_LIMIT_INPUT_PIXELS;
  const header = headerInfo(input);
  const fits = header && header.width * header.height <= limitInputPixels;
  const info = fits ? header : await decodeInfo(input, limitInputPixels);
  const upright = !info.orientation || info.orientation === 1;
  // EXIF orientations 5–8 turn the image a quarter: its upright size is swapped.
  const turned = (info.orientation ?? 1) >= 5;
  const target = wanted ?? {
    width: turned ? info.height : info.width,
    height: turned ? info.width : info.height,
  };
  const sameSize = info.width === target.width && info.height === target.height;
  const done = {
    format: output.format,
    width: target.width,
    height: target.height,
    contentType: MIME_TYPES[output.format],
  };
  if (sameSize && upright && info.format === output.format && output.compression === undefined) {
    return { ...done, data: input, bytes: input.length };
  }
  let pipeline = sharp(input, { limitInputPixels, failOn: "error" }).rotate();
  if (!sameSize || !upright)
    pipeline = pipeline.resize(target.width, target.height, { fit: "cover", position: "centre" });
  const data = await encode(pipeline, output, options.gifColours ?? 16).toBuffer();
  return { ...done, data, bytes: data.length };
}
