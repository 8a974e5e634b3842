/**
 * Waiting for a job: the synchronous images request and `?wait=` both end
 * here. Resolves on a final state or at the deadline; a caller that goes
 * away stops the wait, never the job.
 */
import type { JobRecord } from "@imagegate/jobs";
import { GatewayError } from "@imagegate/params";
import type { Response } from "express";
import type { ApiDeps } from "../deps";

/**
 * An AbortSignal that fires when the client goes away before the answer is
 * sent. Bound to the response, not the socket, so keep-alive connections do
 * not collect listeners.
 */
export function clientGone(res: Response): AbortSignal {
  const controller = new AbortController();
  // Only a close before the answer is a client gone (an abort builds a DOMException).
  const onClose = () => {
    if (!res.writableFinished) controller.abort();
  };
  // A client that left while its job was made has closed already: no event will come.
  if (res.closed) onClose();
  else res.once("close", onClose);
  return controller.signal;
}

/** Waits up to `timeoutMs` for job `id` to be final; returns its latest record. */
export async function waitForJob(
  deps: ApiDeps,
  id: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<JobRecord> {
  const record = await deps.events.waitForFinal(id, timeoutMs, signal);
  if (!record) throw GatewayError.notFound("job", id);
  return record;
}
