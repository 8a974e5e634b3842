/**
 * `POST /callbacks/{provider}` — completion callbacks from fal, Replicate and
 * BFL (docs/architecture.md#provider-callbacks, docs/providers.md#callbacks),
 * on when PROVIDER_CALLBACKS is set. A callback is verified (its signature, its
 * timestamp where there is one, and that it was not seen before), then
 * announced to the workers, whose poll loop for that task asks the provider at
 * once; a job parked meanwhile (docs/decisions/0017-parked-waits.md) is made
 * due on its parked queue, named by the `job` the callback URL carries. It is
 * never trusted as the result itself, and one that cannot be verified gets
 * 401 and changes nothing.
 */
import { CallbackRejectedError } from "@imagegate/callbacks";
import { markCallbackSeen, publishCallback } from "@imagegate/jobs";
import { GatewayError, type ProviderId } from "@imagegate/params";
import express, { Router } from "express";
import type { ApiDeps } from "../deps";

/** Largest callback body accepted (fal's carries the output's image URLs). */
const MAX_CALLBACK_BYTES = 2 * 1024 * 1024;

/** The callbacks router (mounted before auth: providers sign, they hold no API key). */
export function callbacksRouter(deps: ApiDeps): Router {
  const router = Router();
  const verifier = deps.callbacks;
  router.post(
    "/callbacks/:provider",
    express.raw({ type: () => true, limit: MAX_CALLBACK_BYTES }),
    async (req, res) => {
      const provider = String(req.params.provider);
      if (!verifier?.supports(provider)) throw GatewayError.notFound("callback route", provider);
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      let verified: Awaited<ReturnType<typeof verifier.verify>>;
      try {
        verified = await verifier.verify(provider, req.headers, body);
        if (
          !(await markCallbackSeen(
            deps.redis,
            deps.config.queuePrefix,
            provider,
            verified.messageId,
          ))
        ) {
          throw new CallbackRejectedError(provider, "already received (a replay)");
        }
      } catch (err) {
        if (!(err instanceof CallbackRejectedError)) throw err;
        deps.logger.warn({ provider, reason: err.message }, "callback refused");
        throw new GatewayError("invalid_callback", err.message);
      }
      await publishCallback(deps.redis, deps.config.queuePrefix, {
        provider,
        taskId: verified.taskId,
      });
      // A parked job (its run ended while the task ran) is woken from its queue instead.
      const jobId = typeof req.query.job === "string" ? req.query.job : undefined;
      if (jobId) await deps.queues.wake(jobId, [provider as ProviderId]);
      deps.logger.info({ provider, task: verified.taskId }, "provider callback accepted");
      res.status(204).end();
    },
  );
  return router;
}
