/** One JSON POST on a kept-alive agent, read to its end: what the c=1 timings send. */
import { type Agent, request as httpRequest } from "node:http";

/** POSTs `body` (JSON text) to `url` through `agent`; resolves with the status once the answer is read. */
export function postJson(
  agent: Agent,
  url: URL,
  body: string,
  headers: Record<string, string> = {},
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: "POST",
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          ...headers,
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}
