/**
 * Parameter handling per provider for the FLUX.2 family, as data. Field names
 * follow each provider's protocol (`../shared/providers.md` §1–4 and the
 * adapter notes); `GET /v1/models/{id}` shows these tables and every job's
 * `applied` report quotes them for the parameters it used.
 */
import type { ParamHandling, ProviderRoute } from "./types";

const pass: ParamHandling = { kind: "passthrough" };
const fanOut: ParamHandling = {
  kind: "emulated",
  note: "one upstream call per image, in parallel",
};
const hosted: ParamHandling = {
  kind: "emulated",
  note: "the gateway stores the image and returns a signed URL or base64",
};
const reencoded: ParamHandling = {
  kind: "emulated",
  note: "the gateway encodes the image at this quality",
};
const gatewayOnly = (note: string): ParamHandling => ({ kind: "emulated", note });
const dropped = (note: string): ParamHandling => ({ kind: "dropped", note });

/** Parameters the gateway itself consumes, the same for every provider. */
const GATEWAY_PARAMS: Record<string, ParamHandling> = {
  model: { kind: "converted", to: ["model"], note: "catalog id → the provider's model id" },
  response_format: hosted,
  webhook_url: gatewayOnly("the gateway delivers a signed webhook when the job ends"),
  metadata: gatewayOnly("kept on the job, never sent upstream"),
  strict: gatewayOnly("refuses any coercion before the job is queued"),
};

/** Sizes as explicit width/height in multiples of 16 (BFL FLUX.2 and fal). */
const widthHeight16: ParamHandling = {
  kind: "converted",
  to: ["width", "height"],
  note: "the nearest multiple-of-16 shape covering the target, then cropped to the exact pixels",
};

export const BFL_PARAMS: Record<string, ParamHandling> = {
  ...GATEWAY_PARAMS,
  prompt: pass,
  seed: pass,
  size: widthHeight16,
  aspect_ratio: widthHeight16,
  resolution: widthHeight16,
  n: fanOut,
  output_format: {
    kind: "converted",
    to: ["output_format"],
    note: "png and jpeg natively; webp, avif and gif converted by the gateway",
  },
  output_compression: reencoded,
  output_quality: reencoded,
  safety_tolerance: pass,
  image: { kind: "converted", to: ["input_image", "input_image_2…8"], note: "URL per reference" },
  quality: pass,
  style: pass,
  background: pass,
  user: pass,
  enable_safety_checker: dropped("fal only; BFL moderation is set by safety_tolerance"),
  sync_mode: dropped("fal only"),
};

export const FAL_PARAMS: Record<string, ParamHandling> = {
  ...GATEWAY_PARAMS,
  prompt: pass,
  seed: pass,
  size: { ...widthHeight16, to: ["image_size"] },
  aspect_ratio: { ...widthHeight16, to: ["image_size"] },
  resolution: { ...widthHeight16, to: ["image_size"] },
  n: fanOut,
  output_format: {
    kind: "converted",
    to: ["output_format"],
    note: "png and jpeg natively; webp, avif and gif converted by the gateway",
  },
  output_compression: reencoded,
  output_quality: reencoded,
  safety_tolerance: {
    kind: "converted",
    to: ["safety_tolerance"],
    note: 'integer → string "1".."5"',
  },
  enable_safety_checker: pass,
  sync_mode: pass,
  image: { kind: "converted", to: ["image_urls"], note: "the /edit model id with a URL list" },
  quality: pass,
  style: pass,
  background: pass,
  user: pass,
};

export const REPLICATE_PARAMS: Record<string, ParamHandling> = {
  ...GATEWAY_PARAMS,
  prompt: pass,
  seed: pass,
  size: {
    kind: "converted",
    to: ["aspect_ratio", "width", "height"],
    note: 'aspect_ratio "custom" with multiple-of-32 width/height covering the target, then cropped',
  },
  aspect_ratio: { kind: "converted", to: ["aspect_ratio"], note: "the nearest preset ratio" },
  resolution: {
    kind: "converted",
    to: ["resolution"],
    note: 'tier → "0.5 MP" | "1 MP" | "2 MP" | "4 MP"',
  },
  n: fanOut,
  output_format: {
    kind: "converted",
    to: ["output_format"],
    note: 'png, webp natively, jpeg spelled "jpg"; avif and gif converted by the gateway',
  },
  output_compression: { kind: "renamed", to: "output_quality" },
  output_quality: pass,
  safety_tolerance: pass,
  image: { kind: "converted", to: ["input_images"], note: "URL list" },
  quality: pass,
  style: pass,
  background: pass,
  user: pass,
  enable_safety_checker: dropped("fal only; Replicate moderation is set by safety_tolerance"),
  sync_mode: dropped("fal only"),
};

