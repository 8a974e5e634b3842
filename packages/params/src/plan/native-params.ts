/**
 * The provider-specific half of a plan: how the resolved size, the encoding
 * and the converted parameters are spelled in each provider's body (BFL
 * width/height, fal image_size, Replicate presets or "custom", OpenAI size
 * strings). Pure functions of the plan's inputs; the generic handling
 * (passthrough, renamed, dropped, overridden) is in `plan-request.ts`.
 */
import type { OutputFormat, ProviderId } from "../schemas/common";
import type { Dimensions } from "./upstream-size";

/** What a provider's spelling function needs. */
export type NativeInput = {
  nativeModel: string;
  upstreamSize: Dimensions | null;
  /** True when the provider is asked to pick the size itself (`size: "auto"`). */
  auto: boolean;
  upstreamFormat: OutputFormat;
  /** Applied aspect ratio and tier (only when the size came from the catalog table). */
  ratio: string | undefined;
  tier: string | undefined;
  imagesPerCall: number;
  /** Lossy-format quality 0–100 the provider should use, when it takes one. */
  quality: number | undefined;
};

/** Replicate's `resolution` enum for a tier (nearest in pixels). */
const REPLICATE_RESOLUTION: Record<string, string> = {
  "0.5K": "0.5 MP",
  "1K": "1 MP",
  "2K": "4 MP",
  "4K": "4 MP",
};

/** The size and format fields of one provider's body. */
export function nativeSizeAndFormat(provider: ProviderId, x: NativeInput): Record<string, unknown> {
  const size = x.upstreamSize;
  switch (provider) {
    case "bfl":
      return { width: size?.width, height: size?.height, output_format: x.upstreamFormat };
    case "fal":
      return {
        image_size: x.auto ? "auto" : { width: size?.width, height: size?.height },
        output_format: x.upstreamFormat,
      };
    case "replicate": {
      const shape = size
        ? { aspect_ratio: "custom", width: size.width, height: size.height }
        : { aspect_ratio: x.ratio, resolution: REPLICATE_RESOLUTION[x.tier ?? "1K"] ?? "1 MP" };
      const format = x.upstreamFormat === "jpeg" ? "jpg" : x.upstreamFormat;
      return {
        ...shape,
        output_format: format,
        ...(x.quality !== undefined && format !== "png" ? { output_quality: x.quality } : {}),
      };
    }
    case "openai":
      return {
        model: x.nativeModel,
        size: x.auto || !size ? "auto" : `${size.width}x${size.height}`,
        n: x.imagesPerCall,
        response_format: "b64_json",
        output_format: x.upstreamFormat,
        ...(x.quality !== undefined && x.upstreamFormat !== "png"
          ? { output_compression: x.quality }
          : {}),
      };
    case "local":
      return { width: size?.width, height: size?.height };
  }
}

/** A converted parameter's native value for one provider (the few conversions that are not size/format). */
export function convertParam(
  provider: ProviderId,
  param: string,
  value: unknown,
): Record<string, unknown> {
  if (provider === "fal" && param === "safety_tolerance")
    return { safety_tolerance: String(value) };
  return {};
}

/** Providers that take a lossy quality natively (others get PNG and the gateway encodes). */
export const NATIVE_QUALITY: ReadonlySet<ProviderId> = new Set(["replicate", "openai"]);
