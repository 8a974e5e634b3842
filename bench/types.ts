/** One figure a bench reports. */
export type BenchResult = { name: string; value: number; unit: string; note?: string };
