/**
 * multipart/form-data exactly as the OpenAI SDK sends edits: `image` or
 * repeated `image[]` files (up to 16), an optional `mask` file, every other
 * field a string. Streamed through busboy with byte caps per file and per
 * request — text fields count toward the request's cap too, and a field
 * longer than busboy keeps is refused, not truncated: an oversized upload is
 * refused with 413 as soon as it crosses the cap (or at once from its
 * Content-Length), never read whole.
 */

import type { UploadedFile } from "@imagegate/inputs";
import { GatewayError } from "@imagegate/params";
import busboy from "busboy";
import type { Request } from "express";

/** A parsed form. */
export type ParsedForm = { fields: Record<string, string>; files: UploadedFile[] };

/** Caps of a form. */
export type FormLimits = { maxUploadBytes: number; maxFileBytes: number; maxFiles: number };

/** Longest text field (a prompt, metadata). */
const MAX_FIELD_BYTES = 1024 * 1024;
/** Most text fields in one form. */
const MAX_FIELDS = 100;

const tooLarge = (what: string, bytes: number) =>
  new GatewayError("payload_too_large", `${what} is larger than ${bytes} bytes.`, null);

/** Reads a multipart request within `limits`. */
export function parseMultipart(req: Request, limits: FormLimits): Promise<ParsedForm> {
  const declared = Number(req.get("content-length") ?? "0");
  if (declared > limits.maxUploadBytes)
    return Promise.reject(tooLarge("The request", limits.maxUploadBytes));
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        limits: {
          fileSize: limits.maxFileBytes,
          files: limits.maxFiles + 1,
          fields: MAX_FIELDS,
          fieldSize: MAX_FIELD_BYTES,
        },
      });
    } catch {
      reject(new GatewayError("invalid_request", "Malformed multipart/form-data body.", null));
      return;
    }
    const fields: Record<string, string> = {};
    const files: UploadedFile[] = [];
    let total = 0;
    let failed = false;
    const fail = (err: GatewayError) => {
      if (failed) return;
      failed = true;
      req.unpipe(parser);
      reject(err);
    };
    parser.on("field", (name, value, info) => {
      if (info.valueTruncated || info.nameTruncated) {
        return fail(tooLarge(`The field '${name}'`, MAX_FIELD_BYTES));
      }
      total += Buffer.byteLength(name) + Buffer.byteLength(value);
      if (total > limits.maxUploadBytes)
        return fail(tooLarge("The request", limits.maxUploadBytes));
      fields[name] = value;
    });
    parser.on("fieldsLimit", () =>
      fail(GatewayError.invalidRequest(null, `At most ${MAX_FIELDS} form fields may be sent.`)),
    );
    parser.on("file", (field, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => {
        total += chunk.length;
        if (total > limits.maxUploadBytes)
          return fail(tooLarge("The request", limits.maxUploadBytes));
        chunks.push(chunk);
      });
      stream.on("limit", () => fail(tooLarge(`'${field}'`, limits.maxFileBytes)));
      stream.on("close", () => {
        if (!failed)
          files.push({ field, filename: info.filename ?? "", data: Buffer.concat(chunks) });
      });
    });
    parser.on("filesLimit", () =>
      fail(GatewayError.invalidRequest("image", `At most ${limits.maxFiles} images may be sent.`)),
    );
    parser.on("error", () =>
      fail(new GatewayError("invalid_request", "Malformed multipart/form-data body.", null)),
    );
    parser.on("close", () => {
      if (!failed) resolve({ fields, files });
    });
    req.pipe(parser);
  });
}
