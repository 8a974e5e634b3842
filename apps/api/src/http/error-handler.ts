/**
 * The API's one error mapper (docs/style.md#errors): GatewayError, ZodError and
 * the body parser's errors become the OpenAI envelope with the right status;
 * anything else is a 500 `internal_error`, logged with the request id. Handlers
 * throw; they never build error JSON.
 */
import { fromZodError, GatewayError } from "@imagegate/params";
import type { ErrorRequestHandler, RequestHandler } from "express";
import type { Logger } from "pino";
import { ZodError } from "zod";
import { invalidJson } from "./json-body";
import { requestLog } from "./request-id";

/** body-parser error types → our codes. */
const PARSER_ERRORS: Record<string, () => GatewayError> = {
  "entity.parse.failed": invalidJson,
  "entity.too.large": () =>
    new GatewayError("payload_too_large", "The request body is too large.", null),
  "encoding.unsupported": () =>
    new GatewayError("unsupported_media_type", "Unsupported content encoding.", null),
  "charset.unsupported": () =>
    new GatewayError("unsupported_media_type", "Unsupported charset.", null),
};

/** Converts any thrown value into a GatewayError (500 for the unknown). */
export function toGatewayError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  if (err instanceof ZodError) return fromZodError(err);
  const type = (err as { type?: string } | null)?.type;
  if (type && PARSER_ERRORS[type]) return PARSER_ERRORS[type]();
  return new GatewayError(
    "internal_error",
    "The server had an error processing your request.",
    null,
    {
      cause: err,
    },
  );
}

/** Express error middleware writing the envelope. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const error = toGatewayError(err);
    if (error.status >= 500)
      requestLog(res, logger).error({ err, path: req.path }, "request failed");
    if (res.headersSent) {
      res.end();
      return;
    }
    if (error.status === 413) {
      // Refuse the rest of an oversized upload instead of reading it: answer, then close.
      res.setHeader("connection", "close");
      res.once("finish", () => req.socket.destroySoon());
    }
    res.status(error.status).set(error.headers).json(error.toEnvelope());
  };
}

/** Final handler for routes that do not exist. */
export const unknownRoute: RequestHandler = (req) => {
  throw new GatewayError("not_found", `Unknown request URL: ${req.method} ${req.path}.`, null);
};
