/** `GET /v1/webhooks/secret`: the `whsec_…` secret that verifies the gateway's webhooks. */
import { Router } from "express";
import type { ApiDeps } from "../deps";

/** The webhooks router. */
export function webhooksRouter(deps: ApiDeps): Router {
  const router = Router();
  router.get("/v1/webhooks/secret", (_req, res) => {
    res.json({ object: "webhook_secret", secret: deps.webhookSecret });
  });
  return router;
}
