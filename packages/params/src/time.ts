/** Unix seconds, the unit of every `…_at` field of the records and the API. */
export function unixSeconds(ms: number = Date.now()): number {
  return Math.floor(ms / 1000);
}