export const OPENAI_PARAMS: Record<string, ParamHandling> = {
  ...GATEWAY_PARAMS,
  response_format: {
    kind: "converted",
    to: ["response_format"],
    note: "b64_json is asked upstream; the gateway stores the image and hands out its own URL",
  },
  prompt: pass,
  seed: pass,
  size: { kind: "converted", to: ["size"], note: '"WxH" of the exact target' },
  aspect_ratio: { kind: "converted", to: ["size"], note: "resolved to the model's WxH" },
  resolution: { kind: "converted", to: ["size"], note: "resolved to the model's WxH" },
  n: pass,
  output_format: {
    kind: "converted",
    to: ["output_format"],
    note: "png, jpeg, webp natively; avif and gif converted by the gateway",
  },
  output_compression: pass,
  output_quality: reencoded,
  safety_tolerance: pass,
  enable_safety_checker: pass,
  sync_mode: pass,
  image: { kind: "converted", to: ["image[]"], note: "multipart files" },
  quality: pass,
  style: pass,
  background: pass,
  user: pass,
};

export const LOCAL_PARAMS: Record<string, ParamHandling> = {
  ...GATEWAY_PARAMS,
  prompt: pass,
  seed: pass,
  size: { kind: "converted", to: ["width", "height"], note: "rendered at the exact pixels" },
  aspect_ratio: {
    kind: "converted",
    to: ["width", "height"],
    note: "resolved to the model's size",
  },
  resolution: { kind: "converted", to: ["width", "height"], note: "resolved to the model's size" },
  n: fanOut,
  output_format: { kind: "emulated", note: "rendered losslessly, encoded by the gateway" },
  output_compression: reencoded,
  output_quality: reencoded,
  image: { kind: "converted", to: ["images"], note: "the first input fitted to the output size" },
  safety_tolerance: dropped("the local renderer has no moderation"),
  enable_safety_checker: dropped("the local renderer has no moderation"),
  sync_mode: dropped("fal only"),
  quality: dropped("the local renderer has one quality"),
  style: dropped("the local renderer has one style"),
  background: dropped("the local renderer draws an opaque background"),
  user: dropped("not used by the local renderer"),
};

/** The route entries shared by every FLUX.2 model, given each provider's model ids. */
export function flux2Routes(ids: {
  bfl: string;
  fal: string;
  replicate: string;
  openai: string;
}): ProviderRoute[] {
  return [
    {
      provider: "bfl",
      nativeModel: ids.bfl,
      nativeFormats: ["jpeg", "png"],
      sizeRule: {
        kind: "multiple",
        multiple: 16,
        minSide: 64,
        maxSide: 14142,
        maxPixels: 4_194_304,
      },
      nativeN: false,
      maxInputImages: 8,
      params: BFL_PARAMS,
    },
    {
      provider: "fal",
      nativeModel: ids.fal,
      nativeEditModel: `${ids.fal}/edit`,
      nativeFormats: ["jpeg", "png"],
      sizeRule: {
        kind: "multiple",
        multiple: 16,
        minSide: 64,
        maxSide: 14142,
        maxPixels: 4_194_304,
      },
      nativeN: false,
      maxInputImages: 8,
      params: FAL_PARAMS,
    },
    {
      provider: "replicate",
      nativeModel: ids.replicate,
      nativeFormats: ["png", "jpeg", "webp"],
      sizeRule: { kind: "preset-or-custom", multiple: 32, minSide: 256, maxSide: 2048 },
      nativeN: false,
      maxInputImages: 8,
      params: REPLICATE_PARAMS,
    },
    {
      provider: "openai",
      nativeModel: ids.openai,
      nativeFormats: ["png", "jpeg", "webp"],
      sizeRule: { kind: "exact" },
      nativeN: true,
      maxInputImages: 16,
      params: OPENAI_PARAMS,
    },
    {
      provider: "local",
      nativeModel: "local",
      nativeFormats: ["png"],
      sizeRule: { kind: "exact" },
      nativeN: false,
      maxInputImages: 16,
      params: LOCAL_PARAMS,
    },
  ];
}
