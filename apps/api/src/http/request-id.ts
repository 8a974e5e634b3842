/**
 * `x-request-id` on every response
 * (docs/architecture.md#sync-async-and-idempotency): the caller's own when it
 * is a sane token, else a new `req_…` id. `requestLog(res)` is a child
 * logger bound to that id, so every line logged for a request carries it;
 * one access line when the response ends (status 499 when the client left
 * first) names the caller (owner hash) and the job it touched when there is
 * one. The query string is never logged: file links carry their signature
 * there.
 */
import { newId } from "@imagegate/params";
import type { RequestHandler } from "express";
import type { Logger } from "pino";

/** The access line's status of a request whose client left before the answer (nginx's). */
const CLIENT_CLOSED_REQUEST = 499;

const SANE = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The logger of a response's request: `logger`'s child bound to its request
 * id (set by `requestId`), made on first use — most requests log nothing but
 * their access line; `logger` itself outside a request.
 */
export function requestLog(res: { locals: Record<string, unknown> }, logger: Logger): Logger {
  const locals = res.locals;
  if (locals.log === undefined && typeof locals.requestId === "string") {
    locals.log = logger.child({ requestId: locals.requestId });
  }
  return (locals.log as Logger | undefined) ?? logger;
}

/** Sets `res.locals.requestId` (which `requestLog` binds) and the header, and logs one line when the response ends. */
export function requestId(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const given = req.get("x-request-id");
    const id = given && SANE.test(given) ? given : newId("request");
    res.locals.requestId = id;
    res.setHeader("x-request-id", id);
    const started = process.hrtime.bigint();
    // "close", not "finish": a client that leaves before its answer is logged too, as nginx does (499).
    res.on("close", () => {
      if (!logger.isLevelEnabled("info")) return;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const jobId = res.getHeader("x-imagegate-job-id") ?? res.locals.jobId;
      logger.info(
        {
          requestId: id,
          ...(res.locals.owner ? { owner: res.locals.owner } : {}),
          ...(jobId ? { jobId } : {}),
          method: req.method,
          path: req.path,
          status: res.writableFinished ? res.statusCode : CLIENT_CLOSED_REQUEST,
          ms: Math.round(ms * 10) / 10,
        },
        "request",
      );
    });
    next();
  };
}
