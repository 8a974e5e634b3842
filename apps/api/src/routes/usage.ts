/**
 * `GET /v1/usage`: the calling key's images, jobs, spend, holds and budget
 * (docs/architecture.md#tenants).
 */
import { Router } from "express";
import type { ApiDeps } from "../deps";
import { callerOf } from "../http/caller";
import { keyUsage, parseUsageWindow } from "../services/key-usage";

/** The usage router. */
export function usageRouter(deps: ApiDeps): Router {
  const router = Router();
  router.get("/v1/usage", async (req, res) => {
    const caller = callerOf(res);
    const window = parseUsageWindow(req.query, Math.floor(Date.now() / 1000));
    res.json(await keyUsage(deps, caller.owner, caller.limits, window));
  });
  return router;
}
