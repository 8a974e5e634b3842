/**
 * A whole gateway for end-to-end tests: the API and the workers of one
 * process on the suite's Redis (its own QUEUE_PREFIX) and a temp storage
 * dir, exactly as `pnpm start` wires them. Not a test file itself.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startApi } from "@imagegate/api";
import { type Config, loadConfig } from "@imagegate/jobs";
import type { ProviderId } from "@imagegate/params";
import type { ImageProvider } from "@imagegate/providers";
import { freePort } from "@imagegate/testkit";
import { startWorker } from "@imagegate/worker";

/** A running test gateway. */
export type TestGateway = {
  url: string;
  /** Base URL for the OpenAI SDK. */
  baseURL: string;
  apiKey: string;
  config: Config;
  close(): Promise<void>;
};

/** Options: extra env, providers to inject, worker toggle. */
export type GatewayOptions = {
  env?: Record<string, string>;
  providers?: Map<ProviderId, ImageProvider>;
  worker?: boolean;
};

/** Starts API + workers on a free port. */
export async function startGateway(options: GatewayOptions = {}): Promise<TestGateway> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "imagegate-files-"));
  const apiKey = "sk-test-a";
  const config = loadConfig({
    REDIS_URL: process.env.REDIS_URL,
    QUEUE_PREFIX: `test-${randomUUID()}`,
    PORT: String(port),
    HOST: "127.0.0.1",
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    STORAGE_DIR: dir,
    API_KEYS: `${apiKey},sk-test-b`,
    LOG_LEVEL: "silent",
    ...options.env,
  });
  const worker =
    options.worker === false
      ? null
      : await startWorker(config, {
          ...(options.providers ? { providers: options.providers } : {}),
        });
  const api = await startApi(config);
  return {
    url: `http://127.0.0.1:${port}`,
    baseURL: `http://127.0.0.1:${port}/v1`,
    apiKey,
    config,
    async close() {
      await api.close();
      await worker?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
