/**
 * planRequest: a normalized request + a provider route → the provider plan.
 * Decides the upstream size (covering shape for exact sizes), the upstream
 * encoding (the requested one when the provider has it and nothing needs
 * re-encoding, else lossless PNG), the fan-out of `n`, the seeds, and each
 * parameter's handling. In `strict` mode a dropped parameter is refused.
 */
import type { ModelEntry, ParamHandling, ProviderRoute } from "../catalog/types";
import { GatewayError } from "../errors";
import type { Coercion } from "../resolve/size";
import type { OutputFormat } from "../schemas/common";
import type { NormalizedRequest } from "../schemas/normalized";
import { convertParam, NATIVE_QUALITY, nativeSizeAndFormat } from "./native-params";
import type { AppliedReport, ProviderPlan, UpstreamCall } from "./types";
import { upstreamSizeFor } from "./upstream-size";

const PASSTHROUGH: ParamHandling = { kind: "passthrough" };
const LOSSY: ReadonlySet<OutputFormat> = new Set(["jpeg", "webp", "avif"]);
const SEED_SPACE = 2 ** 32;

/** Options of `planRequest`. */
export type PlanOptions = {
  /** Seed for a call when the request gives none; called once per call. */
  randomSeed: () => number;
};

function pickUpstreamFormat(
  route: ProviderRoute,
  format: OutputFormat,
  resized: boolean,
  quality: number | undefined,
): OutputFormat {
  const native = route.nativeFormats.includes(format);
  const reencodeLossy = resized && format !== "png";
  const qualityOk =
    quality === undefined || NATIVE_QUALITY.has(route.provider) || !LOSSY.has(format);
  if (native && !reencodeLossy && qualityOk) return format;
  return route.nativeFormats.includes("png") ? "png" : (route.nativeFormats[0] ?? "png");
}

function seedsFor(req: NormalizedRequest, count: number, opts: PlanOptions): UpstreamCall[] {
  return Array.from({ length: count }, (_, index) => ({
    index,
    seed: req.seed !== undefined ? (req.seed + index) % SEED_SPACE : opts.randomSeed(),
  }));
}

/** Plans `req` on one provider `route` of `model`. Throws 400 `parameter_coerced` when strict forbids it. */
export function planRequest(
  req: NormalizedRequest,
  model: ModelEntry,
  route: ProviderRoute,
  opts: PlanOptions,
): ProviderPlan {
  const target = { width: req.size.width, height: req.size.height };
  // Replicate makes catalog sizes from its own ratio + tier presets; everything else gets pixels.
  const usePreset = route.sizeRule.kind === "preset-or-custom" && !req.size.exact;
  const upstreamSize = usePreset ? null : upstreamSizeFor(target, route.sizeRule);
  const resized =
    upstreamSize !== null &&
    (upstreamSize.width !== target.width || upstreamSize.height !== target.height);
  const quality = LOSSY.has(req.output_format)
    ? (req.output_compression ?? (req.params.output_quality as number | undefined))
    : undefined;
  const upstreamFormat = pickUpstreamFormat(route, req.output_format, resized, quality);
  const imagesPerCall = route.nativeN ? req.n : 1;
  const nativeModel =
    req.operation === "edit" && route.nativeEditModel ? route.nativeEditModel : route.nativeModel;

  const handling: Record<string, ParamHandling> = {};
  const coercions: Coercion[] = [...req.size.coercions];
  const native: Record<string, unknown> = { ...req.extra, prompt: req.prompt };
  const present = ["model", "prompt", "n", "response_format", "output_format"];
  if (req.size.source === "size" || req.size.source === "width_height") present.push("size");
  if (req.size.aspectRatio?.requested) present.push("aspect_ratio");
  if (req.size.resolution?.requested) present.push("resolution");
  if (req.seed !== undefined) present.push("seed");
  if (req.output_compression !== undefined) present.push("output_compression");
  if (req.images?.length) present.push("image");
  if (req.webhook_url) present.push("webhook_url");
  if (req.metadata) present.push("metadata");
  for (const key of present) handling[key] = route.params[key] ?? PASSTHROUGH;
  for (const key of Object.keys(req.extra)) handling[key] = PASSTHROUGH;

  for (const [key, value] of Object.entries(req.params)) {
    const h = route.params[key] ?? PASSTHROUGH;
    handling[key] = h;
    if (h.kind === "passthrough") native[key] = value;
    else if (h.kind === "renamed") native[h.to] = value;
    else if (h.kind === "converted")
      Object.assign(native, convertParam(route.provider, key, value));
    else if (h.kind === "dropped") {
      coercions.push({
        param: key,
        requested: String(value),
        applied: "(not sent)",
        reason: h.note,
      });
    }
  }
  Object.assign(
    native,
    nativeSizeAndFormat(route.provider, {
      nativeModel,
      upstreamSize,
      upstreamFormat,
      ratio: req.size.aspectRatio?.applied,
      tier: req.size.resolution?.applied,
      imagesPerCall,
      quality,
    }),
  );

  if (req.strict) {
    const dropped = coercions.find((c) => c.applied === "(not sent)");
    if (dropped) {
      throw GatewayError.invalidRequest(
        dropped.param,
        `strict: ${route.provider} cannot take '${dropped.param}' (${dropped.reason}).`,
        "parameter_coerced",
      );
    }
  }

  const seedParam = route.params.seed?.kind === "passthrough" ? "seed" : null;
  return {
    provider: route.provider,
    model: model.id,
    nativeModel,
    operation: req.operation,
    prompt: req.prompt,
    target,
    upstreamSize,
    upstreamFormat,
    output: { format: req.output_format, compression: quality },
    nativeParams: native,
    seedParam,
    calls: route.nativeN ? [{ index: 0, seed: req.seed }] : seedsFor(req, req.n, opts),
    imagesPerCall,
    images: req.images ?? [],
    mask: req.mask,
    handling,
    coercions,
  };
}

/** The `applied` report of a plan (DESIGN §4 "No silent coercion"). */
export function appliedReport(plan: ProviderPlan, req: NormalizedRequest): AppliedReport {
  return {
    provider: plan.provider,
    native_model: plan.nativeModel,
    size: {
      width: plan.target.width,
      height: plan.target.height,
      source: req.size.source,
      exact: req.size.exact,
      ...(req.size.aspectRatio ? { aspect_ratio: req.size.aspectRatio } : {}),
      ...(req.size.resolution ? { resolution: req.size.resolution } : {}),
      ignored: req.size.ignored,
      upstream: plan.upstreamSize,
    },
    output_format: {
      requested: plan.output.format,
      upstream: plan.upstreamFormat,
      converted: plan.output.format !== plan.upstreamFormat,
    },
    native: {
      ...plan.nativeParams,
      ...(plan.seedParam ? { [plan.seedParam]: plan.calls[0]?.seed ?? null } : {}),
    },
    seeds: plan.calls.map((c) => c.seed ?? null),
    parameters: plan.handling,
    coerced: plan.coercions,
  };
}
