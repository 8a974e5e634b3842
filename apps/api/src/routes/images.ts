/**
 * `POST /v1/images/generations`
 * (docs/architecture.md#sync-async-and-idempotency): synchronous by default, as
 * OpenAI clients expect; `Prefer: respond-async` answers 202 with the job and
 * `Location` (services/respond-to-new-job.ts).
 */
import type { FinalWaiter } from "@imagegate/jobs";
import { normalizeImageRequest } from "@imagegate/params";
import { Router } from "express";
import type { ApiDeps } from "../deps";
import { callerOf } from "../http/caller";
import { jsonBody } from "../http/json-body";
import { fingerprint, once } from "../services/idempotency";
import { preparedAnswer } from "../services/prepared-answers";
import { prefersAsync, respondToNewJob } from "../services/respond-to-new-job";
import { submitImageJob } from "../services/submit-image-job";

/** The generations router. */
export function imagesRouter(deps: ApiDeps): Router {
  const router = Router();
  router.post("/v1/images/generations", ...jsonBody(), async (req, res) => {
    const { owner } = callerOf(res);
    const sync = !prefersAsync(req.get("prefer"));
    let waiter: FinalWaiter | undefined;
    const prepared = sync ? preparedAnswer(deps) : undefined;
    const { record, replayed } = await once(
      deps,
      {
        owner,
        key: req.get("idempotency-key"),
        route: "generations",
        fingerprint: () => fingerprint(req.body),
      },
      async (jobId) => {
        // Listening before the job exists: its end cannot be missed, and needs no read.
        if (sync) waiter = await deps.events.expect(jobId);
        try {
          return await submitImageJob(deps, normalizeImageRequest(req.body), {
            owner,
            limits: callerOf(res).limits,
            requestId: res.locals.requestId as string,
            jobId,
            sync,
            ...(prepared ? { prepare: prepared.prepare } : {}),
          });
        } catch (err) {
          waiter?.cancel();
          throw err;
        }
      },
    );
    if (replayed) res.setHeader("idempotent-replayed", "true");
    await respondToNewJob(deps, req, res, record, replayed ? undefined : waiter, prepared);
  });
  return router;
}
