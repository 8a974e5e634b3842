/**
 * The public view of a catalog entry (`GET /v1/models` and `/v1/models/{id}`):
 * sizes, and per provider every parameter's handling with its fallback, how
 * unknown fields travel, and whether `size: "auto"` reaches the provider.
 */
import type { Operation, ProviderId } from "../schemas/common";
import type { ModelEntry, ParamHandling, ParamRule } from "./types";

/** A model as `GET /v1/models/{id}` shows it. */
export type ModelView = {
  id: string;
  object: "model";
  created: number;
  owned_by: string;
  name: string;
  description: string;
  operations: readonly string[];
  aspect_ratios: readonly string[];
  resolutions: readonly string[];
  default_size: string;
  sizes: Record<string, Record<string, string>>;
  max_side: number;
  pixel_budget: number;
  max_input_images: number;
  providers: {
    provider: ProviderId;
    enabled: boolean;
    native_model: string;
    native_edit_model?: string;
    native_formats: readonly string[];
    /** Each public parameter: its usual handling, and its `fallback` for requests the provider cannot serve natively. */
    parameters: Readonly<Record<string, ParamRule>>;
    /** How fields the gateway does not know reach the provider. */
    unknown_parameters: ParamHandling;
    /** Operations where `size: "auto"` is sent as-is and the provider picks the size (elsewhere the gateway picks). */
    auto_size: readonly Operation[];
  }[];
};

/** Catalog release date (unix seconds) shown as `created`. */
const CATALOG_CREATED = 1_764_000_000;

/** The view of `model`, marking which providers are enabled. */
export function describeModel(model: ModelEntry, enabled: ReadonlySet<ProviderId>): ModelView {
  const sizes: Record<string, Record<string, string>> = {};
  for (const [tier, row] of Object.entries(model.sizes)) {
    sizes[tier] = Object.fromEntries(Object.entries(row).map(([r, [w, h]]) => [r, `${w}x${h}`]));
  }
  const def = model.sizes[model.defaultTier]?.[model.defaultRatio];
  return {
    id: model.id,
    object: "model",
    created: CATALOG_CREATED,
    owned_by: model.ownedBy,
    name: model.name,
    description: model.description,
    operations: model.operations,
    aspect_ratios: model.ratios,
    resolutions: model.tiers.map((t) => t.name),
    default_size: def ? `${def[0]}x${def[1]}` : "auto",
    sizes,
    max_side: model.maxSide,
    pixel_budget: model.pixelBudget,
    max_input_images: model.maxInputImages,
    providers: model.routes.map((r) => ({
      provider: r.provider,
      enabled: enabled.has(r.provider),
      native_model: r.nativeModel,
      ...(r.nativeEditModel ? { native_edit_model: r.nativeEditModel } : {}),
      native_formats: r.nativeFormats,
      parameters: r.params,
      unknown_parameters: r.unknownParams,
      auto_size: r.autoSize,
    })),
  };
}
