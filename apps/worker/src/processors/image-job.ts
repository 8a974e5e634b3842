/**
 * The image job processor: follows one job through the pipeline on the
 * provider its queue belongs to — plan → call the provider (`n` calls in
 * parallel) → post-process → store → record — and applies the outcome
 * mapper's decision when anything fails (retry, rate limit, failover, fail).
 */

import {
  type ImageJobData,
  ImageJobDataSchema,
  type ImageQueues,
  isFinal,
  type JobError,
  type JobEvents,
  type JobRecord,
  type JobStore,
  type ProviderLimits,
  type SubmitLimiter,
} from "@imagegate/jobs";
import type { ProviderId } from "@imagegate/params";
import type { ImageProvider, ProviderInputImage, UpstreamTask } from "@imagegate/providers";
import type { BlobStore } from "@imagegate/storage";
import { DelayedError, type Job, UnrecoverableError, Worker } from "bullmq";
import type { Logger } from "pino";
import { decideOutcome } from "../outcome";
import { callProvider } from "../pipeline/call-provider";
import { failOver } from "../pipeline/failover";
import { planJob } from "../pipeline/plan";
import { postProcess, sizeLabel } from "../pipeline/post-process";
import { type ProcessedImage, storeImages } from "../pipeline/store-result";

/** What the processor needs. */
export type ImageJobDeps = {
  store: JobStore;
  events: JobEvents;
  blobs: BlobStore;
  queues: ImageQueues;
  providers: ReadonlyMap<ProviderId, ImageProvider>;
  limits: Record<ProviderId, ProviderLimits>;
  logger: Logger;
  fetch: typeof fetch;
  /** Lifetime of input-image links handed to providers. */
  urlTtlSeconds: number;
  submitLimiter: SubmitLimiter;
  /** Called once a job reaches a final state (webhook delivery). */
  onFinal: (record: JobRecord) => Promise<void>;
};

const now = () => Math.floor(Date.now() / 1000);

async function inputImages(deps: ImageJobDeps, record: JobRecord) {
  const toInput = async (key: string, mime: string): Promise<ProviderInputImage> => ({
    url: await deps.blobs.signedUrl(key, { ttlSeconds: deps.urlTtlSeconds }),
    mime,
    read: () => deps.blobs.get(key),
  });
  const images = await Promise.all(
    (record.request.images ?? []).map((i) => toInput(i.key, i.mime)),
  );
  const m = record.request.mask;
  return { images, mask: m ? await toInput(m.key, m.mime) : undefined };
}

/** A second read after a short pause, for a queue entry that overtook its record. */
async function readAgain(store: JobStore, id: string): Promise<JobRecord | null> {
  await new Promise((resolve) => setTimeout(resolve, 250));
  return store.get(id);
}

async function finish(deps: ImageJobDeps, id: string): Promise<void> {
  const record = await deps.store.get(id);
  if (record && isFinal(record.status)) await deps.onFinal(record);
}

async function logAttempt(
  deps: ImageJobDeps,
  record: JobRecord,
  provider: ProviderId,
  outcome: JobRecord["attempt_log"][number]["outcome"],
  error: JobError | null,
  upstreamStatus: number | null,
): Promise<JobRecord["attempt_log"]> {
  const entry = {
    provider,
    at: now(),
    outcome,
    error: error
      ? { code: error.code ?? "error", message: error.message, upstream_status: upstreamStatus }
      : null,
  };
  const fresh = (await deps.store.get(record.id)) ?? record;
  const log = [...fresh.attempt_log, entry];
  await deps.store.update(record.id, { attempt_log: log });
  return log;
}

