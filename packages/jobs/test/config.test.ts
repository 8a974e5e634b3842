import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, enabledProviders, loadConfig } from "@imagegate/jobs";

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("applies the documented defaults", () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 8080,
      publicBaseUrl: "http://localhost:8080",
      redis: { url: "redis://127.0.0.1:6379" },
      queuePrefix: "imagegate",
      apiKeys: [],
      storage: { driver: "fs", dir: "./data/files" },
      urlTtlSeconds: 3600,
      jobTtlSeconds: 604800,
      syncTimeoutMs: 300000,
      webhooks: {
        retryScheduleSeconds: [5, 300, 1800, 7200, 18000, 36000, 36000],
        timeoutMs: 15000,
      },
      allowPrivateUrls: false,
      gifColours: 16,
      logLevel: "info",
    });
    expect(c.providers.bfl).toEqual({ apiKey: undefined, baseUrl: "https://api.bfl.ai" });
    expect(c.limits.bfl.concurrency).toBe(24);
    expect([...enabledProviders(c)]).toEqual(["local"]);
  });

  it("parses lists, booleans and numbers", () => {
    const c = loadConfig({
      API_KEYS: " a, b ,,c ",
      ALLOW_PRIVATE_URLS: "yes",
      PORT: "9000",
      WEBHOOK_RETRY_SCHEDULE: "1,1,1",
      BFL_API_KEY: "k",
      PUBLIC_BASE_URL: "https://img.example.com/",
      GIF_COLOURS: "256",
    });
    expect(c.gifColours).toBe(256);
    expect(c.apiKeys).toEqual(["a", "b", "c"]);
    expect(c.allowPrivateUrls).toBe(true);
    expect(c.port).toBe(9000);
    expect(c.webhooks.retryScheduleSeconds).toEqual([1, 1, 1]);
    expect(c.publicBaseUrl).toBe("https://img.example.com");
    expect([...enabledProviders(c)].sort()).toEqual(["bfl", "local"]);
  });

  it("selects a Redis Cluster or Sentinel from their variables", () => {
    expect(loadConfig({}).redis).toMatchObject({ clusterNodes: [], sentinels: [] });
    const cluster = loadConfig({ REDIS_CLUSTER_NODES: "10.0.0.1:7000, redis-2:7001" });
    expect(cluster.redis.clusterNodes).toEqual([
      { host: "10.0.0.1", port: 7000 },
      { host: "redis-2", port: 7001 },
    ]);
    const sentinel = loadConfig({ REDIS_SENTINELS: "s1:26379", REDIS_SENTINEL_NAME: "primary" });
    expect(sentinel.redis).toMatchObject({
      sentinels: [{ host: "s1", port: 26379 }],
      sentinelName: "primary",
    });
    expect(problems({ REDIS_CLUSTER_NODES: "redis-1" })[0]).toMatch(
      /^REDIS_CLUSTER_NODES\.0: expected a comma list of host:port/,
    );
    expect(problems({ REDIS_SENTINELS: "s1:26379" })).toEqual([
      "REDIS_SENTINEL_NAME: is required when REDIS_SENTINELS is set",
    ]);
    expect(
      problems({ REDIS_SENTINELS: "s:1", REDIS_SENTINEL_NAME: "m", REDIS_CLUSTER_NODES: "c:2" }),
    ).toEqual(["REDIS_SENTINELS: cannot be used together with REDIS_CLUSTER_NODES"]);
  });

  it("turns tracing on only when OTEL_* names an exporter or an endpoint", () => {
    expect(loadConfig({}).tracing.enabled).toBe(false);
    expect(loadConfig({ OTEL_SERVICE_NAME: "x" }).tracing.enabled).toBe(false);
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318" }).tracing.enabled).toBe(true);
    expect(loadConfig({ OTEL_TRACES_EXPORTER: "console" }).tracing.enabled).toBe(true);
    expect(loadConfig({ OTEL_TRACES_EXPORTER: "none" }).tracing.enabled).toBe(false);
    const off = { OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", OTEL_SDK_DISABLED: "true" };
    expect(loadConfig(off).tracing.enabled).toBe(false);
    expect(problems({ OTEL_EXPORTER_OTLP_PROTOCOL: "udp" })[0]).toMatch(
      /^OTEL_EXPORTER_OTLP_PROTOCOL:/,
    );
  });

  it("treats empty strings as unset", () => {
    expect(loadConfig({ PORT: "", STORAGE: "" }).port).toBe(8080);
  });

  it("lists every bad variable by name", () => {
    const list = problems({
      PORT: "abc",
      REDIS_URL: "nope",
      STORAGE: "ftp",
      LOG_LEVEL: "loud",
      ALLOW_PRIVATE_URLS: "maybe",
      GIF_COLOURS: "64",
    });
    for (const name of [
      "PORT",
      "REDIS_URL",
      "STORAGE",
      "LOG_LEVEL",
      "ALLOW_PRIVATE_URLS",
      "GIF_COLOURS",
    ]) {
      expect(list.some((p) => p.startsWith(`${name}:`))).toBe(true);
    }
  });

  it("requires S3_BUCKET with STORAGE=s3", () => {
    expect(problems({ STORAGE: "s3" })).toEqual(["S3_BUCKET: is required when STORAGE=s3"]);
    const c = loadConfig({
      STORAGE: "s3",
      S3_BUCKET: "b",
      S3_FORCE_PATH_STYLE: "true",
      AWS_ACCESS_KEY_ID: "k",
      AWS_SECRET_ACCESS_KEY: "s",
    });
    expect(c.storage).toMatchObject({
      driver: "s3",
      bucket: "b",
      forcePathStyle: true,
      credentials: { accessKeyId: "k" },
    });
  });

  it("checks the webhook secret's shape and the retry schedule", () => {
    expect(problems({ WEBHOOK_SECRET: "plain" })[0]).toMatch(/^WEBHOOK_SECRET:/);
    expect(problems({ WEBHOOK_RETRY_SCHEDULE: "5,soon" })[0]).toMatch(/^WEBHOOK_RETRY_SCHEDULE/);
  });

  it("merges PROVIDERS_FILE over the defaults and names its bad fields", () => {
    const dir = mkdtempSync(join(tmpdir(), "cfg-"));
    const good = join(dir, "good.json");
    writeFileSync(
      good,
      JSON.stringify({
        providers: { bfl: { concurrency: 2 } },
        routes: { "flux.2-max": ["fal", "bfl"] },
      }),
    );
    const c = loadConfig({ PROVIDERS_FILE: good });
    expect(c.limits.bfl).toMatchObject({ concurrency: 2, attempts: 3 });
    expect(c.routes["flux.2-max"]).toEqual(["fal", "bfl"]);

    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ providers: { bfl: { concurrency: -1 } } }));
    expect(problems({ PROVIDERS_FILE: bad })[0]).toMatch(
      /^PROVIDERS_FILE: providers\.bfl\.concurrency/,
    );
    writeFileSync(bad, JSON.stringify({ providers: { acme: {} } }));
    expect(problems({ PROVIDERS_FILE: bad })[0]).toMatch(/^PROVIDERS_FILE:/);
    expect(problems({ PROVIDERS_FILE: join(dir, "missing.json") })[0]).toMatch(/cannot read/);
  });

  it("reads prices and result hosts from PROVIDERS_FILE, keeping them out of the limits", () => {
    const dir = mkdtempSync(join(tmpdir(), "cfg-"));
    const file = join(dir, "prices.json");
    writeFileSync(
      file,
      JSON.stringify({
        providers: {
          local: { price: { per_image_usd: 0.1 } },
          bfl: {
            price: { per_megapixel_usd: 0.05 },
            deliveryHosts: ["cdn.example.com"],
            attempts: 2,
          },
        },
      }),
    );
    const c = loadConfig({ PROVIDERS_FILE: file });
    expect(c.prices.overrides).toEqual({
      local: {
        per_image_usd: 0.1,
        per_megapixel_usd: 0,
        per_input_megapixel_usd: 0,
        min_megapixels: 0,
      },
      bfl: {
        per_image_usd: 0,
        per_megapixel_usd: 0.05,
        per_input_megapixel_usd: 0,
        min_megapixels: 0,
      },
    });
    expect(c.limits.bfl).toEqual({ ...loadConfig({}).limits.bfl, attempts: 2 });
    expect(c.deliveryHosts.bfl).toEqual(["cdn.example.com"]);
    expect(c.deliveryHosts.fal).toContain("fal.media");
    expect(loadConfig({}).prices.overrides).toEqual({});

    writeFileSync(file, JSON.stringify({ providers: { local: { price: { per_image: 1 } } } }));
    expect(problems({ PROVIDERS_FILE: file })[0]).toMatch(
      /^PROVIDERS_FILE: providers\.local\.price/,
    );
    writeFileSync(file, JSON.stringify({ providers: { fal: { deliveryHosts: ["https://x"] } } }));
    expect(problems({ PROVIDERS_FILE: file })[0]).toMatch(
      /^PROVIDERS_FILE: providers\.fal\.deliveryHosts\.0/,
    );
  });

  it("reads the tenant caps and names them when bad", () => {
    expect(loadConfig({})).toMatchObject({ batchMaxLineBytes: 1_048_576, maxStreamsPerKey: 32 });
    expect(loadConfig({ BATCH_MAX_LINE_BYTES: "4096", MAX_STREAMS_PER_KEY: "2" })).toMatchObject({
      batchMaxLineBytes: 4096,
      maxStreamsPerKey: 2,
    });
    const list = problems({ BATCH_MAX_LINE_BYTES: "10", MAX_STREAMS_PER_KEY: "0" });
    expect(list.map((p) => p.split(":")[0]).sort()).toEqual([
      "BATCH_MAX_LINE_BYTES",
      "MAX_STREAMS_PER_KEY",
    ]);
  });
});
