/** `GET /v1/jobs/{id}` with `?wait=N` long-polling (N ≤ 60 s) for a final state. */
import { isFinal } from "@imagegate/jobs";
import { GatewayError } from "@imagegate/params";
import { Router } from "express";
import type { ApiDeps } from "../deps";
import { ownedJob } from "../services/owned-job";
import { presentJob } from "../services/present-job";
import { clientGone, waitForJob } from "../services/wait-for-job";

/** Parses `?wait=` seconds (0–60). */
export function parseWait(value: unknown): number {
  if (value === undefined) return 0;
  const n = Number(value);
  if (typeof value !== "string" || !Number.isFinite(n) || n < 0 || n > 60) {
    throw GatewayError.invalidRequest("wait", "wait must be a number of seconds from 0 to 60.");
  }
  return n;
}

/** The jobs router. */
export function jobsRouter(deps: ApiDeps): Router {
  const router = Router();
  const present = { blobs: deps.blobs, urlTtlSeconds: deps.config.urlTtlSeconds };
  router.get("/v1/jobs/:id", async (req, res) => {
    const owner = res.locals.owner as string;
    const waitS = parseWait(req.query.wait);
    let record = await ownedJob(deps, req.params.id, owner);
    if (waitS > 0 && !isFinal(record.status)) {
      record = await waitForJob(deps, record.id, waitS * 1000, clientGone(res));
    }
    if (record.provider) res.setHeader("x-imagegate-provider", record.provider);
    res.json(await presentJob(record, present));
  });
  return router;
}
