/**
 * `/admin/queues`: Bull Board over every queue (images per provider,
 * webhooks, batches), behind ADMIN_API_KEY — as a Bearer token or as the
 * password of HTTP Basic auth, so a browser can open it. Without an admin
 * key the board is not mounted at all.
 */
import { timingSafeEqual } from "node:crypto";
import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { ExpressAdapter } from "@bull-board/express";
import { type Router as ExpressRouter, type RequestHandler, Router } from "express";
import type { ApiDeps } from "../deps";

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Accepts `Bearer <key>` or Basic auth whose password is the key. */
export function adminAuth(adminKey: string): RequestHandler {
  return (req, res, next) => {
    const header = req.get("authorization") ?? "";
    const bearer = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim();
    const basic = /^Basic\s+(.+)$/i.exec(header)?.[1];
    const password = basic
      ? Buffer.from(basic, "base64").toString("utf8").split(":").slice(1).join(":")
      : undefined;
    if ((bearer && same(bearer, adminKey)) || (password && same(password, adminKey))) return next();
    res
      .status(401)
      .setHeader("www-authenticate", 'Basic realm="imagegate admin"')
      .json({
        error: {
          message: "The admin board needs the ADMIN_API_KEY.",
          type: "authentication_error",
          param: null,
          code: "invalid_api_key",
        },
      });
  };
}

/** The admin router; empty when no admin key is configured. */
export function adminRouter(deps: ApiDeps): ExpressRouter {
  const router = Router();
  const adminKey = deps.config.adminApiKey;
  if (!adminKey) return router;
  const adapter = new ExpressAdapter();
  adapter.setBasePath("/admin/queues");
  createBullBoard({
    queues: [
      ...[...deps.enabled].map((p) => new BullMQAdapter(deps.queues.get(p))),
      new BullMQAdapter(deps.webhooks.queue),
      new BullMQAdapter(deps.batchQueue.queue),
    ],
    serverAdapter: adapter,
  });
  router.use("/admin/queues", adminAuth(adminKey), adapter.getRouter() as ExpressRouter);
  return router;
}
