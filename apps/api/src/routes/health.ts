/** `/healthz` (the process answers) and `/readyz` (Redis and storage reachable). */
import { Router } from "express";
import type { ApiDeps } from "../deps";

/** The health router (mounted before auth). */
export function healthRouter(deps: ApiDeps): Router {
  const router = Router();
  router.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  router.get("/readyz", async (_req, res) => {
    const checks = await Promise.allSettled([deps.redis.ping(), deps.blobs.check()]);
    const [redis, storage] = checks.map((c) =>
      c.status === "fulfilled" ? "ok" : String(c.reason),
    );
    const ready = redis === "ok" && storage === "ok";
    res.status(ready ? 200 : 503).json({ status: ready ? "ok" : "unavailable", redis, storage });
  });
  return router;
}
