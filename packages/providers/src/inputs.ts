/**
 * How input images reach an upstream: an https link when the blob store hands
 * out public ones (S3 presigned URLs), else inline as a data URI — a link to
 * `http://localhost/files/...` would be unreachable from the provider.
 */
import type { ProviderInputImage } from "./types";

/** An https URL the upstream can fetch, or the image inline as a data URI. */
export async function urlOrDataUri(image: ProviderInputImage): Promise<string> {
  if (image.url.startsWith("https://")) return image.url;
  return `data:${image.mime};base64,${(await image.read()).toString("base64")}`;
}

/** Like `urlOrDataUri`, but plain base64 instead of a data URI (BFL takes either a URL or base64). */
export async function urlOrBase64(image: ProviderInputImage): Promise<string> {
  if (image.url.startsWith("https://")) return image.url;
  return (await image.read()).toString("base64");
}
