/**
 * Aspect-ratio matching: any `W:H` is accepted and mapped to the offered ratio
 * nearest in log space, so 7:1 with 4:1 and 8:1 offered gives 8:1 (the seed's
 * "How matching works"). Log space makes 2:1 and 1:2 equally far from 1:1.
 */

import { parseRatio } from "../catalog/tier-sizes";
import { GatewayError } from "../errors";

/** Result of matching a requested ratio against the offered ones. */
export type RatioMatch = {
  /** The offered ratio picked, as spelled in the catalog. */
  applied: string;
  /** True when the requested value differs from the applied one (e.g. 7:1 → 8:1, not 32:18 → 16:9). */
  coerced: boolean;
};

const EPSILON = 1e-9;

/** The offered ratio nearest to `requested` in log space; ties go to the first offered. */
export function nearestRatio(
  requested: string,
  offered: readonly string[],
  param = "aspect_ratio",
): RatioMatch {
  const parsed = parseRatio(requested);
  if (!parsed) {
    throw GatewayError.invalidRequest(
      param,
      `Invalid ${param} '${requested}': expected 'W:H' with positive numbers, e.g. '16:9'.`,
    );
  }
  const target = Math.log(parsed[0] / parsed[1]);
  let best: { ratio: string; distance: number } | null = null;
  for (const ratio of offered) {
    const r = parseRatio(ratio);
    if (!r) continue;
    const distance = Math.abs(Math.log(r[0] / r[1]) - target);
    if (!best || distance < best.distance - EPSILON) best = { ratio, distance };
  }
  if (!best) throw new Error("the model offers no aspect ratios");
  return { applied: best.ratio, coerced: best.distance > EPSILON };
}
