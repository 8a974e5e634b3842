/**
 * Replicate prediction interpretation, pure. Failures carry a free-text
 * `error`; content-filter failures are recognised by their text (NSFW,
 * "flagged as sensitive", E005), as Replicate gives no code.
 */
import type { ReplicatePrediction } from "./schemas";

/** What a prediction's state means. */
export type ReplicateState =
  | { state: "running" }
  | { state: "succeeded"; urls: string[] }
  | { state: "refused"; message: string }
  | { state: "failed"; message: string }
  | { state: "canceled" };

const MODERATION =
  /nsfw|flagged as sensitive|sensitive content|E005|safety (checker|filter)|content (policy|moderation)/i;

/** True when a failure text says the content was refused. */
export function isModerationText(text: string): boolean {
  return MODERATION.test(text);
}

/** Interprets a prediction. */
export function interpretPrediction(p: ReplicatePrediction): ReplicateState {
  switch (p.status) {
    case "succeeded": {
      const urls = p.output === undefined || p.output === null ? [] : [p.output].flat();
      return urls.length > 0
        ? { state: "succeeded", urls }
        : { state: "failed", message: "succeeded without output" };
    }
    case "failed": {
      const message =
        typeof p.error === "string" ? p.error : JSON.stringify(p.error ?? "prediction failed");
      return isModerationText(message)
        ? { state: "refused", message }
        : { state: "failed", message };
    }
    case "canceled":
    case "aborted":
      return { state: "canceled" };
    default:
      return { state: "running" };
  }
}
