/**
 * V8 lets its old generation grow to about four times what survives a full
 * collection before it collects again. A worker allocates fast and keeps
 * little — a parked job holds nothing in memory — so at 10,000 tasks in
 * flight its live heap is ~80 MB while its heap grows to ~500 MB. A growth
 * factor of 1.5 keeps the heap near its live size, for about one full
 * collection a second under that load (docs/decisions/0017-parked-waits.md).
 * V8 flags are per process: in `pnpm start` the API thread gets it too; the
 * API alone (`pnpm start:api`) keeps V8's default. The young generation's
 * size is set by the start scripts instead (`--max-semi-space-size`): V8
 * takes that one only at start (docs/decisions/0015-lean-hot-path.md).
 */
import { setFlagsFromString } from "node:v8";

/** The old generation may grow to (1 + this/100) × its live size before a full collection. */
export const HEAP_GROWING_PERCENT = 50;

/** Sets the heap's growth factor; call once, first thing at start. */
export function keepHeapNearLiveSize(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
