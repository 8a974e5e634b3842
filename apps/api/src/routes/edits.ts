/**
 * `POST /v1/images/edits` (docs/architecture.md#an-edit-multipart): multipart
 * exactly as the OpenAI SDK sends it, or JSON with image URLs / data URIs
 * (`image`, `images`, `[{image_url}]`). Inputs are checked and stored under the
 * job id, then the edit runs through the same pipeline as generations (sizes,
 * formats, `n`, async, webhooks).
 */

import {
  formInputs,
  loadJsonEditInputs,
  prepareEditRequest,
  type RawEditInputs,
} from "@imagegate/inputs";
import { assertModelAllowed } from "@imagegate/jobs";
import { GatewayError } from "@imagegate/params";
import { Router } from "express";
import type { ApiDeps } from "../deps";
import { callerOf } from "../http/caller";
import { readJson } from "../http/json-body";
import { parseMultipart } from "../http/multipart";
import { fingerprint, once } from "../services/idempotency";
import { prefersAsync, respondToNewJob } from "../services/respond-to-new-job";
import { submitImageJob } from "../services/submit-image-job";

/** Most files one multipart edit may carry (OpenAI's limit). */
const MAX_FILES = 16;

/** The edits router. */
export function editsRouter(deps: ApiDeps): Router {
  const router = Router();
  const limits = deps.config.inputs;
  // Data URIs are base64: a body may be a third larger than its images.
  const json = readJson(Math.ceil(limits.maxUploadBytes * 1.37));
  router.post("/v1/images/edits", async (req, res) => {
    let body: Record<string, unknown>;
    let raw: RawEditInputs;
    if (req.is("multipart/form-data")) {
      const form = await parseMultipart(req, {
        maxUploadBytes: limits.maxUploadBytes,
        maxFileBytes: limits.maxImageBytes,
        maxFiles: MAX_FILES,
      });
      body = form.fields;
      raw = formInputs(form.files);
    } else if (req.is("application/json")) {
      await new Promise<void>((resolve, reject) =>
        json(req, res, (err?: unknown) => (err ? reject(err) : resolve())),
      );
      if (!req.body || typeof req.body !== "object" || Array.isArray(req.body)) {
        throw GatewayError.invalidRequest(
          null,
          "The request body must be a JSON object.",
          "invalid_request",
        );
      }
      body = req.body as Record<string, unknown>;
      raw = await loadJsonEditInputs(body, {
        maxImageBytes: limits.maxImageBytes,
        allowPrivateUrls: deps.config.allowPrivateUrls,
        checkModel: (model) => assertModelAllowed(callerOf(res).limits, model),
      });
    } else {
      throw new GatewayError(
        "unsupported_media_type",
        `Content-Type must be multipart/form-data or application/json (got '${req.get("content-type") ?? "none"}').`,
      );
    }
    const { owner } = callerOf(res);
    const key = {
      owner,
      key: req.get("idempotency-key"),
      route: "edits",
      fingerprint: () => fingerprint({ body, raw }),
    };
    const { record, replayed } = await once(deps, key, async (jobId) => {
      const request = await prepareEditRequest(body, raw, {
        blobs: deps.blobs,
        jobId,
        maxPixels: limits.maxPixels,
      });
      return submitImageJob(deps, request, {
        owner,
        limits: callerOf(res).limits,
        requestId: res.locals.requestId as string,
        jobId,
        sync: !prefersAsync(req.get("prefer")),
      });
    });
    if (replayed) res.setHeader("idempotent-replayed", "true");
    await respondToNewJob(deps, req, res, record);
  });
  return router;
}
