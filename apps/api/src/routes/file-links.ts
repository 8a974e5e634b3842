/**
 * `/files/...` in fs mode: HMAC-signed, expiring links
 * (docs/architecture.md#routes). The signature is the capability; no API key is
 * needed, so the links work in an <img> tag. Keys are checked by the store (no
 * traversal).
 */
import { GatewayError } from "@imagegate/params";
import { attachmentDisposition, BlobNotFoundError, verifySignedPath } from "@imagegate/storage";
import { Router } from "express";
import type { ApiDeps } from "../deps";
import { sendStream } from "../http/send-stream";

/** The signed file links router (mounted before auth). */
export function fileLinksRouter(deps: ApiDeps): Router {
  const router = Router();
  router.get("/files/*key", async (req, res) => {
    const key = (req.params as { key: string[] }).key.join("/");
    const expires = String(req.query.expires ?? "");
    const signature = String(req.query.signature ?? "");
    const filename = typeof req.query.filename === "string" ? req.query.filename : undefined;
    const verdict = verifySignedPath({
      key,
      expires,
      signature,
      secret: deps.signingSecret,
      nowMs: Date.now(),
      ...(filename ? { filename } : {}),
    });
    if (verdict !== "ok") {
      throw new GatewayError(
        "not_found",
        verdict === "expired" ? "This link has expired." : "Invalid link.",
      );
    }
    try {
      const { stream, info } = await deps.blobs.getStream(key);
      res.setHeader("content-type", info.contentType);
      res.setHeader("content-length", String(info.bytes));
      res.setHeader("cache-control", "private, max-age=300");
      if (filename) res.setHeader("content-disposition", attachmentDisposition(filename));
      await sendStream(res, stream, deps.logger);
    } catch (err) {
      if (err instanceof BlobNotFoundError) throw GatewayError.notFound("file", key);
      throw err;
    }
  });
  return router;
}
