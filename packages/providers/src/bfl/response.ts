/**
 * BFL poll results, pure: the six documented statuses (plus LiteLLM's
 * defensive `Failed`) → what the adapter does next. Moderation is a status,
 * not an HTTP error, on BFL. A ready result carries the prompt BFL used
 * (`result.prompt`, upsampled when prompt upsampling is on): the image's
 * `revised_prompt`.
 */
import type { BflResult } from "./schemas";

/** What a poll answer means. */
export type BflPollState =
  | { state: "pending"; progress: number | undefined }
  | { state: "ready"; sampleUrl: string; seed: number | undefined; prompt: string | undefined }
  | { state: "refused"; message: string }
  | { state: "failed"; message: string }
  | { state: "lost"; message: string };

function details(result: BflResult): string {
  return result.details ? ` ${JSON.stringify(result.details).slice(0, 300)}` : "";
}

/** Interprets one poll answer. */
export function interpretBflResult(result: BflResult): BflPollState {
  switch (result.status) {
    case "Pending":
      return { state: "pending", progress: result.progress ?? undefined };
    case "Ready": {
      const sample = result.result?.sample;
      if (!sample) return { state: "failed", message: "Ready without result.sample" };
      return {
        state: "ready",
        sampleUrl: sample,
        seed: result.result?.seed ?? undefined,
        prompt: result.result?.prompt ?? undefined,
      };
    }
    case "Request Moderated":
      return { state: "refused", message: `the request was moderated${details(result)}` };
    case "Content Moderated":
      return { state: "refused", message: `the generated content was moderated${details(result)}` };
    case "Task not found":
      return { state: "lost", message: "the task is unknown or expired" };
    case "Error":
    case "Failed":
      return { state: "failed", message: `the task failed${details(result)}` };
    default:
      // An unknown status is treated as still running; the per-call timeout bounds it.
      return { state: "pending", progress: result.progress ?? undefined };
  }
}
