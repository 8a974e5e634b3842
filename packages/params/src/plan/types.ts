/**
 * A provider plan: everything a provider adapter needs to make the upstream
 * calls for one job, and everything the worker needs to turn the upstream
 * images into exactly what was asked. Built by `planRequest`, pure data.
 */
import type { ParamHandling } from "../catalog/types";
import type { Coercion } from "../resolve/size";
import type { Operation, OutputFormat, ProviderId } from "../schemas/common";
import type { InputImage } from "../schemas/normalized";
import type { Dimensions } from "./upstream-size";

/** One upstream call of a plan (`n` fans out to several). */
export type UpstreamCall = { index: number; seed: number | undefined };

export type ProviderPlan = {
  provider: ProviderId;
  model: string;
  /** The provider's model id (fal's `/edit` id for edits). */
  nativeModel: string;
  operation: Operation;
  prompt: string;
  /** Exact pixels of every output image; null when the provider picks the size (`size: "auto"`). */
  target: Dimensions | null;
  /** Pixels asked of the provider, or null when it picks them from a preset (Replicate ratio + tier). */
  upstreamSize: Dimensions | null;
  /** Encoding asked of the provider; the worker converts when it differs from `output.format`. */
  upstreamFormat: OutputFormat;
  /** Final encoding. `compression` is 0–100 for lossy formats. */
  output: { format: OutputFormat; compression: number | undefined };
  /** The provider's native body fields shared by every call (seed and images are per call). */
  nativeParams: Record<string, unknown>;
  /** Field name of the seed in the provider's body, or null when it has none. */
  seedParam: string | null;
  /** The upstream calls: one per image, or one asking for `n` when the provider makes several. */
  calls: UpstreamCall[];
  /** Images per call (`n` when the provider makes several natively, else 1). */
  imagesPerCall: number;
  /** Input images of an edit (blob keys), in order; the mask applies to the first. */
  images: InputImage[];
  mask: InputImage | undefined;
  /** How each parameter present in the request was handled. */
  handling: Record<string, ParamHandling>;
  /** Every coercion: ratio snapped, tier changed, parameter overridden or dropped. */
  coercions: Coercion[];
};

/** The `applied` report of a job: what was asked and what ran. */
export type AppliedReport = {
  provider: ProviderId;
  native_model: string;
  size: {
    /** The output size; null when the provider picks it (the response's `size` says what came back). */
    width: number | null;
    height: number | null;
    source: string;
    exact: boolean;
    /** With `size: "auto"`: who picked the size (`gateway` where the provider cannot). */
    chosen_by?: "provider" | "gateway";
    aspect_ratio?: { requested: string | null; applied: string };
    resolution?: { requested: string | null; applied: string };
    ignored: string[];
    upstream: Dimensions | null;
  };
  output_format: { requested: OutputFormat; upstream: OutputFormat; converted: boolean };
  native: Record<string, unknown>;
  seeds: (number | null)[];
  parameters: Record<string, ParamHandling>;
  coerced: Coercion[];
};
