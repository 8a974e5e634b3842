/**
 * The webhook delivery queue (docs/architecture.md#webhooks): one BullMQ job per
 * delivery run, retried on WEBHOOK_RETRY_SCHEDULE (Svix-like: 5 s, 5 min,
 * 30 min, 2 h, 5 h, 10 h, 10 h). The first delivery of a message uses the
 * message id as the BullMQ id, so announcing a final state twice (a re-run
 * after a crash) still delivers once.
 */
import { Queue } from "bullmq";
import { bullmqOptions, type QueueConnection } from "./queue-connection";
import { WEBHOOK_QUEUE, type WebhookDeliveryData } from "./queues";
import { webhookRetryPolicy } from "./retry-policy";

export type WebhookQueue = ReturnType<typeof createWebhookQueue>;

/** The Standard Webhooks message id of a job's or batch's final-state event: stable across retries and re-announcements. */
export function webhookMessageId(id: string): string {
  return `msg_${id.replace(/^(job|batch)_/, "$1")}`;
}

/** Creates the producer of webhook deliveries. */
export function createWebhookQueue(options: QueueConnection & { scheduleSeconds: number[] }) {
  const queue = new Queue<WebhookDeliveryData>(
    WEBHOOK_QUEUE,
    bullmqOptions(options, WEBHOOK_QUEUE),
  );
  const retry = webhookRetryPolicy(options.scheduleSeconds);
  return {
    queue,
    /** Schedules the first delivery of a message (ignored when already scheduled). */
    async deliver(data: WebhookDeliveryData): Promise<void> {
      await queue.add("deliver", data, {
        jobId: data.messageId,
        ...retry,
      });
    },
    /** Schedules another full run of deliveries for a message (manual redelivery). */
    async redeliver(data: WebhookDeliveryData): Promise<void> {
      await queue.add("deliver", data, {
        jobId: `${data.messageId}-redeliver-${Date.now()}`,
        ...retry,
      });
    },
    /** Announces a job's or batch's final state to its webhook, when it has one not yet announced. */
    async announce(
      record: { id: string; webhook: { status: string } | null },
      kind: "job" | "batch" = "job",
    ): Promise<void> {
      if (record.webhook?.status !== "pending") return;
      await this.deliver({ kind, id: record.id, messageId: webhookMessageId(record.id) });
    },
    async close(): Promise<void> {
      await queue.close();
    },
  };
}
