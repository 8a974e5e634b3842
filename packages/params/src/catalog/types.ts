/**
 * Types of the model catalog: what each model offers (ratios, resolution
 * tiers, exact sizes, pixel budget) and how each provider serving it handles
 * every public parameter. Catalog entries are plain data; code reads them.
 */
import type { Operation, OutputFormat, ProviderId } from "../schemas/common";

/**
 * How one parameter of a request reaches a provider. The seed's four
 * behaviours, plus the two ways a parameter can fail to reach it:
 * - `passthrough`: sent as-is under the same name;
 * - `renamed`: same value under the provider's field name (`to`, a path in
 *   the upstream body such as Replicate's `input.prompt`);
 * - `converted`: transformed to the provider's native form (`to` names the fields);
 * - `emulated`: done by the gateway (fan-out, crop, re-encode, URL hosting);
 * - `overridden`: the value was replaced by one the gateway sets itself (an
 *   extra named like a field the gateway writes, `width` beside `size`);
 * - `dropped`: not applied at all (the provider has no such thing, or it
 *   means nothing for this request, like compression of a PNG).
 * The last two are always listed in `applied.coerced`, and `strict` refuses them.
 */
export type ParamHandling =
  | { kind: "passthrough" }
  | { kind: "renamed"; to: string }
  | { kind: "converted"; to: string[]; note: string }
  | { kind: "emulated"; note: string }
  | { kind: "overridden"; note: string }
  | { kind: "dropped"; note: string };

/** The name of a handling. */
export type HandlingKind = ParamHandling["kind"];

/**
 * What happens instead of the usual handling when the provider cannot do it
 * natively for a given request (`when` says in words which requests).
 */
export type HandlingFallback = {
  kind: "emulated" | "dropped";
  when: string;
  note: string;
};

/**
 * A catalog entry: the usual handling of a parameter on a provider, and its
 * fallback when the request asks for what the provider lacks (a format it
 * cannot encode, a shape it cannot make). `planRequest` picks one per request.
 */
export type ParamRule = ParamHandling & { fallback?: HandlingFallback };

/** The shapes a provider can make natively, used to pick the upstream size for an exact `WxH`. */
export type SizeRule =
  /** Any width/height that is a multiple of `multiple`, within bounds (BFL, fal). */
  | { kind: "multiple"; multiple: number; minSide: number; maxSide: number; maxPixels: number }
  /** Preset ratios at resolution tiers, or `custom` within bounds (Replicate). */
  | {
      kind: "preset-or-custom";
      multiple: number;
      minSide: number;
      maxSide: number;
    }
  /** `WxH` strings passed as they are (OpenAI-compatible upstreams, local). */
  | { kind: "exact" };

/** One provider's way of serving one model. */
export type ProviderRoute = {
  provider: ProviderId;
  /** The provider's own model id for text-to-image (BFL path segment, fal id, Replicate owner/name). */
  nativeModel: string;
  /** The provider's model id for edits when it differs (fal's `/edit` ids). */
  nativeEditModel?: string;
  /** Output formats the provider can return; the gateway converts to anything else. */
  nativeFormats: readonly OutputFormat[];
  /** Native shapes, for exact sizes. */
  sizeRule: SizeRule;
  /** True when the provider makes `n` images in one call. */
  nativeN: boolean;
  /** Most input images one call accepts. */
  maxInputImages: number;
  /** Every public parameter's handling by this provider. */
  params: Readonly<Record<string, ParamRule>>;
  /** How a field the gateway does not know reaches this provider. */
  unknownParams: ParamHandling;
  /**
   * The object the provider nests its fields in (Replicate's `input`), when
   * it does. Handling `to` paths start with it; the plan's native fields do not.
   */
  bodyRoot?: string;
  /** Operations for which the provider takes `size: "auto"` and picks the size itself. */
  autoSize: readonly Operation[];
};

/** A resolution tier: a name (`1K`) and its pixel count. */
export type ResolutionTier = { name: string; pixels: number };

/** A model the gateway serves. */
export type ModelEntry = {
  id: string;
  name: string;
  ownedBy: string;
  description: string;
  operations: readonly ("generation" | "edit")[];
  /** Aspect ratios offered, as `W:H`. */
  ratios: readonly string[];
  tiers: readonly ResolutionTier[];
  defaultTier: string;
  defaultRatio: string;
  /** Exact output size per tier and ratio: `sizes[tier][ratio] = [width, height]`. */
  sizes: Readonly<Record<string, Readonly<Record<string, readonly [number, number]>>>>;
  /** Largest side accepted in an exact `WxH`. */
  maxSide: number;
  /** Largest area (pixels) accepted in an exact `WxH`. */
  pixelBudget: number;
  /** Most reference images an edit may carry. */
  maxInputImages: number;
  /** Providers that serve the model, in default failover order (`local` last). */
  routes: readonly ProviderRoute[];
};
