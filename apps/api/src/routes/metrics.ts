/** `GET /metrics` for Prometheus; behind ADMIN_API_KEY when one is set. */
import { timingSafeEqual } from "node:crypto";
import { GatewayError } from "@imagegate/params";
import { Router } from "express";
import type { Metrics } from "../http/metrics";

function sameKey(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The metrics router (mounted before API-key auth). */
export function metricsRouter(metrics: Metrics, adminKey: string | undefined): Router {
  const router = Router();
  router.get("/metrics", async (req, res) => {
    if (adminKey) {
      const given = /^Bearer\s+(.+)$/i.exec(req.get("authorization") ?? "")?.[1]?.trim() ?? "";
      if (!sameKey(given, adminKey))
        throw new GatewayError("invalid_api_key", "/metrics needs the ADMIN_API_KEY.");
    }
    res.setHeader("content-type", metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });
  return router;
}
