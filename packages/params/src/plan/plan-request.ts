/**
 * planRequest: a normalized request + a provider route → the provider plan.
 * Decides the upstream size (covering shape for exact sizes, none when the
 * provider picks it for `size: "auto"`), the upstream encoding (the requested
 * one when the provider has it and nothing needs re-encoding, else lossless
 * PNG), the fan-out of `n`, the seeds, and each parameter's handling. Every
 * parameter the provider drops or the gateway overwrites is a coercion; in
 * `strict` mode the first one is refused with a 400 naming it.
 */
import type { ModelEntry, ProviderRoute } from "../catalog/types";
import { LOSSY_FORMATS } from "../resolve/compression";
import type { Coercion } from "../resolve/size";
import type { OutputFormat } from "../schemas/common";
import type { NormalizedRequest } from "../schemas/normalized";
import { refuseCoercion } from "../strict";
import { type HandlingFacts, requestHandling } from "./handling";
import { convertParam, NATIVE_QUALITY, nativeSizeAndFormat } from "./native-params";
import { findOverrides, landingField, quote, type SentField, stripRoot } from "./overrides";
import type { ProviderPlan, UpstreamCall } from "./types";
import { upstreamSizeFor } from "./upstream-size";

const SEED_SPACE = 2 ** 32;
/** Known parameters the gateway spells itself (the provider's quality field). */
const SPELLED_PARAMS = new Set(["output_quality"]);

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
    quality === undefined || NATIVE_QUALITY.has(route.provider) || !LOSSY_FORMATS.has(format);
  if (native && !reencodeLossy && qualityOk) return format;
  return route.nativeFormats.includes("png") ? "png" : (route.nativeFormats[0] ?? "png");
}

function seedsFor(req: NormalizedRequest, count: number, opts: PlanOptions): UpstreamCall[] {
  return Array.from({ length: count }, (_, index) => ({
    index,
    seed: req.seed !== undefined ? (req.seed + index) % SEED_SPACE : opts.randomSeed(),
  }));
}

/** The size decisions of a plan. */
function planSize(req: NormalizedRequest, route: ProviderRoute) {
  const providerAuto = req.size.source === "auto" && route.autoSize.includes(req.operation);
  const target = providerAuto ? null : { width: req.size.width, height: req.size.height };
  // Replicate makes catalog sizes from its own ratio + tier presets; everything else gets pixels.
  const usePreset = route.sizeRule.kind === "preset-or-custom" && !req.size.exact;
  const upstreamSize = !target || usePreset ? null : upstreamSizeFor(target, route.sizeRule);
  const resized =
    !!target &&
    !!upstreamSize &&
    (upstreamSize.width !== target.width || upstreamSize.height !== target.height);
  return { providerAuto, target, upstreamSize, resized };
}

/** Plans `req` on one provider `route` of `model`. Throws 400 `parameter_coerced` when strict forbids it. */
export function planRequest(
  req: NormalizedRequest,
  model: ModelEntry,
  route: ProviderRoute,
  opts: PlanOptions,
): ProviderPlan {
  const { providerAuto, target, upstreamSize, resized } = planSize(req, route);
  const quality = LOSSY_FORMATS.has(req.output_format)
    ? (req.output_compression ?? (req.params.output_quality as number | undefined))
    : undefined;
  const upstreamFormat = pickUpstreamFormat(route, req.output_format, resized, quality);
  const imagesPerCall = route.nativeN ? req.n : 1;
  const nativeModel =
    req.operation === "edit" && route.nativeEditModel ? route.nativeEditModel : route.nativeModel;
  const spelled = nativeSizeAndFormat(route.provider, {
    nativeModel,
    upstreamSize,
    auto: providerAuto,
    upstreamFormat,
    ratio: req.size.aspectRatio?.applied,
    tier: req.size.resolution?.applied,
    imagesPerCall,
    quality,
  });
  const formatNative = upstreamFormat === req.output_format;
  const facts: HandlingFacts = {
    route,
    req,
    providerAuto,
    target,
    sizeNative: !resized,
    formatNative,
    qualityNative: quality !== undefined && formatNative && NATIVE_QUALITY.has(route.provider),
  };
  const handling = requestHandling(facts);

  // The caller's fields as the provider receives them, before the gateway writes its own.
  const native: Record<string, unknown> = {};
  const sent: SentField[] = [];
  const coercions: Coercion[] = [];
  const given = [
    ...Object.entries(req.params).filter(([key]) => !SPELLED_PARAMS.has(key)),
    ...Object.entries(req.extra),
  ];
  for (const [param, value] of given) {
    const h = handling[param];
    if (!h) continue;
    const field = landingField(param, h, route.bodyRoot);
    if (field !== null) {
      native[field] = value;
      sent.push({ param, field, value });
    } else if (h.kind === "converted") {
      Object.assign(native, convertParam(route.provider, param, value));
    } else if (h.kind === "dropped") {
      coercions.push({
        param,
        requested: quote(value),
        applied: "(not sent)",
        reason: h.note,
        kind: "dropped",
      });
    }
  }

  const gateway = { prompt: req.prompt, ...spelled };
  // An edit's references are written by the adapter, after these fields.
  const imageRule = route.params.image;
  const imageFields =
    req.images?.length && imageRule?.kind === "converted"
      ? imageRule.to.map((path) => stripRoot(path, route.bodyRoot))
      : [];
  const overrides = findOverrides(sent, gateway, new Set(imageFields), route.bodyRoot);
  for (const c of overrides) handling[c.param] = { kind: "overridden", note: c.reason };
  coercions.push(...overrides);
  Object.assign(native, gateway);

  if (req.strict) refuseCoercion(coercions[0], route.provider);

  // Adapters write the per-call seed under its field; only fields the provider takes count.
  const seedRule = route.params.seed;
  const seedParam =
    seedRule?.kind === "passthrough" || seedRule?.kind === "renamed"
      ? (landingField("seed", seedRule, route.bodyRoot) ?? "seed")
      : null;
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
    coercions: [...req.size.coercions, ...req.coercions, ...coercions],
  };
}
