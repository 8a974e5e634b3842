/**
 * The attempt log of a job: one entry per run's outcome on a provider, shown
 * on the job object. `attempts` counts the runs that spent an attempt (a 429
 * pause does not).
 */
import type { Attempt, JobError, JobRecord, JobStore } from "@imagegate/jobs";
import type { ProviderId } from "@imagegate/params";

/** One attempt's entry. */
export function attemptEntry(
  provider: ProviderId,
  outcome: Attempt["outcome"],
  error: JobError | null = null,
  upstreamStatus: number | null = null,
): Attempt {
  return {
    provider,
    at: Math.floor(Date.now() / 1000),
    outcome,
    error: error
      ? { code: error.code ?? "error", message: error.message, upstream_status: upstreamStatus }
      : null,
  };
}

/** Attempts that count: every run but a rate-limit pause. */
function countAttempts(log: readonly Attempt[]): number {
  return log.filter((a) => a.outcome !== "rate_limited").length;
}

/** The log with `entry` appended, and its count, as record fields. */
export function withAttempt(record: Pick<JobRecord, "attempt_log">, entry: Attempt) {
  const attempt_log = [...record.attempt_log, entry];
  return { attempt_log, attempts: countAttempts(attempt_log) };
}

/** Appends `entry` to the job's log, as the run that owns it (`fence`). */
export async function logAttempt(
  store: JobStore,
  record: JobRecord,
  entry: Attempt,
  fence: string,
): Promise<void> {
  await store.update(record.id, withAttempt(record, entry), { fence });
}
