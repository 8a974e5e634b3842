/**
 * The `applied` report of a plan
 * (docs/architecture.md#parameters-and-the-applied-report): the size that ran
 * and how it was reached, the encoding, the provider's native fields, each
 * parameter's handling and every coercion. Saved on the job and returned with
 * every images response.
 */
import type { NormalizedRequest } from "../schemas/normalized";
import type { AppliedReport, ProviderPlan } from "./types";

/** The `applied` report of `plan`, made for `req`. */
export function appliedReport(plan: ProviderPlan, req: NormalizedRequest): AppliedReport {
  const auto = req.size.source === "auto";
  return {
    provider: plan.provider,
    native_model: plan.nativeModel,
    size: {
      width: plan.target?.width ?? null,
      height: plan.target?.height ?? null,
      source: req.size.source,
      exact: req.size.exact,
      ...(auto ? { chosen_by: plan.target ? "gateway" : "provider" } : {}),
      ...(req.size.aspectRatio && !auto ? { aspect_ratio: req.size.aspectRatio } : {}),
      ...(req.size.resolution && !auto ? { resolution: req.size.resolution } : {}),
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
