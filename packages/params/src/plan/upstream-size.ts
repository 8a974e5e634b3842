/**
 * The size to ask a provider for, given the exact target. A provider that
 * cannot make the target natively gets the nearest valid shape that covers it
 * (each side rounded up to the provider's multiple), and the gateway crops or
 * resizes to the exact pixels afterwards
 * (docs/decisions/0010-exact-sizes-and-the-applied-report.md#decision). When no
 * covering shape is valid (over the provider's side or pixel limit) the largest
 * valid shape of the same ratio is asked for and scaled up.
 */
import type { SizeRule } from "../catalog/types";

/** Width and height in pixels. */
export type Dimensions = { width: number; height: number };

function roundUp(value: number, multiple: number): number {
  return Math.ceil(value / multiple) * multiple;
}

function roundDown(value: number, multiple: number): number {
  return Math.max(multiple, Math.floor(value / multiple) * multiple);
}

/** The shape within `limits` that covers `target`, or the largest of its ratio. */
function coverWithin(
  target: Dimensions,
  limits: { multiple: number; minSide: number; maxSide: number; maxPixels: number },
): Dimensions {
  const { multiple, minSide, maxSide, maxPixels } = limits;
  const cover = {
    width: Math.max(roundUp(minSide, multiple), roundUp(target.width, multiple)),
    height: Math.max(roundUp(minSide, multiple), roundUp(target.height, multiple)),
  };
  if (
    cover.width <= maxSide &&
    cover.height <= maxSide &&
    cover.width * cover.height <= maxPixels
  ) {
    return cover;
  }
  // Too big for the provider: shrink the target's ratio into the limits, then round down.
  const ratio = target.width / target.height;
  let width = Math.min(maxSide, Math.sqrt(maxPixels * ratio));
  let height = width / ratio;
  if (height > maxSide) {
    height = maxSide;
    width = height * ratio;
  }
  return {
    width: Math.max(roundUp(minSide, multiple), roundDown(width, multiple)),
    height: Math.max(roundUp(minSide, multiple), roundDown(height, multiple)),
  };
}

/** What to ask the provider for to end with exactly `target`. */
export function upstreamSizeFor(target: Dimensions, rule: SizeRule): Dimensions {
  switch (rule.kind) {
    case "exact":
      return { ...target };
    case "multiple":
      return coverWithin(target, rule);
    case "preset-or-custom":
      return coverWithin(target, { ...rule, maxPixels: rule.maxSide * rule.maxSide });
  }
}
