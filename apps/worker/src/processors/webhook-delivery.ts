/**
 * Webhook delivery (docs/architecture.md#webhooks, Standard Webhooks): POST
 * `{type, timestamp, data}` — a job or a batch — signed with `webhook-id`
 * (stable across retries), `webhook-timestamp` and `webhook-signature`, with
 * the secret of the key that owns it (and, for 24 h after a rotation, with
 * its previous secret too: one signature each, space-separated).
 * 2xx = delivered; anything else or a timeout is retried on the schedule (a
 * 429's Retry-After honoured); after the last attempt the delivery is
 * `failed` and kept. The URL is checked again at each attempt (DNS may have
 * changed) and redirects are not followed.
 */
import {
  type BatchStore,
  type JobRecord,
  type JobStore,
  type PresentOptions,
  presentBatch,
  presentJob,
  type WebhookDeliveryData,
  WebhookDeliveryDataSchema,
  type WebhookSecrets,
  type WebhookState,
} from "@imagegate/jobs";
import { safeFetch, UnsafeUrlError } from "@imagegate/net";
import { retryAfterMs } from "@imagegate/providers";
import { lazyChild } from "@imagegate/telemetry";
import { type Job, UnrecoverableError } from "bullmq";
import type { Logger } from "pino";
import { Webhook } from "standardwebhooks";

/** What the delivery processor needs. */
export type WebhookDeliveryDeps = {
  store: JobStore;
  batches: BatchStore;
  present: PresentOptions;
  /** Each owner's signing secrets. */
  secrets: WebhookSecrets;
  timeoutMs: number;
  allowPrivateUrls: boolean;
  logger: Logger;
};

/** A failed attempt, with the receiver's Retry-After when it gave one. */
class DeliveryError extends Error {
  override readonly name = "DeliveryError";
  constructor(
    message: string,
    readonly retryAfterMs: number | undefined,
  ) {
    super(message);
  }
}

/** The event type of a job's final state. */
function webhookType(record: JobRecord): string {
  return `image.job.${record.status}`;
}

/** What a delivery is about: its owner, webhook state, event type and data, and how to save the state. */
type Target = {
  owner: string;
  webhook: WebhookState | null;
  type: string;
  data: () => Promise<unknown>;
  save: (webhook: WebhookState) => Promise<void>;
};

async function loadTarget(
  deps: WebhookDeliveryDeps,
  data: WebhookDeliveryData,
): Promise<Target | null> {
  if (data.kind === "batch") {
    const batch = await deps.batches.get(data.id);
    if (!batch) return null;
    return {
      owner: batch.owner,
      webhook: batch.webhook,
      type: `batch.${batch.status}`,
      data: async () => presentBatch(batch),
      save: (webhook) => deps.batches.update(batch.id, { webhook }),
    };
  }
  const record = await deps.store.get(data.id);
  if (!record) return null;
  return {
    owner: record.owner,
    webhook: record.webhook,
    type: webhookType(record),
    data: () => presentJob(record, deps.present, "url"),
    save: (webhook) => deps.store.update(record.id, { webhook }),
  };
}

/** The `webhook-signature` header: one `v1,…` signature per secret, space-separated. */
function signatures(
  secrets: readonly string[],
  messageId: string,
  sentAt: Date,
  payload: string,
): string {
  return secrets.map((s) => new Webhook(s).sign(messageId, sentAt, payload)).join(" ");
}

/** Builds the processor of the `webhooks` queue. */
export function createWebhookDeliveryProcessor(deps: WebhookDeliveryDeps) {
  return async function deliverWebhook(job: Job<WebhookDeliveryData>): Promise<string> {
    const data = WebhookDeliveryDataSchema.parse(job.data);
    const target = await loadTarget(deps, data);
    if (!target?.webhook) return "gone";
    const webhook = target.webhook;
    const attempts = webhook.attempts + 1;
    const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const payload = JSON.stringify({
      type: target.type,
      timestamp: new Date().toISOString(),
      data: await target.data(),
    });
    const sentAt = new Date();
    const secrets = await deps.secrets.signing(target.owner, sentAt.getTime());
    const note = (status: WebhookState["status"], code: number | null, error: string | null) =>
      target.save({
        ...webhook,
        status,
        attempts,
        last_status_code: code,
        last_error: error,
        message_id: data.messageId,
      });
    const log = lazyChild(deps.logger, { target: data.id, attempt: attempts });
    let res: Awaited<ReturnType<typeof safeFetch>>;
    try {
      res = await safeFetch(webhook.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "webhook-id": data.messageId,
          "webhook-timestamp": String(Math.floor(sentAt.getTime() / 1000)),
          "webhook-signature": signatures(
            [secrets.current, ...(secrets.previous ? [secrets.previous] : [])],
            data.messageId,
            sentAt,
            payload,
          ),
        },
        body: payload,
        maxRedirects: 0,
        maxBytes: 64 * 1024,
        timeoutMs: deps.timeoutMs,
        allowPrivate: deps.allowPrivateUrls,
      });
    } catch (err) {
      const message = (err as Error).message;
      if (err instanceof UnsafeUrlError) {
        await note("failed", null, message);
        throw new UnrecoverableError(message);
      }
      await note(last ? "failed" : "delivering", null, message);
      log.warn({ err: message }, "webhook attempt failed");
      throw new DeliveryError(message, undefined);
    }
    if (res.status >= 200 && res.status < 300) {
      await note("delivered", res.status, null);
      log.info({ status: res.status }, "webhook delivered");
      return "delivered";
    }
    // 410 Gone: the receiver wants no more of this (Standard Webhooks).
    if (res.status === 410) {
      await note("failed", res.status, "the receiver answered 410 Gone");
      throw new UnrecoverableError("receiver gone");
    }
    await note(last ? "failed" : "delivering", res.status, `HTTP ${res.status}`);
    log.warn({ status: res.status }, "webhook attempt failed");
    const wait =
      res.status === 429 ? retryAfterMs(res.headers as Record<string, string>) : undefined;
    throw new DeliveryError(`HTTP ${res.status}`, wait);
  };
}
