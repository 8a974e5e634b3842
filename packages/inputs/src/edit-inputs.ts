/**
 * An edit's input images, from a multipart form or a JSON body, checked one
 * by one (real type, dimensions, pixel cap; the mask against the first
 * image) and given their blob keys under the job id. Stored only after the
 * whole request is known to be valid.
 */
import { GatewayError, type InputImage } from "@imagegate/params";
import type { BlobStore } from "@imagegate/storage";
/** An uploaded file of a multipart form. */
export type UploadedFile = { field: string; filename: string; data: Buffer };

import { imageReferences, loadImageSource, type SourceLimits } from "./image-sources";
import { type InspectedImage, inspectImage } from "./inspect-image";

/** Raw inputs before inspection. */
type RawInput = { field: string; data: Buffer };

/** An edit's images and mask as received, before inspection. */
export type RawEditInputs = { images: RawInput[]; mask: RawInput | undefined };

/** Checked inputs with their blob records. */
export type EditInputs = {
  images: (InspectedImage & { record: InputImage })[];
  mask: (InspectedImage & { record: InputImage }) | undefined;
};

const EXTENSIONS: Record<InputImage["mime"], string> = {
  "image/png": "png",
  "image/jpeg": "jpg",
  "image/webp": "webp",
};

/** The raw inputs of a multipart edit; unknown file fields are refused. */
export function formInputs(files: UploadedFile[]): RawEditInputs {
  const images: RawInput[] = [];
  let mask: RawInput | undefined;
  for (const file of files) {
    if (file.field === "image" || file.field === "image[]") {
      images.push({
        field: file.field === "image" ? "image" : `image[${images.length}]`,
        data: file.data,
      });
    } else if (file.field === "mask") {
      mask = { field: "mask", data: file.data };
    } else {
      throw GatewayError.invalidRequest(
        file.field,
        `Unexpected file field '${file.field}'; send image, image[] or mask.`,
      );
    }
  }
  return { images, mask };
}

/**
 * The raw inputs of a JSON edit (URLs and data URIs are loaded). More images
 * than `limits.maxImages` is a 400 before any URL is fetched.
 */
export async function jsonInputs(
  body: Record<string, unknown>,
  limits: SourceLimits,
): Promise<RawEditInputs> {
  const refs = imageReferences(body);
  if (limits.maxImages !== undefined && refs.images.length > limits.maxImages) {
    throw GatewayError.invalidRequest(
      "image",
      `At most ${limits.maxImages} input images may be sent (got ${refs.images.length}).`,
    );
  }
  const load = async ([field, source]: [string, string]) => ({
    field,
    data: await loadImageSource(source, field, limits),
  });
  const [images, mask] = await Promise.all([
    Promise.all(refs.images.map(load)),
    refs.mask ? load(refs.mask) : undefined,
  ]);
  return { images, mask };
}

/** Inspects the raw inputs and names their blob keys under `jobId`. */
export async function checkEditInputs(
  raw: RawEditInputs,
  jobId: string,
  maxPixels: number,
): Promise<EditInputs> {
  if (raw.images.length === 0) {
    throw new GatewayError(
      "missing_required_parameter",
      "Missing required parameter: 'image'.",
      "image",
    );
  }
  const record = (image: InspectedImage, name: string): InputImage => ({
    key: `inputs/${jobId}/${name}.${EXTENSIONS[image.mime]}`,
    mime: image.mime,
    width: image.width,
    height: image.height,
    bytes: image.data.length,
  });
  const inspected = await Promise.all(
    raw.images.map((i) => inspectImage(i.data, i.field, maxPixels)),
  );
  const images = inspected.map((image, i) => ({ ...image, record: record(image, String(i)) }));
  let mask: EditInputs["mask"];
  if (raw.mask) {
    const m = await inspectImage(raw.mask.data, "mask", maxPixels);
    const first = images[0] as InspectedImage;
    if (m.width !== first.width || m.height !== first.height) {
      throw GatewayError.invalidRequest(
        "mask",
        `The mask is ${m.width}×${m.height} but the first image is ${first.width}×${first.height}; they must match.`,
      );
    }
    mask = { ...m, record: record(m, "mask") };
  }
  return { images, mask };
}

/** Writes the checked inputs to the blob store. */
export async function storeEditInputs(blobs: BlobStore, inputs: EditInputs): Promise<void> {
  const all = [...inputs.images, ...(inputs.mask ? [inputs.mask] : [])];
  await Promise.all(all.map((i) => blobs.put(i.record.key, i.data, i.mime)));
}
