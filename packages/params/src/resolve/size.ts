/**
 * Output size resolution (DESIGN §4 "Parameter normalization"):
 * 1. `size: "WxH"` is exact and wins over everything (also `width` + `height`);
 * 2. `size: "W:H"` means `aspect_ratio`; `size: "auto"` lets the model choose;
 * 3. `aspect_ratio` snaps to the nearest offered ratio, `resolution` to the
 *    nearest offered tier, and the pair picks the catalog's exact size.
 * What was asked, what was applied and any coercion are all reported.
 */

import type { ModelEntry } from "../catalog/types";
import { GatewayError } from "../errors";
import { nearestRatio } from "./aspect-ratio";
import { nearestTier } from "./resolution";

/** The size-related fields of a request. */
export type SizeRequest = {
  size?: string | undefined;
  aspect_ratio?: string | undefined;
  resolution?: string | undefined;
  width?: number | undefined;
  height?: number | undefined;
};

/** One parameter the gateway changed: the `strict` mode refuses these. */
export type Coercion = { param: string; requested: string; applied: string; reason: string };

/** Where the final size came from. */
export type SizeSource =
  | "size"
  | "width_height"
  | "aspect_ratio"
  | "resolution"
  | "auto"
  | "default";

/** The resolved output size and how it was reached. */
export type SizeResolution = {
  width: number;
  height: number;
  source: SizeSource;
  /** True for an exact `WxH`: the output must have exactly these pixels. */
  exact: boolean;
  /** Applied ratio and tier when the size came from the catalog table. */
  aspectRatio?: { requested: string | null; applied: string };
  resolution?: { requested: string | null; applied: string };
  /** Parameters that were given but lost to a more specific one (size wins). */
  ignored: string[];
  coercions: Coercion[];
};

const EXACT = /^\s*(\d+)\s*[xX×]\s*(\d+)\s*$/;
const RATIO = /^\s*\d+(?:\.\d+)?\s*:\s*\d+(?:\.\d+)?\s*$/;

function checkExact(model: ModelEntry, width: number, height: number, param: string): void {
  if (width < 1 || height < 1 || width > model.maxSide || height > model.maxSide) {
    throw GatewayError.invalidRequest(
      param,
      `Invalid ${param} '${width}x${height}': each side must be 1–${model.maxSide} px for ${model.id}.`,
      "invalid_size",
    );
  }
  if (width * height > model.pixelBudget) {
    const mp = (model.pixelBudget / (1024 * 1024)).toFixed(0);
    throw GatewayError.invalidRequest(
      param,
      `Invalid ${param} '${width}x${height}': ${width * height} pixels exceed ${model.id}'s budget of ${model.pixelBudget} (${mp} MP).`,
      "invalid_size",
    );
  }
}

function exactSize(
  model: ModelEntry,
  width: number,
  height: number,
  source: SizeSource,
  req: SizeRequest,
) {
  checkExact(model, width, height, source === "size" ? "size" : "width");
  const ignored = (["aspect_ratio", "resolution"] as const).filter((p) => req[p] !== undefined);
  return { width, height, source, exact: true, ignored, coercions: [] } satisfies SizeResolution;
}

/**
 * Resolves the output size of `model` for a request's size fields.
 * `inputRatio` (an edit's first image, `W:H`) stands in for the model's
 * default ratio when the request names no shape, as providers follow the input.
 */
export function resolveSize(
  model: ModelEntry,
  req: SizeRequest,
  inputRatio?: string,
): SizeResolution {
  const ignored: string[] = [];
  let ratioRequest = req.aspect_ratio;
  let source: SizeSource = "default";

  if (req.size !== undefined) {
    const exact = EXACT.exec(req.size);
    if (exact) return exactSize(model, Number(exact[1]), Number(exact[2]), "size", req);
    if (RATIO.test(req.size)) {
      if (req.aspect_ratio !== undefined) ignored.push("aspect_ratio");
      ratioRequest = req.size;
      source = "aspect_ratio";
    } else if (req.size.trim().toLowerCase() === "auto") {
      source = "auto";
    } else {
      throw GatewayError.invalidRequest(
        "size",
        `Invalid size '${req.size}': expected 'WxH' (e.g. '1024x1024'), 'W:H' (e.g. '16:9') or 'auto'.`,
        "invalid_size",
      );
    }
  } else if (req.width !== undefined && req.height !== undefined) {
    return exactSize(model, req.width, req.height, "width_height", req);
  }

  const coercions: Coercion[] = [];
  const wantsRatio = ratioRequest !== undefined && ratioRequest.trim().toLowerCase() !== "auto";
  const ratio = wantsRatio
    ? nearestRatio(
        ratioRequest as string,
        model.ratios,
        source === "aspect_ratio" && req.size ? "size" : "aspect_ratio",
      )
    : inputRatio
      ? { applied: nearestRatio(inputRatio, model.ratios).applied, coerced: false }
      : { applied: model.defaultRatio, coerced: false };
  if (ratio.coerced) {
    coercions.push({
      param: source === "aspect_ratio" && req.size ? "size" : "aspect_ratio",
      requested: ratioRequest as string,
      applied: ratio.applied,
      reason: `nearest aspect ratio ${model.id} offers`,
    });
  }
  const wantsTier = req.resolution !== undefined && req.resolution.trim().toLowerCase() !== "auto";
  const tier = wantsTier
    ? nearestTier(req.resolution as string, model.tiers)
    : { applied: model.defaultTier, coerced: false };
  if (tier.coerced) {
    coercions.push({
      param: "resolution",
      requested: req.resolution as string,
      applied: tier.applied,
      reason: `nearest resolution tier ${model.id} offers`,
    });
  }
  if (source === "default")
    source = wantsRatio ? "aspect_ratio" : wantsTier ? "resolution" : "default";

  const size = model.sizes[tier.applied]?.[ratio.applied];
  if (!size)
    throw new Error(`catalog gap: ${model.id} has no ${tier.applied} ${ratio.applied} size`);
  return {
    width: size[0],
    height: size[1],
    source,
    exact: false,
    aspectRatio: { requested: ratioRequest ?? null, applied: ratio.applied },
    resolution: { requested: req.resolution ?? null, applied: tier.applied },
    ignored,
    coercions,
  };
}
