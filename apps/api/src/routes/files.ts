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
import { sendStream } from "../http/send-stream";
import { uploadFile } from "../http/upload-file";

/** Largest batch input file (OpenAI's limit). */
const MAX_FILE_BYTES = 200 * 1024 * 1024;

/** The Files API router. */
export function filesApiRouter(deps: ApiDeps): Router {
  const router = Router();
  const owner = (res: { locals: Record<string, unknown> }) => res.locals.owner as string;
  const owned = async (id: string, who: string): Promise<FileRecord> => {
    const file = await deps.files.get(id, who);
    if (!file) throw GatewayError.notFound("file", id);
    return file;
  };

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
      owner: owner(res),
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
    const limit = req.query.limit === undefined ? 10_000 : Number(req.query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
      throw GatewayError.invalidRequest("limit", "limit must be an integer from 1 to 10000.");
    }
    const order = req.query.order === "asc" ? "asc" : "desc";
    const page = await deps.files.list(owner(res), {
      limit,
      order,
      after: typeof req.query.after === "string" ? req.query.after : undefined,
      purpose: typeof req.query.purpose === "string" ? req.query.purpose : undefined,
    });
    const data = page.data.map(presentFile);
    res.json({
      object: "list",
      data,
      first_id: data[0]?.id ?? null,
      last_id: data.at(-1)?.id ?? null,
      has_more: page.hasMore,
    });
  });

  router.get("/v1/files/:id", async (req, res) => {
    res.json(presentFile(await owned(req.params.id, owner(res))));
  });

  router.get("/v1/files/:id/content", async (req, res) => {
    const file = await owned(req.params.id, owner(res));
    const { stream, info } = await deps.blobs.getStream(file.key);
    res.setHeader("content-type", "application/jsonl");
    res.setHeader("content-length", String(info.bytes));
    res.setHeader("content-disposition", attachmentDisposition(file.filename));
    await sendStream(res, stream, deps.logger);
  });

  router.delete("/v1/files/:id", async (req, res) => {
    const file = await owned(req.params.id, owner(res));
    await deps.files.delete(file);
    await deps.blobs.delete(file.key);
    res.json({ id: file.id, object: "file", deleted: true });
  });

  return router;
}
