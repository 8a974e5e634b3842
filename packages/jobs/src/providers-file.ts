/**
 * PROVIDERS_FILE: optional JSON with per-provider limits, prices, result hosts
 * and model routes (docs/providers.md#limits-and-defaults), merged over each
 * provider's published defaults. Parsed once at start; a bad file stops the
 * process naming PROVIDERS_FILE and the field.
 */
import { readFileSync } from "node:fs";
import { type ProviderId, ProviderIdSchema } from "@imagegate/params";
import { z } from "zod";
import { DEFAULT_DELIVERY_HOSTS, DeliveryHostSchema } from "./delivery-hosts";
import { type Price, PriceSchema, type PriceTable } from "./prices";

/** Limits and retry policy of one provider's queue. */
export const ProviderLimitsSchema = z.object({
  /** BullMQ limiter: at most `max` jobs per `durationMs`; null = no rate limit. */
  rateLimit: z
    .object({ max: z.number().int().positive(), durationMs: z.number().int().positive() })
    .nullable(),
  /** Upstream calls in flight across all workers (BullMQ global concurrency). */
  concurrency: z.number().int().positive(),
  /**
   * Timeout of one upstream request (a submit, a poll, a download) and of a
   * synchronous upstream's whole call. An accepted task is waited for up to
   * `taskLifetimeMs` instead: it is never resubmitted for being slow.
   */
  timeoutMs: z.number().int().positive(),
  /** How long an accepted upstream task is polled (across retries and restarts) before the job fails with upstream_timeout. */
  taskLifetimeMs: z.number().int().positive(),
  /** Attempts on this provider before failing over to the next. */
  attempts: z.number().int().positive(),
  /** The first wait before polling a new task; later waits grow ×1.5 with ±20 % jitter. */
  pollIntervalMs: z.number().int().positive(),
  /** The longest wait between two polls. */
  maxPollIntervalMs: z.number().int().positive(),
  /**
   * With provider callbacks on, the first wait before polling a new task (the
   * callback usually comes first; polling is the fallback for a lost one).
   */
  callbackPollIntervalMs: z.number().int().positive(),
  /** Status polls per window across all workers; null = no limit. */
  pollRateLimit: z
    .object({ max: z.number().int().positive(), durationMs: z.number().int().positive() })
    .nullable(),
  /** First retry delay; doubles per attempt, with ±50 % jitter. */
  backoffMs: z.number().int().positive(),
  /**
   * A task still running this long after its submit stops holding a worker:
   * its job waits as a delayed entry of the provider's parked queue and is
   * polled from there (docs/decisions/0017-parked-waits.md); null = the run
   * waits in the worker. Jobs with n > 1 always wait in the worker.
   */
  parkAfterMs: z.number().int().nonnegative().nullable(),
});
export type ProviderLimits = z.infer<typeof ProviderLimitsSchema>;

/**
 * Defaults from each provider's published limits (docs/providers.md#limits-and-defaults):
 * BFL caps active tasks at 24 per account; Replicate allows 600 creates/min;
 * fal queues over-limit work itself, so we only bound what we keep in flight.
 * Task lifetimes follow how long each keeps a result: BFL's sample link lives
 * 10 minutes after the task is ready, Replicate deletes outputs after an hour.
 * Polling starts at 1 s and backs off to 5 s, which keeps a 20 s task under 8
 * polls; Replicate's API allows 3,000 GETs a minute per account.
 */
