/** Order statistics the benches report. */

/** The value at quantile `q` (0–1) of `values`, nearest rank below; 0 when there are none. */
export function percentile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

/** The middle value (the upper one of an even count); 0 when there are none. */
export function median(values: readonly number[]): number {
  return percentile(values, 0.5);
}
