// @ts-check
/**
 * What the status line says about a job, from its object (SSE or a read):
 * queued (with its place in the queue), in progress (with progress), or how
 * it ended. Pure.
 */

/**
 * @typedef {{ id?: string; status?: string; progress?: number; queue_position?: number | null;
 *   attempts?: number; provider?: string | null; created_at?: number; completed_at?: number | null;
 *   error?: { message?: string } | null }} JobLike
 */

/**
 * @param {JobLike} job
 * @returns {{ text: string; progress: number | null; final: boolean }}
 */
export function describeStatus(job) {
  switch (job.status) {
    case "queued": {
      const ahead = job.queue_position;
      const where =
        typeof ahead === "number"
          ? ahead === 0
            ? " · next in line"
            : ` · ${ahead} ahead in the queue`
          : "";
      return { text: `Queued${where}`, progress: null, final: false };
    }
    case "in_progress": {
      const progress = typeof job.progress === "number" ? job.progress : 0;
      const attempt = (job.attempts ?? 1) > 1 ? ` · attempt ${job.attempts}` : "";
      return {
        text: `In progress · ${Math.round(progress * 100)}%${attempt}`,
        progress,
        final: false,
      };
    }
    case "succeeded": {
      const seconds =
        job.completed_at && job.created_at ? ` in ${job.completed_at - job.created_at} s` : "";
      return {
        text: `Succeeded${seconds} · served by ${job.provider ?? "?"}`,
        progress: 1,
        final: true,
      };
    }
    case "failed":
      return {
        text: `Failed: ${job.error?.message ?? "no reason given"}`,
        progress: null,
        final: true,
      };
    case "canceled":
      return { text: "Canceled", progress: null, final: true };
    default:
      return { text: `Status: ${job.status ?? "unknown"}`, progress: null, final: false };
  }
}
