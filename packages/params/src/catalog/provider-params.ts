/**
 * Parameter handling per provider for the FLUX.2 family, as data. Field names
 * follow each provider's protocol (BFL's width/height and input_image…,
 * fal's image_size and image_urls, Replicate's `input` object, the OpenAI
 * Images API). `GET /v1/models/{id}` shows these tables; `planRequest` picks
 * each rule's usual handling or its fallback for a request, and the job's
 * `applied.parameters` shows the one that ran.
 */
import {
  convertedFormats,
  coverAndCrop,
  dropped,
  fanOut,
  GATEWAY_PARAMS,
  gatewayEncodes,
  nestIn,
  pass,
  reencodedFallback,
} from "./handling-rules";
import type { ParamRule } from "./types";

/** The model id travels in the request path on BFL, fal and Replicate. */
const modelInPath: ParamRule = {
  kind: "converted",
  to: [],
  note: "catalog id → the provider's model id in the request path (applied.native_model)",
};

/** Sizes as explicit width/height in multiples of 16 (BFL FLUX.2, fal). */
const SIXTEEN = "a side that is not a multiple of 16, under 64 px, or a shape over 4 MP";

const bflSize: ParamRule = {
  kind: "converted",
  to: ["width", "height"],
  note: "WxH → width and height",
  fallback: coverAndCrop(SIXTEEN),
};

const bflTable: ParamRule = {
  kind: "converted",
  to: ["width", "height"],
  note: "the model's size for the ratio and tier, asked as the covering multiple-of-16 shape and cropped to it",
};

export const BFL_PARAMS: Record<string, ParamRule> = {
  ...GATEWAY_PARAMS,
  model: modelInPath,
  prompt: pass,
  seed: pass,
  size: bflSize,
  width: bflSize,
  height: bflSize,
  aspect_ratio: bflTable,
  resolution: bflTable,
  n: fanOut,
  output_format: { ...pass, fallback: convertedFormats("webp, avif or gif") },
  output_compression: gatewayEncodes,
  output_quality: gatewayEncodes,
  safety_tolerance: pass,
  image: {
    kind: "converted",
    to: ["input_image", ...[2, 3, 4, 5, 6, 7, 8].map((i) => `input_image_${i}`)],
    note: "one field per reference, as a URL or base64",
  },
  quality: pass,
  style: pass,
  background: pass,
  user: pass,
  enable_safety_checker: dropped("fal only; BFL moderation is set by safety_tolerance"),
  sync_mode: dropped("fal only"),
};

const falSize: ParamRule = { ...bflSize, to: ["image_size"], note: "WxH → {width, height}" };

export const FAL_PARAMS: Record<string, ParamRule> = {
  ...BFL_PARAMS,
  size: falSize,
  width: falSize,
  height: falSize,
  aspect_ratio: { ...bflTable, to: ["image_size"] },
  resolution: { ...bflTable, to: ["image_size"] },
  safety_tolerance: {
    kind: "converted",
    to: ["safety_tolerance"],
    note: 'integer → string "1".."5"',
  },
  enable_safety_checker: pass,
  sync_mode: pass,
  image: { kind: "converted", to: ["image_urls"], note: "the /edit model id with a URL list" },
};

const replicateSize: ParamRule = {
  kind: "converted",
  to: ["aspect_ratio", "width", "height"],
  note: 'WxH → aspect_ratio "custom" with width and height',
  fallback: coverAndCrop("a side that is not a multiple of 32, or outside 256–2048 px"),
};

export const REPLICATE_PARAMS: Record<string, ParamRule> = {
  ...GATEWAY_PARAMS,
  model: modelInPath,
  ...nestIn("input", {
    prompt: pass,
    seed: pass,
    size: replicateSize,
    width: replicateSize,
    height: replicateSize,
    aspect_ratio: {
      kind: "converted",
      to: ["aspect_ratio"],
      note: "the nearest preset ratio; the gateway resizes to the model's exact size",
    },
    resolution: {
      kind: "converted",
      to: ["resolution"],
      note: 'tier → "0.5 MP" | "1 MP" | "4 MP"',
    },
    output_format: {
      kind: "converted",
      to: ["output_format"],
      note: 'png and webp as they are, jpeg spelled "jpg"',
      fallback: convertedFormats("avif or gif"),
    },
    output_compression: { kind: "renamed", to: "output_quality", fallback: reencodedFallback },
    output_quality: { ...pass, fallback: reencodedFallback },
    safety_tolerance: pass,
    image: { kind: "converted", to: ["input_images"], note: "URL list" },
    quality: pass,
    style: pass,
    background: pass,
    user: pass,
  }),
  n: fanOut,
  enable_safety_checker: dropped("fal only; Replicate moderation is set by safety_tolerance"),
  sync_mode: dropped("fal only"),
};

export const OPENAI_PARAMS: Record<string, ParamRule> = {
  ...GATEWAY_PARAMS,
  model: { kind: "converted", to: ["model"], note: "catalog id → the upstream's model id" },
  response_format: {
    kind: "converted",
    to: ["response_format"],
    note: "b64_json is asked upstream; the gateway stores the image and hands out its own URL",
  },
  prompt: pass,
  seed: pass,
  size: pass,
  width: { kind: "converted", to: ["size"], note: "width and height → size WxH" },
  height: { kind: "converted", to: ["size"], note: "width and height → size WxH" },
  aspect_ratio: { kind: "converted", to: ["size"], note: "the model's WxH for the ratio and tier" },
  resolution: { kind: "converted", to: ["size"], note: "the model's WxH for the ratio and tier" },
  n: pass,
  output_format: { ...pass, fallback: convertedFormats("avif or gif") },
  output_compression: { ...pass, fallback: reencodedFallback },
  output_quality: { kind: "renamed", to: "output_compression", fallback: reencodedFallback },
  safety_tolerance: pass,
  enable_safety_checker: pass,
  sync_mode: pass,
  image: { kind: "converted", to: ["image[]"], note: "multipart files" },
  quality: pass,
  style: pass,
  background: pass,
  user: pass,
};

const localSize: ParamRule = {
  kind: "converted",
  to: ["width", "height"],
  note: "rendered at the exact pixels",
};
const localCannot = (what: string) => dropped(`the local renderer has ${what}`);

export const LOCAL_PARAMS: Record<string, ParamRule> = {
  ...GATEWAY_PARAMS,
  model: { kind: "emulated", note: "the local renderer draws every model" },
  prompt: pass,
  seed: pass,
  size: localSize,
  width: localSize,
  height: localSize,
  aspect_ratio: { ...localSize, note: "rendered at the model's size for the ratio and tier" },
  resolution: { ...localSize, note: "rendered at the model's size for the ratio and tier" },
  n: fanOut,
  output_format: { kind: "emulated", note: "rendered losslessly, encoded by the gateway" },
  output_compression: gatewayEncodes,
  output_quality: gatewayEncodes,
  image: { kind: "converted", to: ["images"], note: "the first input fitted to the output size" },
  safety_tolerance: localCannot("no moderation"),
  enable_safety_checker: localCannot("no moderation"),
  sync_mode: dropped("fal only"),
  quality: localCannot("one quality"),
  style: localCannot("one style"),
  background: localCannot("an opaque background"),
  user: dropped("not used by the local renderer"),
};
