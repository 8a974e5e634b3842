/**
 * `GET /metrics` for Prometheus; behind ADMIN_API_KEY when one is set. With
 * `more` (the standalone process's worker thread) its series are summed in.
 */
import { GatewayError } from "@imagegate/params";
import { type MetricsSnapshot, mergedMetrics } from "@imagegate/telemetry";
import { Router } from "express";
import { bearerToken, sameSecret } from "../http/credentials";
import type { Metrics } from "../http/metrics";

/** The metrics router (mounted before API-key auth). */
export function metricsRouter(
  metrics: Metrics,
  adminKey: string | undefined,
  more?: () => Promise<MetricsSnapshot[]>,
): Router {
  const router = Router();
  router.get("/metrics", async (req, res) => {
    if (adminKey) {
      const given = bearerToken(req.get("authorization")) ?? "";
      if (!sameSecret(given, adminKey))
        throw new GatewayError("invalid_api_key", "/metrics needs the ADMIN_API_KEY.");
    }
    res.setHeader("content-type", metrics.registry.contentType);
    res.send(await mergedMetrics(metrics.registry, (await more?.()) ?? []));
  });
  return router;
}
