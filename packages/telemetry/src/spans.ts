/**
 * Spans the instrumentation cannot make: a job's post-processing, its
 * storage step, one upstream call as a whole (its HTTP requests are spans of
 * their own underneath), a direct run handed over from the API with its
 * trace context. Through `@opentelemetry/api` only, so they cost
 * nothing when tracing is off (the API's tracer is a no-op then).
 */
import {
  type Attributes,
  context,
  propagation,
  ROOT_CONTEXT,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";

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

/** The active trace context as W3C headers, to hand work to another thread with it. */
export function activeTraceCarrier(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

/** Runs `fn` inside a span `name` whose parent is the trace context `carrier` holds. */
export function withSpanFrom<T>(
  carrier: Record<string, string>,
  name: string,
  attributes: Attributes,
  fn: () => Promise<T>,
): Promise<T> {
  return inTraceContext(carrier, () => withSpan(name, attributes, fn));
}

/** Runs `fn` in the trace context `carrier` holds, making no span of its own. */
export function inTraceContext<T>(carrier: Record<string, string>, fn: () => T): T {
  return context.with(propagation.extract(ROOT_CONTEXT, carrier), fn);
}