/** Builds the BullMQ processor for image jobs. */
export function createImageJobProcessor(deps: ImageJobDeps) {
  return async function processImageJob(job: Job<ImageJobData>, token?: string): Promise<string> {
    const data = ImageJobDataSchema.parse(job.data);
    const providerId = data.route[data.routeIndex] as ProviderId;
    const log = deps.logger.child({ jobId: data.jobId, provider: providerId });
    const record = (await deps.store.get(data.jobId)) ?? (await readAgain(deps.store, data.jobId));
    if (!record) return "skipped";
    if (isFinal(record.status)) {
      // A re-run after a crash between the final write and its announcement.
      await deps.onFinal(record);
      return "skipped";
    }
    const provider = deps.providers.get(providerId);
    if (!provider) {
      throw new UnrecoverableError(`provider ${providerId} is not enabled on this worker`);
    }
    // A job can slip past a fresh 429 pause while BullMQ re-queues; it waits the pause out, attempt unspent.
    const pausedMs = await deps.queues.pausedForMs(providerId);
    if (pausedMs > 0) {
      log.debug({ pausedMs }, "provider paused: job delayed");
      await job.moveToDelayed(Date.now() + pausedMs, token);
      throw new DelayedError();
    }

    const started = await deps.store.transition(
      record.id,
      ["queued", "in_progress"],
      "in_progress",
      {
        provider: providerId,
        started_at: record.started_at ?? now(),
      },
    );
    if (!started) return "skipped";

    const cancel = new AbortController();
    const stopListening = await deps.events.listen(record.id, (event) => {
      if (event.status === "canceled") cancel.abort(new Error("job canceled"));
    });
    const limits = deps.limits[providerId];
    try {
      const { plan, applied } = planJob(record, providerId);
      await deps.store.update(record.id, {
        applied: applied as unknown as Record<string, unknown>,
      });
      const { images, mask } = await inputImages(deps, record);
      const progress = plan.calls.map(() => 0);
      const raw = await Promise.all(
        plan.calls.map((call) =>
          callProvider({
            jobId: record.id,
            provider,
            plan,
            call,
            limits,
            store: deps.store,
            cancelSignal: cancel.signal,
            logger: log,
            fetch: deps.fetch,
            submitLimiter: deps.submitLimiter,
            images,
            mask,
            onProgress: (fraction) => {
              progress[call.index] = fraction;
              const total = progress.reduce((a, b) => a + b, 0) / progress.length;
              void deps.store.progress(record.id, Math.min(0.95, total));
            },
          }),
        ),
      );
      const processed: ProcessedImage[] = await Promise.all(
        raw.flat().map(async (image) => {
          const out = await postProcess(image.data, plan.target, plan.output);
          return { ...out, seed: image.seed, revisedPrompt: image.revisedPrompt };
        }),
      );
      const stored = await storeImages(deps.blobs, record.id, processed);
      const attemptLog = await logAttempt(deps, record, providerId, "succeeded", null, null);
      const done = await deps.store.transition(record.id, ["in_progress"], "succeeded", {
        provider: providerId,
        attempts: attemptLog.filter((a) => a.outcome !== "rate_limited").length,
        progress: 1,
        completed_at: now(),
        result: {
          created: now(),
          images: stored,
          output_format: plan.output.format,
          size: sizeLabel(processed),
        },
      });
      log.info({ images: stored.length, done }, "image job succeeded");
      await finish(deps, record.id);
      return "succeeded";
    } catch (err) {
      const latest = (await deps.store.get(record.id)) ?? record;
      const outcome = decideOutcome(err, {
        attemptsMade: job.attemptsMade,
        attempts: job.opts.attempts ?? 1,
        hasNextProvider: data.routeIndex + 1 < data.route.length,
        canceled: latest.status === "canceled",
      });
      const upstream = (err as { upstreamStatus?: number }).upstreamStatus ?? null;
      log.warn({ err, action: outcome.action }, "image job run failed");
      switch (outcome.action) {
        case "canceled":
          await logAttempt(deps, record, providerId, "canceled", null, null);
          await cancelUpstream(deps, provider, record.id, log);
          return "canceled";
        case "rate_limit": {
          await logAttempt(deps, record, providerId, "rate_limited", outcome.error, upstream);
          await deps.queues.pause(providerId, outcome.delayMs);
          throw Worker.RateLimitError();
        }
        case "retry": {
          const attemptLog = await logAttempt(
            deps,
            record,
            providerId,
            "retrying",
            outcome.error,
            upstream,
          );
          await deps.store.update(record.id, {
            attempts: attemptLog.filter((a) => a.outcome !== "rate_limited").length,
          });
          throw err;
        }
        case "failover": {
          const attemptLog = await logAttempt(
            deps,
            record,
            providerId,
            "failed_over",
            outcome.error,
            upstream,
          );
          await deps.store.update(record.id, {
            attempts: attemptLog.filter((a) => a.outcome !== "rate_limited").length,
          });
          if (await failOver(deps.queues, data)) return "failed_over";
          await fail(deps, record, outcome.error, attemptLog);
          throw new UnrecoverableError(outcome.error.message);
        }
        case "fail": {
          const attemptLog = await logAttempt(
            deps,
            record,
            providerId,
            "failed",
            outcome.error,
            upstream,
          );
          await fail(deps, record, outcome.error, attemptLog);
          throw new UnrecoverableError(outcome.error.message);
        }
      }
    } finally {
      await stopListening();
    }
  };
}

/** Cancels the job's upstream tasks where the protocol has a cancel (fal, Replicate). */
async function cancelUpstream(
  deps: ImageJobDeps,
  provider: ImageProvider,
  jobId: string,
  log: Logger,
): Promise<void> {
  if (!provider.cancel) return;
  const tasks = Object.values(await deps.store.getTasks(jobId)) as UpstreamTask[];
  await Promise.all(
    tasks
      .filter((task) => task.provider === provider.id)
      .map((task) =>
        provider
          .cancel?.(task, { fetch: deps.fetch, signal: AbortSignal.timeout(10_000), logger: log })
          .then(
            () => log.info({ task: task.id }, "upstream task canceled"),
            (err: Error) => log.warn({ task: task.id, err: err.message }, "upstream cancel failed"),
          ),
      ),
  );
}

async function fail(
  deps: ImageJobDeps,
  record: JobRecord,
  error: JobError,
  attemptLog: JobRecord["attempt_log"],
) {
  await deps.store.transition(record.id, ["queued", "in_progress"], "failed", {
    error,
    completed_at: now(),
    attempts: attemptLog.filter((a) => a.outcome !== "rate_limited").length,
  });
  await finish(deps, record.id);
}
