/**
 * The calls of one run (`n` fans out into parallel calls): each resumes its
 * live task from the ledger or submits, and when one fails its siblings that
 * have not submitted yet stop before they do, while those already accepted
 * run to their end and stay in the ledger — so a retry redoes only the calls
 * without an accepted task (docs/guarantees.md#n--1).
 */
import { setMaxListeners } from "node:events";
import {
  isLiveTask,
  type JobRecord,
  type ProviderLimits,
  type UpstreamTaskEntry,
} from "@imagegate/jobs";
import type { ProviderId, ProviderPlan, UpstreamCall } from "@imagegate/params";
import type { ImageProvider, ProviderImage } from "@imagegate/providers";
import { type CallInput, type CallRun, callProvider } from "./call-provider";

/** Everything the calls of a run need. */
export type RunCallsInput = {
  record: JobRecord;
  /** The provider of the queue this run came from, and its plan. */
  providerId: ProviderId;
  plan: ProviderPlan;
  providers: ReadonlyMap<ProviderId, ImageProvider>;
  limits: Record<ProviderId, ProviderLimits>;
  run: Omit<CallRun, "submitGate">;
};

/** The task call `index` must resume: its live one from an earlier run. */
function liveTaskOf(record: JobRecord, index: number): UpstreamTaskEntry | undefined {
  return record.upstream_tasks.find((t) => t.call_index === index && isLiveTask(t));
}

/** Runs every call of the plan; resolves with their images in call order, or rejects with the first failure. */
export async function runCalls(input: RunCallsInput): Promise<ProviderImage[]> {
  const gate = new AbortController();
  setMaxListeners(100, gate.signal);
  let first: { error: unknown } | undefined;
  const settled = await Promise.allSettled(
    input.plan.calls.map(async (call) => {
      try {
        return await callProvider(callInput(input, call), {
          ...input.run,
          submitGate: gate.signal,
        });
      } catch (error) {
        if (!first) {
          first = { error };
          gate.abort(error);
        }
        throw error;
      }
    }),
  );
  if (first) throw first.error;
  return settled.flatMap((s) => (s.status === "fulfilled" ? s.value : []));
}

function callInput(input: RunCallsInput, call: UpstreamCall): CallInput {
  const resume = liveTaskOf(input.record, call.index);
  // Failover is refused while a task is live, and the reconciler re-queues on
  // the live task's provider, so a live task is always this queue's.
  if (resume && resume.provider !== input.providerId) {
    throw new Error(`job has a live ${resume.provider} task but runs on ${input.providerId}`);
  }
  const provider = input.providers.get(input.providerId);
  if (!provider) throw new Error(`provider ${input.providerId} is not enabled on this worker`);
  return { provider, plan: input.plan, call, limits: input.limits[input.providerId], resume };
}
