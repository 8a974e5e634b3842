/**
 * An adapter seen from outside: each upstream call (submit, polling and the
 * result download) is timed into `imagegate_upstream_call_duration_seconds`
 * with its outcome — `succeeded` or the error's class — and runs in an
 * `upstream.call` span (the HTTP requests underneath are spans of their own).
 * A decorator, so the pipeline and the adapters stay as they are.
 */
import type { ProviderId } from "@imagegate/params";
import { type ImageProvider, isAbortError, ProviderError } from "@imagegate/providers";
import { type JobMetrics, type UpstreamOutcome, withSpan } from "@imagegate/telemetry";

/** The class of an upstream call's failure, for the metrics. */
function upstreamOutcome(err: unknown): UpstreamOutcome {
  if (err instanceof ProviderError) {
    return err.code === "upstream_timeout" ? "timeout" : err.kind;
  }
  if (isAbortError(err)) {
    return (err as Error).name === "TimeoutError" ? "timeout" : "aborted";
  }
  return "other";
}

/** `provider` with its calls measured and traced. */
function instrumentProvider(provider: ImageProvider, metrics: JobMetrics): ImageProvider {
  return {
    id: provider.id,
    ...(provider.cancel ? { cancel: provider.cancel.bind(provider) } : {}),
    submit(plan, call, ctx) {
      const started = performance.now();
      const attributes = {
        "imagegate.provider": provider.id,
        "imagegate.call_index": call.index,
        "imagegate.resumed": ctx.resume !== undefined,
      };
      return withSpan("upstream.call", attributes, async () => {
        try {
          const images = await provider.submit(plan, call, ctx);
          metrics.upstreamCall(provider.id, (performance.now() - started) / 1000, "succeeded");
          return images;
        } catch (err) {
          metrics.upstreamCall(
            provider.id,
            (performance.now() - started) / 1000,
            upstreamOutcome(err),
          );
          throw err;
        }
      });
    },
  };
}

/** Every provider of `providers`, instrumented. */
export function instrumentProviders(
  providers: ReadonlyMap<ProviderId, ImageProvider>,
  metrics: JobMetrics,
): Map<ProviderId, ImageProvider> {
  return new Map([...providers].map(([id, p]) => [id, instrumentProvider(p, metrics)]));
}
