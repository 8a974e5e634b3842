/**
 * Spans the instrumentation cannot make: a job's post-processing, its
 * storage step, one upstream call as a whole (its HTTP requests are spans of
 * their own underneath). Through `@opentelemetry/api` only, so they cost
 * nothing when tracing is off (the API's tracer is a no-op then).
 */
import { type Attributes, SpanStatusCode, trace } from "@opentelemetry/api";

const tracer = () => trace.getTracer("imagegate");

/** The attribute every span of a job carries. */
export const JOB_ID_ATTRIBUTE = "imagegate.job_id";

/** Runs `fn` inside a span `name` with `attributes`; an error marks the span and is rethrown. */
export async function withSpan<T>(
  name: string,
  attributes: Attributes,
  fn: () => Promise<T>,
): Promise<T> {
  return tracer().startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn();
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error)?.message });
      throw err;
    } finally {
      span.end();
    }
  });
}

/** Adds attributes to the span now active (the HTTP request's, the BullMQ job's), if any. */
export function annotateActiveSpan(attributes: Attributes): void {
  trace.getActiveSpan()?.setAttributes(attributes);
}
