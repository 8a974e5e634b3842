/**
 * The worker process's own HTTP port (WORKER_PORT, split mode): `/healthz`
 * is liveness — the event loop answers (a blocked loop answers nothing, and
 * the probe times out) and Redis answers PING within a second; `/metrics` is
 * Prometheus, behind ADMIN_API_KEY when one is set, as on the API.
 * node:http, not Express: two routes need no framework.
 */
import { timingSafeEqual } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { RedisClient } from "@imagegate/jobs";
import type { Registry } from "@imagegate/telemetry";

/** Options of `startHealthServer`. */
export type HealthServerOptions = {
  port: number;
  host: string;
  redis: RedisClient;
  registry: Registry;
  adminKey: string | undefined;
  /** Longest acceptable PING. @defaultValue 1000 ms */
  redisTimeoutMs?: number;
};

/** A running health server. */
export type HealthServer = { server: Server; port: number; close(): Promise<void> };

function sameKey(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function redisAnswers(redis: RedisClient, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([redis.ping().then((r) => r === "PONG"), late]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** Serves `/healthz` and `/metrics` on `port` (0 = any free port). */
export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const loop = monitorEventLoopDelay({ resolution: 20 });
  loop.enable();
  const send = (
    res: import("node:http").ServerResponse,
    status: number,
    type: string,
    body: string,
  ) => {
    res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
    res.end(body);
  };
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, "text/plain", "");
    if (path === "/healthz") {
      void redisAnswers(options.redis, options.redisTimeoutMs ?? 1000).then((redis) => {
        const body = {
          status: redis ? "ok" : "unavailable",
          redis: redis ? "ok" : "unreachable",
          event_loop_delay_p99_ms: Math.round(loop.percentile(99) / 1e4) / 100,
        };
        loop.reset();
        send(res, redis ? 200 : 503, "application/json", JSON.stringify(body));
      });
      return;
    }
    if (path === "/metrics") {
      const given = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? "")?.[1]?.trim() ?? "";
      if (options.adminKey && !sameKey(given, options.adminKey)) {
        return send(
          res,
          401,
          "application/json",
          JSON.stringify({
            error: {
              message: "/metrics needs the ADMIN_API_KEY.",
              type: "invalid_request_error",
              param: null,
              code: "invalid_api_key",
            },
          }),
        );
      }
      void options.registry.metrics().then(
        (text) => send(res, 200, options.registry.contentType, text),
        () => send(res, 500, "text/plain", "metrics failed"),
      );
      return;
    }
    send(
      res,
      404,
      "application/json",
      JSON.stringify({
        error: {
          message: `Unknown path ${path}`,
          type: "invalid_request_error",
          param: null,
          code: "not_found",
        },
      }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    async close() {
      loop.disable();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
