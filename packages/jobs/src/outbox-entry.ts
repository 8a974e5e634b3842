/**
 * The outbox's entries: a new job's queue entry as the create script pushes
 * it and the workers' relay reads it back (`apps/worker/src/outbox-relay.ts`,
 * docs/decisions/0020-submit-through-an-outbox.md), with the submitting
 * request's trace context when tracing is on, so the queue entry's span is
 * still a child of that request's.
 */
import { type ImageJobData, ImageJobDataSchema } from "./queues";

/** A queue entry to add, and the W3C trace headers to add it under (none when tracing is off). */
export type OutboxEntry = { data: ImageJobData; trace?: Record<string, string> };

/** The outbox entry of queue entry `data`, added under trace context `trace`. */
export function encodeOutboxEntry(data: ImageJobData, trace?: Record<string, string>): string {
  return JSON.stringify({
    jobId: data.jobId,
    providerOrder: data.providerOrder,
    providerIndex: data.providerIndex,
    ...(trace && Object.keys(trace).length > 0 ? { trace } : {}),
  });
}

function isHeaders(value: unknown): value is Record<string, string> {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => typeof v === "string")
  );
}

/** What an outbox entry says, or null when it names no queue entry (not JSON, or not an entry). */
export function decodeOutboxEntry(raw: string): OutboxEntry | null {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  const parsed = ImageJobDataSchema.safeParse(value);
  if (!parsed.success) return null;
  const trace = (value as { trace?: unknown }).trace;
  // A trace context that is not one is left out: the entry is still added.
  return isHeaders(trace) ? { data: parsed.data, trace } : { data: parsed.data };
}
