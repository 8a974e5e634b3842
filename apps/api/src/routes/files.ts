/**
 * The Files API (OpenAI shape, docs/architecture.md#batches-and-files): upload
 * JSONL for batches, read metadata and content, list, delete. Everything is
 * scoped to the caller's key; batch outputs appear here as `batch_output`
 * files.
 */
import { type FileRecord, presentFile } from "@imagegate/jobs";
import { GatewayError, newId } from "@imagegate/params";
import { attachmentDisposition } from "@imagegate/storage";
import { Router } from "express";
import type { ApiDeps } from "../deps";
import { callerOf } from "../http/caller";
import { listPage, parseAfter, parseLimit } from "../http/list-page";
import { sendStream } from "../http/send-stream";
import { uploadFile } from "../http/upload-file";
import { ownedFile } from "../services/owned";

/** Largest batch input file (OpenAI's limit). */
const MAX_FILE_BYTES = 200 * 1024 * 1024;

/** The Files API router. */
export function filesApiRouter(deps: ApiDeps): Router {
  const router = Router();

  router.post("/v1/files", async (req, res) => {
    if (!req.is("multipart/form-data")) {
      throw new GatewayError(
        "unsupported_media_type",
        "Upload files as multipart/form-data with 'file' and 'purpose'.",
      );
    }
    const id = newId("file");
    const key = `files/${id}`;
    const upload = await uploadFile(req, deps.blobs, key, MAX_FILE_BYTES);
    const purpose = upload.fields.purpose;
    if (purpose !== "batch") {
      await deps.blobs.delete(key);
      throw GatewayError.invalidRequest(
        "purpose",
        purpose
          ? `purpose '${purpose}' is not supported; use 'batch'.`
          : "Missing required parameter: 'purpose'.",
        purpose ? "invalid_value" : "missing_required_parameter",
      );
    }
    const seconds = upload.fields["expires_after[seconds]"];
    const created = Math.floor(Date.now() / 1000);
    const file: FileRecord = {
      id,
      owner: callerOf(res).owner,
      bytes: upload.info.bytes,
      created_at: created,
      filename: upload.filename,
      purpose: "batch",
      key,
      expires_at: seconds && /^\d+$/.test(seconds) ? created + Number(seconds) : null,
    };
    await deps.files.create(file);
    res.json(presentFile(file));
  });

  router.get("/v1/files", async (req, res) => {
    const page = await deps.files.list(callerOf(res).owner, {
      limit: parseLimit(req.query.limit, 10_000, 10_000),
      order: req.query.order === "asc" ? "asc" : "desc",
      after: parseAfter(req.query.after),
      purpose: typeof req.query.purpose === "string" ? req.query.purpose : undefined,
    });
    res.json(listPage(page.data.map(presentFile), page.hasMore));
  });

  router.get("/v1/files/:id", async (req, res) => {
    res.json(presentFile(await ownedFile(deps, req.params.id, callerOf(res).owner)));
  });

  router.get("/v1/files/:id/content", async (req, res) => {
    const file = await ownedFile(deps, req.params.id, callerOf(res).owner);
    const { stream, info } = await deps.blobs.getStream(file.key);
    res.setHeader("content-type", "application/jsonl");
    res.setHeader("content-length", String(info.bytes));
    res.setHeader("content-disposition", attachmentDisposition(file.filename));
    await sendStream(res, stream, deps.logger);
  });

  router.delete("/v1/files/:id", async (req, res) => {
    const file = await ownedFile(deps, req.params.id, callerOf(res).owner);
    await deps.files.delete(file);
    await deps.blobs.delete(file.key);
    res.json({ id: file.id, object: "file", deleted: true });
  });

  return router;
}
