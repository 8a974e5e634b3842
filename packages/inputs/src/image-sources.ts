/**
 * Edit inputs given by reference in JSON bodies: data URIs (decoded, size
 * capped) and http(s) URLs fetched through `safeFetch` (public addresses
 * only unless ALLOW_PRIVATE_URLS, redirects re-checked, size cap, timeout).
 */
import { ResponseTooLargeError, safeFetch, UnsafeUrlError } from "@imagegate/net";
import { GatewayError } from "@imagegate/params";

/** Limits of remote inputs. */
export type SourceLimits = {
  maxImageBytes: number;
  allowPrivateUrls: boolean;
  timeoutMs?: number;
  /** Most input images the model takes: more is a 400 before anything is fetched. */
  maxImages?: number;
};

/** The bytes behind a data URI or URL; throws a 4xx naming `field`. */
export async function loadImageSource(
  source: string,
  field: string,
  limits: SourceLimits,
): Promise<Buffer> {
  const dataUri = /^data:([^;,]*)(;base64)?,(.*)$/s.exec(source);
  if (dataUri) {
    if (!dataUri[2])
      throw GatewayError.invalidRequest(
        field,
        `'${field}' must be a base64 data URI.`,
        "invalid_image",
      );
    const data = Buffer.from(dataUri[3] ?? "", "base64");
    if (data.length > limits.maxImageBytes) {
      throw new GatewayError(
        "payload_too_large",
        `'${field}' is larger than ${limits.maxImageBytes} bytes.`,
        field,
      );
    }
    return data;
  }
  try {
    const res = await safeFetch(source, {
      allowPrivate: limits.allowPrivateUrls,
      maxBytes: limits.maxImageBytes,
      timeoutMs: limits.timeoutMs ?? 15_000,
    });
    if (res.status !== 200) {
      throw GatewayError.invalidRequest(
        field,
        `Fetching '${field}' answered HTTP ${res.status}.`,
        "invalid_url",
      );
    }
    return res.body;
  } catch (err) {
    if (err instanceof GatewayError) throw err;
    if (err instanceof UnsafeUrlError) {
      throw GatewayError.invalidRequest(
        field,
        `'${field}' is not allowed: ${err.message}.`,
        "invalid_url",
      );
    }
    if (err instanceof ResponseTooLargeError) {
      throw new GatewayError(
        "payload_too_large",
        `'${field}' is larger than ${limits.maxImageBytes} bytes.`,
        field,
      );
    }
    throw GatewayError.invalidRequest(
      field,
      `'${field}' could not be fetched: ${(err as Error).message}.`,
      "invalid_url",
    );
  }
}

/** The image references of a JSON edit body, by field name (`image`, `images[1]`, `mask`). */
export function imageReferences(body: Record<string, unknown>): {
  images: [string, string][];
  mask: [string, string] | null;
} {
  const ref = (value: unknown, field: string): string => {
    if (typeof value === "string") return value;
    if (
      value &&
      typeof value === "object" &&
      typeof (value as { image_url?: unknown }).image_url === "string"
    ) {
      return (value as { image_url: string }).image_url;
    }
    if (value && typeof value === "object" && "file_id" in value) {
      throw GatewayError.invalidRequest(
        field,
        "file_id inputs are not supported; send image_url or a data URI.",
      );
    }
    throw GatewayError.invalidRequest(
      field,
      `'${field}' must be a URL, a data URI or {"image_url": …}.`,
    );
  };
  const images: [string, string][] = [];
  for (const key of ["image", "images"] as const) {
    const value = body[key];
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      for (const [i, v] of value.entries()) images.push([`${key}[${i}]`, ref(v, `${key}[${i}]`)]);
    } else images.push([key, ref(value, key)]);
  }
  const mask =
    body.mask === undefined || body.mask === null
      ? null
      : (["mask", ref(body.mask, "mask")] as [string, string]);
  return { images, mask };
}
