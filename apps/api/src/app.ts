/**
 * The Express app, built from its dependencies (no env, no listen): request
 * id → health, admin and file links (no key auth) → bearer auth → per-key
 * rate limit → routes → 404 → the one error handler.
 */
import express, { type Express } from "express";
import type { ApiDeps } from "./deps";
import { auth } from "./http/auth";
import { errorHandler, unknownRoute } from "./http/error-handler";
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
  app.set("trust proxy", true);
  const metrics = createMetrics({
    registry: deps.registry,
    queues: deps.queues,
    providers: [...deps.enabled],
  });
  app.use(requestId(deps.logger));
  app.use(metrics.timing);
  app.use(healthRouter(deps));
  app.use(metricsRouter(metrics, deps.config.adminApiKey, deps.moreMetrics));
  app.use(openApiRouter());
  app.use(adminRouter(deps));
  app.use(adminKeysRouter(deps));
  app.use(fileLinksRouter(deps));
  app.use(stableLinksRouter(deps));
  app.use(callbacksRouter(deps));
  app.use(playgroundRouter());
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
