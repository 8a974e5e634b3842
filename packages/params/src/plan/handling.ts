/**
 * Which handling each parameter of a request gets on one provider. The
 * catalog gives a usual handling and, for some, a fallback (a format the
 * provider lacks, a shape it cannot make); the facts of the plan pick one.
 * Coercions decided before planning (a field that lost to `size`, compression
 * of a lossless format) carry their own kind and win over the catalog.
 */
import type { ParamHandling, ParamRule, ProviderRoute } from "../catalog/types";
import type { NormalizedRequest } from "../schemas/normalized";
import type { Dimensions } from "./upstream-size";

/** What the plan decided, as far as handling depends on it. */
export type HandlingFacts = {
  route: ProviderRoute;
  req: NormalizedRequest;
  /** The provider picks the size itself (`size: "auto"` where it is understood). */
  providerAuto: boolean;
  /** The size the gateway asks for or makes; null when the provider picks it. */
  target: Dimensions | null;
  /** The provider makes the exact size itself (no covering shape and crop). */
  sizeNative: boolean;
  /** The provider encodes the requested format itself. */
  formatNative: boolean;
  /** The provider applies the lossy quality itself. */
  qualityNative: boolean;
};

const PASSTHROUGH: ParamHandling = { kind: "passthrough" };

/** The usual handling of `rule`, or its fallback when `useFallback` and it has one. */
function ruleHandling(rule: ParamRule, useFallback = false): ParamHandling {
  if (useFallback && rule.fallback) return { kind: rule.fallback.kind, note: rule.fallback.note };
  const { fallback: _fallback, ...usual } = rule;
  return usual as ParamHandling;
}

function ruleOf(route: ProviderRoute, name: string): ParamRule {
  return route.params[name] ?? PASSTHROUGH;
}

/** How a field the gateway does not know reaches the provider (nested in Replicate's `input`). */
function unknownHandling(route: ProviderRoute, name: string): ParamHandling {
  const rule = route.unknownParams;
  if (rule.kind !== "passthrough" && rule.kind !== "renamed") return rule;
  return route.bodyRoot ? { kind: "renamed", to: `${route.bodyRoot}.${name}` } : PASSTHROUGH;
}

/** `size: "auto"` sent to a provider that understands it, under its own size field. */
function autoHandling(rule: ParamRule): ParamHandling {
  if (rule.kind === "converted" && rule.to[0]) return { kind: "renamed", to: rule.to[0] };
  return PASSTHROUGH;
}

function sizeHandling(name: string, facts: HandlingFacts): ParamHandling {
  const { route, req, target } = facts;
  if (name === "size" && req.size.source === "auto") {
    if (facts.providerAuto) return autoHandling(ruleOf(route, "size"));
    const basis = req.operation === "edit" ? "the input image's ratio" : "the model's default";
    return {
      kind: "emulated",
      note: `${route.provider} cannot choose a size; the gateway chose ${target?.width}x${target?.height} (${basis})`,
    };
  }
  // `size: "W:H"` is an aspect ratio (the seed: equivalent to aspect_ratio).
  if (name === "size" && !req.size.exact) return ruleHandling(ruleOf(route, "aspect_ratio"));
  const exactField = name === "size" || name === "width" || name === "height";
  return ruleHandling(ruleOf(route, name), exactField && !facts.sizeNative);
}

/** The handling of every parameter the request gave, on `facts.route`. */
export function requestHandling(facts: HandlingFacts): Record<string, ParamHandling> {
  const { route, req } = facts;
  const out: Record<string, ParamHandling> = {};
  for (const name of ["model", "prompt", "n", "response_format"]) {
    out[name] = ruleHandling(ruleOf(route, name));
  }
  const format = ruleOf(route, "output_format");
  out.output_format =
    format.kind === "emulated" ? ruleHandling(format) : ruleHandling(format, !facts.formatNative);
  for (const name of Object.keys(req.size.requested)) out[name] = sizeHandling(name, facts);
  if (req.seed !== undefined) out.seed = ruleHandling(ruleOf(route, "seed"));
  const quality = {
    output_compression: req.output_compression,
    output_quality: req.params.output_quality,
  };
  for (const [name, value] of Object.entries(quality)) {
    if (value !== undefined) out[name] = ruleHandling(ruleOf(route, name), !facts.qualityNative);
  }
  if (req.images?.length) out.image = ruleHandling(ruleOf(route, "image"));
  if (req.webhook_url) out.webhook_url = ruleHandling(ruleOf(route, "webhook_url"));
  if (req.metadata) out.metadata = ruleHandling(ruleOf(route, "metadata"));
  if (req.strict) out.strict = ruleHandling(ruleOf(route, "strict"));
  for (const name of Object.keys(req.params)) {
    out[name] ??= ruleHandling(ruleOf(route, name));
  }
  for (const name of Object.keys(req.extra)) out[name] = unknownHandling(route, name);
  // Decided before planning, whatever the provider: the coercion says what happened.
  for (const c of [...req.size.coercions, ...req.coercions]) {
    if (c.kind) out[c.param] = { kind: c.kind, note: c.reason };
  }
  return out;
}
