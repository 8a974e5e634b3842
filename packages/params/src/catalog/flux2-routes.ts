/**
 * The provider routes every FLUX.2 model shares, given each provider's model
 * ids: native formats, the shapes each can make, `n`, reference limits,
 * where `size: "auto"` is understood, and the parameter tables.
 */
import {
  BFL_PARAMS,
  FAL_PARAMS,
  LOCAL_PARAMS,
  OPENAI_PARAMS,
  REPLICATE_PARAMS,
} from "./provider-params";
import type { ProviderRoute } from "./types";

/** BFL FLUX.2 and fal: multiples of 16, at least 64 px, at most 4 MP. */
const MULTIPLE_OF_16 = {
  kind: "multiple",
  multiple: 16,
  minSide: 64,
  maxSide: 14142,
  maxPixels: 4_194_304,
} as const;

const passUnknown = { kind: "passthrough" } as const;

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
      sizeRule: MULTIPLE_OF_16,
      nativeN: false,
      maxInputImages: 8,
      params: BFL_PARAMS,
      unknownParams: passUnknown,
      // BFL has no "auto": without width/height FLUX.2 picks an undocumented default.
      autoSize: [],
    },
    {
      provider: "fal",
      nativeModel: ids.fal,
      nativeEditModel: `${ids.fal}/edit`,
      nativeFormats: ["jpeg", "png"],
      sizeRule: MULTIPLE_OF_16,
      nativeN: false,
      maxInputImages: 8,
      params: FAL_PARAMS,
      unknownParams: passUnknown,
      // fal's /edit ids take image_size "auto" (follow the input); text-to-image has no auto.
      autoSize: ["edit"],
    },
    {
      provider: "replicate",
      nativeModel: ids.replicate,
      nativeFormats: ["png", "jpeg", "webp"],
      sizeRule: { kind: "preset-or-custom", multiple: 32, minSide: 256, maxSide: 2048 },
      nativeN: false,
      maxInputImages: 8,
      params: REPLICATE_PARAMS,
      unknownParams: { kind: "renamed", to: "input.<name>" },
      bodyRoot: "input",
      autoSize: [],
    },
    {
      provider: "openai",
      nativeModel: ids.openai,
      nativeFormats: ["png", "jpeg", "webp"],
      sizeRule: { kind: "exact" },
      nativeN: true,
      maxInputImages: 16,
      params: OPENAI_PARAMS,
      unknownParams: passUnknown,
      autoSize: ["generation", "edit"],
    },
    {
      provider: "local",
      nativeModel: "local",
      nativeFormats: ["png"],
      sizeRule: { kind: "exact" },
      nativeN: false,
      maxInputImages: 16,
      params: LOCAL_PARAMS,
      unknownParams: { kind: "dropped", note: "the local renderer takes no other fields" },
      autoSize: [],
    },
  ];
}
