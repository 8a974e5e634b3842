/**
 * The provider contract: one adapter per upstream, all behind `ImageProvider`.
 * An adapter makes one upstream call of a plan (`n` fans out in the worker),
 * waits for it, downloads the images at once (upstream URLs expire) and
 * returns their bytes. It reports the upstream task through `ctx.onTask` the
 * moment submit returns, so a re-run resumes that task (never pay twice), and
 * calls `ctx.taskFailed` only when the provider itself says the task ended
 * without images — the one case where the worker may submit that call again
 * (docs/guarantees.md).
 */
import type { ProviderId, ProviderPlan, UpstreamCall } from "@imagegate/params";
import type { CallbackTarget } from "./http-request";
import type { Waker } from "./poll";
import type { PollSchedule } from "./poll-schedule";
import type { UpstreamFetch } from "./upstream-fetch";

/** The few logger methods adapters use (pino's signature). */
export type Logger = {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
};

/** An upstream task created by a submit: enough to poll, fetch or cancel it later. */
export type UpstreamTask = {
  provider: ProviderId;
  /** Which call of the plan this task belongs to. */
  callIndex: number;
  /** BFL `id`, fal `request_id`, Replicate prediction `id`. */
  id: string;
  /** URLs the provider returned for this task (BFL `polling_url`, fal `status_url`, …). */
  urls: Record<string, string>;
  submittedAt: number;
  /** What the provider says the task costs, in USD, when it says (BFL `cost` credits / 100). */
  costUsd?: number | null;
};

/** An input image of an edit as adapters see it. */
export type ProviderInputImage = {
  /** A URL the upstream can fetch (signed, expiring). */
  url: string;
  mime: string;
  /** The bytes, for providers that take base64 or multipart. */
  read: () => Promise<Buffer>;
};

/** Everything an adapter may use besides the plan. */
export type ProviderContext = {
  /** For calls to the provider's API (its configured base URL and the URLs it hands back for polling). */
  fetch: UpstreamFetch;
  /**
   * For result image URLs an upstream's reply points at: the worker checks
   * them against the provider's delivery hosts and the address guard of
   * user URLs before fetching. Rejects with a permanent ProviderError when refused.
   */
  fetchResult: (url: string, init: { signal: AbortSignal }) => Promise<Response>;
  /** Aborts the run: job canceled, the run's lock lost, or a sibling call failed before this one submitted. */
  signal: AbortSignal;
  /**
   * Bounds the submit request alone (its timeout). A submit on the wire is
   * never aborted by a cancel: its answer must be recorded, then canceled.
   */
  submitSignal: AbortSignal;
  /** The signal for waiting on an accepted task: the run's, plus the task's lifetime. */
  waitSignal: (task: UpstreamTask) => AbortSignal;
  logger: Logger;
  now: () => number;
  /** Saves the upstream task on the job before anything else happens. */
  onTask: (task: UpstreamTask) => Promise<void>;
  /**
   * Waits for a slot under the provider's rate limit and checks that the run
   * may still submit; adapters call it right before each submit request.
   */
  acquireSubmitSlot: () => Promise<void>;
  /** The provider said the task ended without images (`reason`): a retry may submit this call anew. */
  taskFailed: (reason: string) => Promise<void>;
  /** A task an earlier run of this job submitted: poll it instead of submitting again. */
  resume: UpstreamTask | undefined;
  /** Input images of an edit, in order. */
  images: ProviderInputImage[];
  /** The mask of an edit (applies to the first image). */
  mask: ProviderInputImage | undefined;
  /** Progress of this call, 0–1, when the upstream reports it. */
  onProgress: (fraction: number) => void;
  /** How the call's task is polled. */
  poll: {
    schedule: PollSchedule;
    /** Wakes the wait when the provider's completion callback for a task arrives (callbacks on). */
    waker?: ((taskId: string) => Waker) | undefined;
    /** Waits for a slot under the provider's poll rate limit. */
    beforePoll?: (() => Promise<void>) | undefined;
    /**
     * Park the wait instead of sleeping once the task is this old (ms since
     * its submit) at its next poll: the poll loop throws `TaskParked` and the
     * job waits as a delayed queue entry (docs/decisions/0017-parked-waits.md).
     */
    parkAfterMs?: number | undefined;
  };
  /** Where the provider should call back when a task ends; undefined when callbacks are off. */
  callback: CallbackTarget | undefined;
};

/** One image an upstream produced. */
export type ProviderImage = {
  data: Buffer;
  /** The upstream's content type, when it said. */
  contentType: string | undefined;
  seed: number | undefined;
  revisedPrompt: string | undefined;
};

/** An upstream image API behind one interface. */
export interface ImageProvider {
  readonly id: ProviderId;
  /** Makes one upstream call of `plan` (submit, poll, download) and returns its images. */
  submit(plan: ProviderPlan, call: UpstreamCall, ctx: ProviderContext): Promise<ProviderImage[]>;
  /** Cancels an upstream task where the protocol has a cancel; resolves when sent. */
  cancel?(
    task: UpstreamTask,
    ctx: Pick<ProviderContext, "fetch" | "signal" | "logger">,
  ): Promise<void>;
}
