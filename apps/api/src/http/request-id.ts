/**
 * `x-request-id` on every response (DESIGN §4): the caller's own when it is a
 * sane token, else a new `req_…` id; logged with every line of the request.
 */
import { newId } from "@imagegate/params";
import type { RequestHandler } from "express";
import type { Logger } from "pino";

const SANE = /^[A-Za-z0-9._:-]{1,128}$/;

/** Sets `res.locals.requestId` and the header, and logs one line when the response ends. */
export function requestId(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const given = req.get("x-request-id");
    const id = given && SANE.test(given) ? given : newId("request");
    res.locals.requestId = id;
    res.setHeader("x-request-id", id);
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info(
        {
          requestId: id,
          method: req.method,
          path: req.path,
          status: res.statusCode,
          ms: Math.round(ms * 10) / 10,
        },
        "request",
      );
    });
    next();
  };
}