export const PROVIDER_DEFAULTS: Record<ProviderId, ProviderLimits> = {
  bfl: {
    rateLimit: null,
    concurrency: 24,
    timeoutMs: 180_000,
    taskLifetimeMs: 1_200_000,
    attempts: 3,
    pollIntervalMs: 1000,
    maxPollIntervalMs: 5_000,
    callbackPollIntervalMs: 15_000,
    pollRateLimit: null,
    backoffMs: 1000,
    parkAfterMs: 5_000,
  },
  fal: {
    rateLimit: null,
    concurrency: 40,
    timeoutMs: 300_000,
    taskLifetimeMs: 3_600_000,
    attempts: 3,
    pollIntervalMs: 1000,
    maxPollIntervalMs: 5_000,
    callbackPollIntervalMs: 15_000,
    pollRateLimit: null,
    backoffMs: 1000,
    parkAfterMs: 5_000,
  },
  replicate: {
    rateLimit: { max: 10, durationMs: 1_000 },
    concurrency: 50,
    timeoutMs: 300_000,
    taskLifetimeMs: 3_600_000,
    attempts: 3,
    pollIntervalMs: 1000,
    maxPollIntervalMs: 5_000,
    callbackPollIntervalMs: 15_000,
    pollRateLimit: { max: 50, durationMs: 1_000 },
    backoffMs: 1000,
    parkAfterMs: 5_000,
  },
  openai: {
    rateLimit: null,
    concurrency: 16,
    timeoutMs: 300_000,
    taskLifetimeMs: 300_000,
    attempts: 3,
    pollIntervalMs: 500,
    maxPollIntervalMs: 5_000,
    callbackPollIntervalMs: 15_000,
    pollRateLimit: null,
    backoffMs: 1000,
    parkAfterMs: null,
  },
  local: {
    rateLimit: null,
    concurrency: 4,
    timeoutMs: 60_000,
    taskLifetimeMs: 60_000,
    attempts: 2,
    pollIntervalMs: 50,
    maxPollIntervalMs: 5_000,
    callbackPollIntervalMs: 15_000,
    pollRateLimit: null,
    backoffMs: 200,
    parkAfterMs: null,
  },
};

/** A provider's entry in the file: its limits, its price, its result hosts. */
const ProviderEntrySchema = ProviderLimitsSchema.partial()
  .extend({
    /** Replaces the built-in prices of every model on this provider (`prices.ts`). */
    price: PriceSchema.optional(),
    /** Replaces the hosts result images may come from (`delivery-hosts.ts`). */
    deliveryHosts: z.array(DeliveryHostSchema).optional(),
  })
  .strict();

export const ProvidersFileSchema = z
  .object({
    providers: z.partialRecord(ProviderIdSchema, ProviderEntrySchema).default({}),
    routes: z.record(z.string(), z.array(ProviderIdSchema).min(1)).default({}),
  })
  .strict();
export type ProvidersFile = z.infer<typeof ProvidersFileSchema>;

/** Reads and validates a PROVIDERS_FILE; throws with a message naming the bad field. */
export function readProvidersFile(path: string): ProvidersFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new Error(`cannot read ${path}: ${(err as Error).message}`);
  }
  const parsed = ProvidersFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${issue?.path.join(".") || "(root)"}: ${issue?.message}`);
  }
  return parsed.data;
}

/** Each provider's limits: defaults overridden by the file. */
export function mergeProviderLimits(
  file: ProvidersFile | undefined,
): Record<ProviderId, ProviderLimits> {
  const out = {} as Record<ProviderId, ProviderLimits>;
  for (const id of ProviderIdSchema.options) {
    const { price: _price, deliveryHosts: _hosts, ...limits } = file?.providers[id] ?? {};
    out[id] = { ...PROVIDER_DEFAULTS[id], ...limits };
  }
  return out;
}

/** The price table: the file's per-provider prices over the built-in ones. */
export function priceTableOf(file: ProvidersFile | undefined): PriceTable {
  const overrides: Partial<Record<ProviderId, Price>> = {};
  for (const id of ProviderIdSchema.options) {
    const price = file?.providers[id]?.price;
    if (price) overrides[id] = price;
  }
  return { overrides };
}

/** Each provider's result hosts: the file's list or the defaults. */
export function deliveryHostsOf(file: ProvidersFile | undefined): Record<ProviderId, string[]> {
  const out = {} as Record<ProviderId, string[]>;
  for (const id of ProviderIdSchema.options) {
    out[id] = [...(file?.providers[id]?.deliveryHosts ?? DEFAULT_DELIVERY_HOSTS[id])];
  }
  return out;
}
