/**
 * `POST /v1/files` uploads: the `file` part streams straight into the blob
 * store — a 200 MB JSONL is never held in memory — with a byte cap that
 * stops the upload (413) and removes the partial object. Other parts
 * (`purpose`, `expires_after[...]`) are small strings.
 */
import { GatewayError } from "@imagegate/params";
import type { BlobInfo, BlobStore } from "@imagegate/storage";
import busboy from "busboy";
import type { Request } from "express";

/** A stored upload. */
export type StoredUpload = { fields: Record<string, string>; filename: string; info: BlobInfo };

/** Streams the request's `file` part to `key` in `blobs`, within `maxBytes`. */
export function uploadFile(
  req: Request,
  blobs: BlobStore,
  key: string,
  maxBytes: number,
): Promise<StoredUpload> {
  const tooLarge = () =>
    new GatewayError("payload_too_large", `The file is larger than ${maxBytes} bytes.`, "file");
  if (Number(req.get("content-length") ?? "0") > maxBytes + 64 * 1024)
    return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        limits: { files: 1, fileSize: maxBytes, fields: 20, fieldSize: 64 * 1024 },
      });
    } catch {
      reject(new GatewayError("invalid_request", "Send the file as multipart/form-data.", null));
      return;
    }
    const fields: Record<string, string> = {};
    let stored: Promise<{ filename: string; info: BlobInfo }> | null = null;
    let failed: GatewayError | null = null;
    const fail = (err: GatewayError) => {
      if (failed) return;
      failed = err;
      req.unpipe(parser);
      reject(err);
    };
    parser.on("field", (name, value) => {
      fields[name] = value;
    });
    parser.on("file", (field, stream, info) => {
      if (field !== "file") {
        stream.resume();
        fail(
          GatewayError.invalidRequest(
            field,
            `Unexpected file field '${field}'; send it as 'file'.`,
          ),
        );
        return;
      }
      stream.on("limit", () => {
        stream.destroy(tooLarge());
        fail(tooLarge());
      });
      stored = blobs
        .put(key, stream, "application/jsonl")
        .then((blob) => ({ filename: info.filename ?? "file", info: blob }));
      stored.catch(() => {});
    });
    parser.on("error", () =>
      fail(new GatewayError("invalid_request", "Malformed multipart/form-data body.", null)),
    );
    parser.on("close", async () => {
      if (failed) {
        await blobs.delete(key).catch(() => {});
        return;
      }
      if (!stored)
        return reject(
          new GatewayError(
            "missing_required_parameter",
            "Missing required parameter: 'file'.",
            "file",
          ),
        );
      try {
        const { filename, info } = await stored;
        resolve({ fields, filename, info });
      } catch (err) {
        await blobs.delete(key).catch(() => {});
        reject(err);
      }
    });
    req.pipe(parser);
  });
}
