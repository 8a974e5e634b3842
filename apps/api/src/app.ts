/**
 * The Express app, built from its dependencies (no env, no listen): request
 * id → health, admin and file links (no key auth) → bearer auth → per-key
 * rate limit → routes → 404 → the one error handler.
 */
import { isCluster, redisKeys } from "@imagegate/jobs";
import express, { type Express, Router } from "express";
import type { ApiDeps } from "./deps";
import { auth } from "./http/auth";
import { errorHandler, unknownRoute } from "./http/error-handler";
import { answerJsonDirectly } from "./http/json-answer";
import { createMetrics } from "./http/metrics";
import { requestId } from "./http/request-id";
import { adminRouter } from "./routes/admin";
import { adminKeysRouter } from "./routes/admin-keys";
import { batchesRouter } from "./routes/batches";
import { callbacksRouter } from "./routes/callbacks";
import { editsRouter } from "./routes/edits";
import { fileLinksRouter } from "./routes/file-links";
import { filesApiRouter } from "./routes/files";
import { healthRouter } from "./routes/health";
import { imagesRouter } from "./routes/images";
import { jobEventsRouter } from "./routes/job-events";
import { jobsRouter } from "./routes/jobs";
import { metricsRouter } from "./routes/metrics";
import { modelsRouter } from "./routes/models";
import { openApiRouter } from "./routes/openapi";
import { playgroundRouter } from "./routes/playground";
import { stableLinksRouter } from "./routes/stable-links";
import { usageRouter } from "./routes/usage";
import { webhooksRouter } from "./routes/webhooks";

/** Builds the HTTP app. */
export function createApp(deps: ApiDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  // API answers are never cached by validators; hashing every body for an ETag costs CPU.
  app.set("etag", false);
  answerJsonDirectly(app);
  app.set("trust proxy", true);
  const outbox = redisKeys(deps.config.queuePrefix, isCluster(deps.redis)).outbox();
  const metrics = createMetrics({
    registry: deps.registry,
    queues: deps.queues,
    providers: [...deps.enabled],
    outboxJobs: () => deps.redis.llen(outbox),
  });
  app.use(requestId(deps.logger));
  app.use(metrics.timing);
  // The routes that answer without a key. None is under /v1/, so API calls skip them all
  // (matching each of their routes costs every request).
  const open = Router();
  open.use(healthRouter(deps));
  open.use(metricsRouter(metrics, deps.config.adminApiKey, deps.moreMetrics));
  open.use(openApiRouter());
  open.use(adminRouter(deps));
  open.use(adminKeysRouter(deps));
  open.use(fileLinksRouter(deps));
  open.use(stableLinksRouter(deps));
  open.use(callbacksRouter(deps));
  open.use(playgroundRouter());
  app.use((req, res, next) => (req.path.startsWith("/v1/") ? next() : open(req, res, next)));
  app.use(auth({ staticKeys: deps.config.apiKeys, keys: deps.keys }));
  app.use(deps.rateLimits.submits);
  app.use(imagesRouter(deps));
  app.use(editsRouter(deps));
  app.use(jobsRouter(deps));
  app.use(jobEventsRouter(deps));
  app.use(webhooksRouter(deps));
  app.use(filesApiRouter(deps));
  app.use(batchesRouter(deps));
  app.use(modelsRouter(deps));
  app.use(usageRouter(deps));
  app.use(unknownRoute);
  app.use(errorHandler(deps.logger));
  return app;
}
