/**
 * Thrown by a fenced write of a run that no longer owns its job: its BullMQ
 * lock expired and another run took the job over
 * (docs/guarantees.md#fencing). The run must stop before its next side effect.
 */
export class LockLostError extends Error {
  override readonly name = "LockLostError";

  constructor(readonly jobId: string) {
    super(`the run of job ${jobId} lost its lock; another run owns the job now`);
  }
}
