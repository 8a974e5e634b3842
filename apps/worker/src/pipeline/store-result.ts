/**
 * Store step: output images go to the blob store under keys made of the job
 * id (`imageKey`, `packages/jobs/src/image-keys.ts`), so a re-run overwrites
 * and never duplicates.
 */

import { imageKey, type StoredImage } from "@imagegate/jobs";
import { MIME_TYPES, type OutputFormat } from "@imagegate/params";
import type { BlobStore } from "@imagegate/storage";

/** One processed image ready to store. */
export type ProcessedImage = {
  data: Buffer;
  format: OutputFormat;
  width: number;
  height: number;
  seed: number | undefined;
  revisedPrompt: string | undefined;
};

/** Writes every image and returns their records, in order. */
export async function storeImages(
  blobs: BlobStore,
  jobId: string,
  images: ProcessedImage[],
): Promise<StoredImage[]> {
  return Promise.all(
    images.map(async (image, index) => {
      const key = imageKey(jobId, index, image.format);
      const info = await blobs.put(key, image.data, MIME_TYPES[image.format]);
      return {
        key,
        format: image.format,
        width: image.width,
        height: image.height,
        bytes: info.bytes,
        seed: image.seed ?? null,
        revised_prompt: image.revisedPrompt ?? null,
      };
    }),
  );
}
