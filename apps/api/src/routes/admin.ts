/**
 * `/admin/queues`: Bull Board over every queue (images per provider,
 * webhooks, batches), behind ADMIN_API_KEY — as a Bearer token or as the
 * password of HTTP Basic auth, so a browser can open it. Without an admin
 * key the board is not mounted at all.
 */
import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { ExpressAdapter } from "@bull-board/express";
import { TASK_PROVIDERS } from "@imagegate/params";
import { type Router as ExpressRouter, Router } from "express";
import type { ApiDeps } from "../deps";
import { adminAuth } from "../http/admin-auth";

/** The admin router; empty when no admin key is configured. */
export function adminRouter(deps: ApiDeps): ExpressRouter {
  const router = Router();
  const adminKey = deps.config.adminApiKey;
  if (!adminKey) return router;
  const adapter = new ExpressAdapter();
  adapter.setBasePath("/admin/queues");
  createBullBoard({
    queues: [
      ...[...deps.enabled].flatMap((p) => [
        new BullMQAdapter(deps.queues.get(p)),
        ...(TASK_PROVIDERS.has(p) ? [new BullMQAdapter(deps.queues.parked(p))] : []),
      ]),
      new BullMQAdapter(deps.webhooks.queue),
      new BullMQAdapter(deps.batchQueue.queue),
    ],
    serverAdapter: adapter,
  });
  router.use("/admin/queues", adminAuth(adminKey), adapter.getRouter() as ExpressRouter);
  return router;
}
