/**
 * Resolution tiers: `0.5K`, `1K`, `2K`, `4K` (a side of N×1024 px, so N² MP)
 * or megapixels (`0.25`, `1`, `4 MP`). A request is mapped to the offered tier
 * nearest in log-pixel space; on an exact tie the larger tier wins, so a
 * request never gets a smaller image than a neighbour it sits between.
 */

import type { ResolutionTier } from "../catalog/types";
import { GatewayError } from "../errors";

const MEGAPIXEL = 1024 * 1024;
const EPSILON = 1e-9;

/** The pixel count a resolution string asks for, or null when it is not one. */
export function parseResolution(text: string): number | null {
  const k = /^\s*(\d+(?:\.\d+)?)\s*K\s*$/i.exec(text);
  if (k) {
    const side = Number(k[1]) * 1024;
    return side > 0 ? side * side : null;
  }
  const mp = /^\s*(\d+(?:\.\d+)?)\s*(?:MP)?\s*$/i.exec(text);
  if (mp) {
    const pixels = Number(mp[1]) * MEGAPIXEL;
    return pixels > 0 ? pixels : null;
  }
  return null;
}

/** Result of matching a requested resolution against the offered tiers. */
export type TierMatch = { applied: string; coerced: boolean };

/** The offered tier nearest to `requested`. */
export function nearestTier(requested: string, tiers: readonly ResolutionTier[]): TierMatch {
  const pixels = parseResolution(requested);
  if (pixels === null) {
    throw GatewayError.invalidRequest(
      "resolution",
      `Invalid resolution '${requested}': expected a tier such as '1K' or '2K', megapixels such as '1', or 'auto'.`,
    );
  }
  const target = Math.log(pixels);
  let best: { tier: ResolutionTier; distance: number } | null = null;
  for (const tier of tiers) {
    const distance = Math.abs(Math.log(tier.pixels) - target);
    const closer = !best || distance < best.distance - EPSILON;
    const tieLarger =
      best && Math.abs(distance - best.distance) <= EPSILON && tier.pixels > best.tier.pixels;
    if (closer || tieLarger) best = { tier, distance };
  }
  if (!best) throw new Error("the model offers no resolution tiers");
  return { applied: best.tier.name, coerced: best.distance > 1e-6 };
}
