/**
 * Output size resolution
 * (docs/architecture.md#parameters-and-the-applied-report):
 * 1. `size: "WxH"` is exact and wins over everything (also `width` + `height`);
 * 2. `size: "W:H"` means `aspect_ratio`; `size: "auto"` lets the model choose,
 *    so it too wins over `aspect_ratio` and `resolution`;
 * 3. `aspect_ratio` snaps to the nearest offered ratio, `resolution` to the
 *    nearest offered tier, and the pair picks the catalog's exact size.
 * What was asked, what was applied and every coercion are reported: a field
 * that lost to `size` (or a `width` without its `height`) is `overridden`.
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

/**
 * One parameter the gateway changed or did not apply: `strict` refuses these.
 * `applied` is what ran instead; `kind` is set when the parameter was not
 * applied at all (`overridden` by another value, or `dropped`), and is then
 * also the parameter's handling in `applied.parameters`.
 */
export type Coercion = {
  param: string;
  requested: string;
  applied: string;
  reason: string;
  kind?: "overridden" | "dropped";
};

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
  /** The output size; with `auto`, the gateway's choice for providers that cannot choose. */
  width: number;
  height: number;
  source: SizeSource;
  /** True for an exact `WxH`: the output must have exactly these pixels. */
  exact: boolean;
  /** The size fields as the request gave them. */
  requested: SizeRequest;
  /** Applied ratio and tier when the size came from the catalog table. */
  aspectRatio?: { requested: string | null; applied: string };
  resolution?: { requested: string | null; applied: string };
  /** Parameters that were given but lost to a more specific one (size wins). */
  ignored: string[];
  coercions: Coercion[];
};

const SIZE_FIELDS = ["size", "aspect_ratio", "resolution", "width", "height"] as const;
const EXACT = /^\s*(\d+)\s*[xX×]\s*(\d+)\s*$/;
const RATIO = /^\s*\d+(?:\.\d+)?\s*:\s*\d+(?:\.\d+)?\s*$/;

/** True when a size field was given with a value that asks for something (not "auto"). */
function asks(value: string | undefined): value is string {
  return value !== undefined && value.trim().toLowerCase() !== "auto";
}

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

/**
 * The requested fields that lose to `winner`, each reported as overridden by
 * `applied`. They are still validated: a malformed value is a 400 either way.
 */
function losers(
  model: ModelEntry,
  req: SizeRequest,
  params: readonly ("aspect_ratio" | "resolution")[],
  winner: string,
  applied: string,
): Coercion[] {
  const out: Coercion[] = [];
  for (const param of params) {
    const value = req[param];
    if (!asks(value)) continue;
    if (param === "aspect_ratio") nearestRatio(value, model.ratios);
    else nearestTier(value, model.tiers);
    out.push({
      param,
      requested: value,
      applied,
      reason: `${winner} wins over ${param}`,
      kind: "overridden",
    });
  }
  return out;
}

/**
 * `width`/`height` that did not make the size: beside `size`, or one without
 * the other. The gateway writes the provider's size fields itself, so each is
 * reported as overridden by the size that ran.
 */
function strayWidthHeight(req: SizeRequest, size: SizeResolution): Coercion[] {
  if (size.source === "width_height") return [];
  const why =
    req.size !== undefined
      ? `size '${req.size}' sets the output size`
      : "width and height make an exact size only together";
  return (["width", "height"] as const)
    .filter((param) => req[param] !== undefined)
    .map((param) => ({
      param,
      requested: String(req[param]),
      applied: size.source === "auto" ? "auto" : String(size[param]),
      reason: why,
      kind: "overridden",
    }));
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
  const requested = Object.fromEntries(
    SIZE_FIELDS.filter((key) => req[key] !== undefined).map((key) => [key, req[key]]),
  ) as SizeRequest;
  const size = { ...resolveShape(model, req, inputRatio), requested };
  const stray = strayWidthHeight(req, size);
  return stray.length > 0 ? { ...size, coercions: [...size.coercions, ...stray] } : size;
}

function exactSize(
  model: ModelEntry,
  width: number,
  height: number,
  source: "size" | "width_height",
  req: SizeRequest,
): Omit<SizeResolution, "requested"> {
  checkExact(model, width, height, source === "size" ? "size" : "width");
  const winner = source === "size" ? `size '${req.size}' (exact)` : "width and height (exact)";
  const coercions = losers(
    model,
    req,
    ["aspect_ratio", "resolution"],
    winner,
    `${width}x${height}`,
  );
  const ignored = coercions.map((c) => c.param);
  return { width, height, source, exact: true, ignored, coercions };
}

function resolveShape(
  model: ModelEntry,
  req: SizeRequest,
  inputRatio?: string,
): Omit<SizeResolution, "requested"> {
  let ratioRequest = req.aspect_ratio;
  let tierRequest = req.resolution;
  let source: SizeSource = "default";
  const coercions: Coercion[] = [];

  if (req.size !== undefined) {
    const exact = EXACT.exec(req.size);
    if (exact) return exactSize(model, Number(exact[1]), Number(exact[2]), "size", req);
    if (RATIO.test(req.size)) {
      coercions.push(
        ...losers(model, req, ["aspect_ratio"], `size '${req.size}'`, req.size.trim()),
      );
      ratioRequest = req.size;
      source = "aspect_ratio";
    } else if (req.size.trim().toLowerCase() === "auto") {
      // The model chooses: a ratio or tier asked beside it cannot also hold.
      coercions.push(...losers(model, req, ["aspect_ratio", "resolution"], "size 'auto'", "auto"));
      ratioRequest = undefined;
      tierRequest = undefined;
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
  const ignored = coercions.map((c) => c.param);

  const ratioParam = source === "aspect_ratio" && req.size ? "size" : "aspect_ratio";
  const wantsRatio = asks(ratioRequest);
  const ratio = wantsRatio
    ? nearestRatio(ratioRequest as string, model.ratios, ratioParam)
    : inputRatio
      ? { applied: nearestRatio(inputRatio, model.ratios).applied, coerced: false }
      : { applied: model.defaultRatio, coerced: false };
  if (ratio.coerced) {
    coercions.push({
      param: ratioParam,
      requested: ratioRequest as string,
      applied: ratio.applied,
      reason: `nearest aspect ratio ${model.id} offers`,
    });
  }
  const wantsTier = asks(tierRequest);
  const tier = wantsTier
    ? nearestTier(tierRequest as string, model.tiers)
    : { applied: model.defaultTier, coerced: false };
  if (tier.coerced) {
    coercions.push({
      param: "resolution",
      requested: tierRequest as string,
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
    resolution: { requested: tierRequest ?? null, applied: tier.applied },
    ignored,
    coercions,
  };
}
