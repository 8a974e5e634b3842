/**
 * A run's claim on its job (docs/guarantees.md#fencing): taking it, the
 * fenced `in_progress` status with the run's token as `run`, and giving it
 * back, so a job waiting on its queue again says `queued`. The processor
 * claims queued runs' jobs; a direct run's job comes claimed from the API
 * (docs/decisions/0018-direct-runs.md) and is given back when the run
 * cannot start; the run may start before that record has landed, and
 * waits for it before its first side effect (`untilSaved`).
 */
import type { ClaimedRun, JobRecord, JobStore } from "@imagegate/jobs";
import type { ProviderId } from "@imagegate/params";
import { ignoreLockLost } from "./apply-outcome";

/** What a claim found: the record, and whether the claim moved it (false: final already). */
export type ClaimResult = { moved: boolean; record: JobRecord | null };

/**
 * Claims job `jobId` for the run fenced by `fence` on `providerId`; the claim
 * answers the record, so there is no separate read. A record not found is
 * looked for once more: on a cluster a queue entry can overtake its record.
 */
export async function claimJob(
  store: JobStore,
  jobId: string,
  providerId: ProviderId,
  fence: string,
  claimedAtMs: number,
): Promise<ClaimResult> {
  const claim = () =>
    store.move(
      jobId,
      ["queued", "in_progress"],
      "in_progress",
      { provider: providerId, run: fence },
      { startedAt: Math.floor(claimedAtMs / 1000) },
    );
  const first = await claim();
  if (first.record) return first;
  await new Promise((resolve) => setTimeout(resolve, 250));
  return claim();
}

/**
 * Puts a job its run (`fence`) owns back to `queued`, to wait on its queue;
 * `neverRan` clears its start, so it has not started until a run does. A
 * run fenced off meanwhile is fine: the job is another run's.
 */
export async function giveBackClaim(
  store: JobStore,
  jobId: string,
  fence: string,
  neverRan = true,
): Promise<void> {
  await store
    .move(jobId, ["in_progress"], "queued", neverRan ? { started_at: null } : {}, { fence })
    .catch(ignoreLockLost);
}

/** A direct run's job whose create failed: the run ends with nothing written and nothing called. */
export class JobNotSaved extends Error {
  constructor(jobId: string) {
    super(`job ${jobId} was not saved: its run ends with nothing done`);
    this.name = "JobNotSaved";
  }
}

/**
 * Whether the run's job record is there: for a direct run, once its create
 * has landed (`ClaimedRun.saved`), false when it failed; true at once for
 * any other run.
 */
export async function hasLanded(claimed: ClaimedRun | undefined): Promise<boolean> {
  return (await claimed?.saved) ?? true;
}

/**
 * Waits until a direct run's job has landed; at once for any other run.
 * JobNotSaved when its create failed: the API answers that failure, and the
 * run must leave no trace.
 */
export async function untilSaved(claimed: ClaimedRun | undefined): Promise<void> {
  if (claimed && !(await hasLanded(claimed))) throw new JobNotSaved(claimed.record.id);
}
