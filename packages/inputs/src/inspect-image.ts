/**
 * Input image checks (docs/architecture.md#an-edit-multipart): the real type
 * from the bytes (PNG, JPEG, WebP — never the file name or declared type), a
 * header-only decode with sharp for the dimensions, and the decoded-pixel cap
 * that stops decompression bombs before anything is decoded.
 */
import { GatewayError, type InputImage } from "@imagegate/params";
import sharp from "sharp";

/** The accepted types, sniffed from magic bytes. */
export type ImageMime = InputImage["mime"];

/** The type of an image from its first bytes, or null. */
export function sniffImageType(data: Buffer): ImageMime | null {
  if (
    data.length >= 8 &&
    data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  ) {
    return "image/png";
  }
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff)
    return "image/jpeg";
  if (
    data.length >= 12 &&
    data.toString("latin1", 0, 4) === "RIFF" &&
    data.toString("latin1", 8, 12) === "WEBP"
  ) {
    return "image/webp";
  }
  return null;
}

/** What an accepted input is. */
export type InspectedImage = { data: Buffer; mime: ImageMime; width: number; height: number };

/** Checks one input image; throws a 400 naming `field`. */
export async function inspectImage(
  data: Buffer,
  field: string,
  maxPixels: number,
): Promise<InspectedImage> {
  const mime = sniffImageType(data);
  if (!mime) {
    throw GatewayError.invalidRequest(
      field,
      `'${field}' is not a PNG, JPEG or WebP image.`,
      "invalid_image",
    );
  }
  let meta: sharp.Metadata;
  try {
    // Reads the header only: a 20000×20000 bomb is measured, not decoded.
    meta = await sharp(data, { limitInputPixels: false }).metadata();
  } catch {
    throw GatewayError.invalidRequest(
      field,
      `'${field}' could not be decoded as ${mime}.`,
      "invalid_image",
    );
  }
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (width < 1 || height < 1) {
    throw GatewayError.invalidRequest(field, `'${field}' has no dimensions.`, "invalid_image");
  }
  if (width * height > maxPixels) {
    throw GatewayError.invalidRequest(
      field,
      `'${field}' is ${width}×${height} = ${width * height} pixels; the limit is ${maxPixels}.`,
      "invalid_image",
    );
  }
  try {
    // A full decode within the cap proves the data is a whole image, not a header.
    await sharp(data, { limitInputPixels: maxPixels, failOn: "error" }).stats();
  } catch {
    throw GatewayError.invalidRequest(
      field,
      `'${field}' is corrupt or truncated.`,
      "invalid_image",
    );
  }
  return { data, mime, width, height };
}
