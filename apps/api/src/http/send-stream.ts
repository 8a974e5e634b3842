/**
 * Streams a blob to a response with `pipeline`, so a read error mid-way ends
 * the response instead of crashing the process, and a client that hangs up
 * closes the file. Headers are already sent by then, so errors are only logged.
 */
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Response } from "express";
import type { Logger } from "pino";
import { requestLog } from "./request-id";

/** Pipes `stream` into `res`. */
export async function sendStream(res: Response, stream: Readable, logger: Logger): Promise<void> {
  try {
    await pipeline(stream, res);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ERR_STREAM_PREMATURE_CLOSE") {
      requestLog(res, logger).warn({ err }, "stream to client failed");
    }
  }
}
