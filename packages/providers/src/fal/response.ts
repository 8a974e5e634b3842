/** fal status and output interpretation, pure. */
import type { FalOutput } from "./schemas";

/** True once the request left the queue and finished (successfully or not: the result URL says). */
export function isFalDone(status: string): boolean {
  return status === "COMPLETED";
}

/** Statuses that mean the request ended without output (not in fal's client, but in third-party schemas). */
export function isFalAborted(status: string): boolean {
  return status === "FAILED" || status === "CANCELED" || status === "CANCELLED";
}

/** The image URLs (or data URIs with `sync_mode`) and the seed of an output. */
export function falImages(output: FalOutput): { urls: string[]; seed: number | undefined } {
  return { urls: output.images.map((i) => i.url), seed: output.seed ?? undefined };
}
