/**
 * A whole gateway for end-to-end tests: the API and the workers of one
 * process on the suite's Redis (its own QUEUE_PREFIX) and a temp storage
 * dir, exactly as `pnpm start` wires them. Not a test file itself.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startApi } from "@imagegate/api";
import { type Config, loadConfig } from "@imagegate/jobs";
import type { ProviderId } from "@imagegate/params";
import type { ImageProvider } from "@imagegate/providers";
import { createRecentImages } from "@imagegate/storage";
import { createRegistry } from "@imagegate/telemetry";
import { freePort, type Json } from "@imagegate/testkit";
import { startWorker } from "@imagegate/worker";
import type { Logger } from "pino";

/** A running test gateway. */
export type TestGateway = {
  url: string;
  /** Base URL for the OpenAI SDK. */
  baseURL: string;
  /** POSTs JSON to an API path with the first key; returns status, headers and JSON body. */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<ApiAnswer>;
  /** GETs an API path with the first key. */
  get(path: string, headers?: Record<string, string>): Promise<ApiAnswer>;
  apiKey: string;
  config: Config;
  /** The environment the gateway was configured from (to start more processes like it). */
  env: Record<string, string>;
  close(): Promise<void>;
};

/** An API answer. */
export type ApiAnswer = { status: number; headers: Headers; body: Json };

/** Options: extra env, a PROVIDERS_FILE body, providers to inject, worker and direct-run toggles. */
export type GatewayOptions = {
  env?: Record<string, string>;
  providersFile?: unknown;
  providers?: Map<ProviderId, ImageProvider>;
  worker?: boolean;
  /** Synchronous jobs run at once, skipping their queue, as in `pnpm start`. @defaultValue true */
  directRuns?: boolean;
  /** The API's logger (to read its lines). */
  logger?: Logger;
};

/** Starts API + workers on a free port. */
export async function startGateway(options: GatewayOptions = {}): Promise<TestGateway> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "imagegate-files-"));
  const apiKey = "sk-test-a";
  const providersFile =
    options.providersFile === undefined ? undefined : join(dir, "providers.json");
  if (providersFile) writeFileSync(providersFile, JSON.stringify(options.providersFile));
  const env: Record<string, string> = {
    REDIS_URL: process.env.REDIS_URL as string,
    QUEUE_PREFIX: `test-${randomUUID()}`,
    PORT: String(port),
    HOST: "127.0.0.1",
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    STORAGE_DIR: dir,
    API_KEYS: `${apiKey},sk-test-b`,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    ...(providersFile ? { PROVIDERS_FILE: providersFile } : {}),
    ...options.env,
  };
  const config = loadConfig(env);
  // One registry for both roles, as `pnpm start` does: the API's /metrics shows the job metrics.
  const registry = createRegistry();
  const recentImages = createRecentImages();
  const worker =
    options.worker === false
      ? null
      : await startWorker(config, {
          registry,
          directRuns: options.directRuns ?? true,
          keepImages: recentImages.keep,
          ...(options.providers ? { providers: options.providers } : {}),
        });
  const api = await startApi(config, {
    registry,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(worker?.runNow ? { runNow: worker.runNow, recentImages } : {}),
  });
  const url = `http://127.0.0.1:${port}`;
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${apiKey}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
  };
  return {
    post: (path, body, headers) => call("POST", path, body, headers),
    get: (path, headers) => call("GET", path, undefined, headers),
    url: `http://127.0.0.1:${port}`,
    baseURL: `http://127.0.0.1:${port}/v1`,
    apiKey,
    config,
    env,
    async close() {
      await api.close();
      await worker?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
