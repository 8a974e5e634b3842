/**
 * Observing final jobs once. `announceFinal` may run more than once for a
 * job (a re-run after a crash, the reconciler), in any process; the status
 * change that ends a job happens exactly once (a guarded Lua script), so the
 * process whose write ended it — `first` — is the one that observes it
 * (metrics count each job once, with no extra Redis work). A crash between
 * that write and the observation loses the count, never doubles it. An
 * observer never fails the job's ending: its error is only reported.
 */
import type { JobRecord } from "./records";

/** Something told about every final job's announcement; `first` when the caller's write ended it. */
export type FinalJobObserver = (record: JobRecord, first: boolean) => Promise<void>;

/** Options of `observeFinalOnce`. */
export type ObserveFinalOptions = {
  observe: (record: JobRecord) => void;
  onError?: (err: unknown, record: JobRecord) => void;
};

/** An observer that calls `observe` once per final job: on the write that ended it. */
export function observeFinalOnce(options: ObserveFinalOptions): FinalJobObserver {
  return async (record, first) => {
    if (!first) return;
    try {
      options.observe(record);
    } catch (err) {
      options.onError?.(err, record);
    }
  };
}
