/**
 * Exact sizes of a resolution tier, derived the way the seed's FLUX.2 [max]
 * table is: height = round(√(pixels / ratio)), width = round(height × ratio).
 * That rule reproduces all nine 1K sizes of the seed (1183×887, 887×1182, …),
 * which `tier-sizes.test.ts` checks. A size over the pixel budget loses one
 * pixel from its longer side until it fits.
 */

/** Parses `W:H` into its two positive numbers, or null. */
export function parseRatio(text: string): [number, number] | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*:\s*(\d+(?:\.\d+)?)\s*$/.exec(text);
  if (!m) return null;
  const w = Number(m[1]);
  const h = Number(m[2]);
  return w > 0 && h > 0 && Number.isFinite(w) && Number.isFinite(h) ? [w, h] : null;
}

/** The exact `[width, height]` for a tier's pixel count and a `W:H` ratio. */
export function sizeForTier(
  pixels: number,
  ratio: string,
  pixelBudget = Infinity,
): [number, number] {
  const parsed = parseRatio(ratio);
  if (!parsed) throw new Error(`bad ratio ${ratio}`);
  const r = parsed[0] / parsed[1];
  const height = Math.round(Math.sqrt(pixels / r));
  let w = Math.round(height * r);
  let h = height;
  while (w * h > pixelBudget) {
    if (w >= h) w -= 1;
    else h -= 1;
  }
  return [w, h];
}

/** The size table of several tiers × ratios. */
export function sizeTable(
  tiers: readonly { name: string; pixels: number }[],
  ratios: readonly string[],
  pixelBudget: number,
): Record<string, Record<string, [number, number]>> {
  const table: Record<string, Record<string, [number, number]>> = {};
  for (const tier of tiers) {
    const row: Record<string, [number, number]> = {};
    for (const ratio of ratios) row[ratio] = sizeForTier(tier.pixels, ratio, pixelBudget);
    table[tier.name] = row;
  }
  return table;
}
