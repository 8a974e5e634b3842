/**
 * JSON answers without Express's detours. Its `res.json` sets the type
 * through `res.set` (a mime-types look-up), then `res.send` parses that type
 * again to add the charset and checks ETags and freshness, which this app
 * never uses: ~7 % of an async submit's CPU
 * (docs/decisions/0015-lean-hot-path.md). The answer is the same: the JSON,
 * `application/json; charset=utf-8` unless a type was set, a Content-Length.
 */
import type { ServerResponse } from "node:http";
import type { Express, Response } from "express";

const JSON_CONTENT_TYPE = "application/json; charset=utf-8";

/** Ends `res` with `json` (text or its UTF-8 bytes), giving its type (unless one is set) and length. */
export function sendJson(res: ServerResponse, json: string | Buffer): void {
  if (!res.hasHeader("content-type")) res.setHeader("content-type", JSON_CONTENT_TYPE);
  res.setHeader("content-length", typeof json === "string" ? Buffer.byteLength(json) : json.length);
  res.end(json);
}

/** Makes `res.json` in `app` answer through `sendJson`. */
export function answerJsonDirectly(app: Express): void {
  const expressJson = app.response.json;
  app.response.json = function json(this: Response, body?: unknown) {
    const text = JSON.stringify(body);
    // `undefined` has no JSON: Express answers an empty body.
    if (text === undefined) return expressJson.call(this, body);
    sendJson(this, text);
    return this;
  };
}
