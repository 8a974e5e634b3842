/**
 * Configuration: the only reader of `process.env`
 * (docs/architecture.md#configuration). Parsed once at start with zod; every
 * bad variable is reported by name in one ConfigError and the process exits
 * without a stack trace. Packages never read env: they take options built from
 * this object.
 */
import type { ProviderId } from "@imagegate/params";
import { z } from "zod";
import type { PriceTable } from "./prices";
import type { ProviderOrders } from "./provider-order";
import {
  deliveryHostsOf,
  mergeProviderLimits,
  type ProviderLimits,
  priceTableOf,
  readProvidersFile,
} from "./providers-file";
import type { RedisTarget } from "./redis";

/** A boolean variable: true/false, 1/0, yes/no. */
const BoolEnv = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => ["true", "false", "1", "0", "yes", "no", ""].includes(v), {
    message: "expected true or false",
  })
  .transform((v) => v === "true" || v === "1" || v === "yes");

/** A comma-separated list; blanks dropped. */
const CommaList = z.string().transform((v) =>
  v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean),
);

/** A comma list of `host:port` (Redis Cluster seeds, sentinels). */
const HostPortList = CommaList.pipe(
  z.array(
    z
      .string()
      .regex(/^[^\s:]+:\d{1,5}$/, "expected a comma list of host:port")
      .transform((v) => {
        const at = v.lastIndexOf(":");
        return { host: v.slice(0, at), port: Number(v.slice(at + 1)) };
      }),
  ),
);

const Int = (min: number) => z.coerce.number().int().min(min);
const OptionalText = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : undefined));

export const EnvSchema = z
  .object({
    PORT: Int(0).max(65535).default(8080),
    HOST: z.string().default("0.0.0.0"),
    REDIS_URL: z.string().url().default("redis://127.0.0.1:6379"),
    /** Seeds of a Redis Cluster (`host:port,…`); REDIS_URL then only gives credentials and TLS. */
    REDIS_CLUSTER_NODES: HostPortList.default([]),
    /** Sentinels (`host:port,…`) watching the primary REDIS_SENTINEL_NAME. */
    REDIS_SENTINELS: HostPortList.default([]),
    REDIS_SENTINEL_NAME: OptionalText,
    /** BullMQ and key prefix; tests isolate by it. Use `{imagegate}` on Redis Cluster. */
    QUEUE_PREFIX: z.string().min(1).default("imagegate"),
    API_KEYS: CommaList.default([]),
    ADMIN_API_KEY: OptionalText,
    STORAGE: z.enum(["fs", "s3"]).default("fs"),
    STORAGE_DIR: z.string().default("./data/files"),
    /** Base of links the API hands out in fs mode; defaults to http://localhost:$PORT. */
    PUBLIC_BASE_URL: z.string().url().optional(),
    S3_BUCKET: OptionalText,
    S3_REGION: z.string().default("us-east-1"),
    S3_ENDPOINT: z.string().url().optional(),
    S3_FORCE_PATH_STYLE: BoolEnv.default(false),
    /** Public endpoint that presigned links are made for (e.g. MinIO as seen from outside). */
    S3_PUBLIC_URL: z.string().url().optional(),
    AWS_ACCESS_KEY_ID: OptionalText,
    AWS_SECRET_ACCESS_KEY: OptionalText,
    /** Seconds a signed or presigned result link stays valid. */
    URL_TTL_SECONDS: Int(1).default(3600),
    /** HMAC key of fs-mode file links; generated once and kept in Redis when unset. */
    URL_SIGNING_SECRET: OptionalText,
    /** Seconds job records stay readable. */
    JOB_TTL_SECONDS: Int(60).default(604_800),
    /** Milliseconds a synchronous request waits before answering 504 with the job id. */
    SYNC_TIMEOUT_MS: Int(1).default(300_000),
    WEBHOOK_SECRET: z
      .string()
      .trim()
      .regex(/^whsec_[A-Za-z0-9+/=]{32,}$/, "expected whsec_ followed by a base64 key of 24+ bytes")
      .optional(),
    /** Seconds between webhook attempts after the first (Svix-like). */
    WEBHOOK_RETRY_SCHEDULE: CommaList.pipe(
      z.array(z.string().regex(/^\d+$/, "expected whole seconds").transform(Number)).min(1),
    ).default([5, 300, 1800, 7200, 18000, 36000, 36000]),
    WEBHOOK_TIMEOUT_MS: Int(1).default(15_000),
    ALLOW_PRIVATE_URLS: BoolEnv.default(false),
    /** Largest request body of an edit (all images together), bytes. */
    MAX_UPLOAD_BYTES: Int(1024).default(64 * 1024 * 1024),
    /** Largest single input image, bytes (OpenAI's limit). */
    MAX_IMAGE_BYTES: Int(1024).default(50 * 1024 * 1024),
    /** Largest decoded input image, pixels (decompression bomb guard). */
    MAX_INPUT_PIXELS: Int(1).default(40_000_000),
    /** Longest line of a batch input file, bytes; longer lines fail alone, unread. */
    BATCH_MAX_LINE_BYTES: Int(1024).default(1024 * 1024),
    /** Event streams and `?wait` polls one key may have open at once, across replicas. */
    MAX_STREAMS_PER_KEY: Int(1).default(32),
    BFL_API_KEY: OptionalText,
    BFL_BASE_URL: z.string().url().default("https://api.bfl.ai"),
    FAL_KEY: OptionalText,
    FAL_BASE_URL: z.string().url().default("https://queue.fal.run"),
    REPLICATE_API_TOKEN: OptionalText,
    REPLICATE_BASE_URL: z.string().url().default("https://api.replicate.com"),
    OPENAI_API_KEY: OptionalText,
    OPENAI_BASE_URL: z.string().url().default("https://api.openai.com/v1"),
    PROVIDERS_FILE: OptionalText,
    /**
     * Ask fal, Replicate and BFL to call back at PUBLIC_BASE_URL/callbacks/<provider>
     * when a task ends; only when the providers can reach that URL. Polling stays as the fallback.
     */
    PROVIDER_CALLBACKS: BoolEnv.default(false),
    /** Where fal publishes the ED25519 keys its callbacks are signed with. */
    FAL_JWKS_URL: z.string().url().default("https://rest.fal.ai/.well-known/jwks.json"),
    /** Milliseconds a worker holds a job's lock; a crashed worker's jobs are picked up again after it. */
    WORKER_LOCK_MS: Int(1000).default(30_000),
    /** Times a job may stall (its worker died or lost its lock) before it fails with processing_interrupted. */
    WORKER_MAX_STALLS: Int(1).default(5),
    /** Milliseconds a failing store step (storage, record write) is retried after the upstream delivered. */
    STORE_RETRY_WINDOW_MS: Int(0).default(600_000),
    /**
     * Palette of GIF output: 16 dithered colours (fast) or 256 (faithful, ~4× the
     * time); sharp offers nothing between (docs/decisions/0015-lean-hot-path.md).
     */
    GIF_COLOURS: z
      .enum(["16", "256"], { message: "expected 16 or 256" })
      .default("16")
      .transform((v) => (v === "16" ? 16 : 256)),
    /** Milliseconds between reconciler sweeps over open jobs whose queue entry may be gone; 0 = off. */
    RECONCILE_INTERVAL_MS: Int(0).default(30_000),
    /** The worker process's own `/healthz` and `/metrics` port; unset = none (standalone serves them on PORT). */
    WORKER_PORT: Int(0).max(65535).optional(),
    /** Milliseconds between retention sweeps (blobs of expired records); 0 = off (S3 lifecycle rule instead). */
    RETENTION_INTERVAL_MS: Int(0).default(60_000),
    // OpenTelemetry's standard variables: tracing is on when an exporter is named or an
    // OTLP endpoint is set. The SDK reads these (and any other OTEL_*) itself.
    OTEL_SDK_DISABLED: BoolEnv.default(false),
    OTEL_SERVICE_NAME: OptionalText,
    OTEL_TRACES_EXPORTER: OptionalText,
    OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.string().url().optional(),
    OTEL_EXPORTER_OTLP_PROTOCOL: z.enum(["grpc", "http/protobuf", "http/json"]).optional(),
    OTEL_EXPORTER_OTLP_HEADERS: OptionalText,
    OTEL_TRACES_SAMPLER: OptionalText,
    OTEL_TRACES_SAMPLER_ARG: OptionalText,
    OTEL_RESOURCE_ATTRIBUTES: OptionalText,
    LOG_LEVEL: z
      .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
      .default("info"),
  })
  .superRefine((env, ctx) => {
    if (env.REDIS_CLUSTER_NODES.length > 0 && env.REDIS_SENTINELS.length > 0) {
      ctx.addIssue({
        code: "custom",
        path: ["REDIS_SENTINELS"],
        message: "cannot be used together with REDIS_CLUSTER_NODES",
      });
    }
    if (env.REDIS_SENTINELS.length > 0 && !env.REDIS_SENTINEL_NAME) {
      ctx.addIssue({
        code: "custom",
        path: ["REDIS_SENTINEL_NAME"],
        message: "is required when REDIS_SENTINELS is set",
      });
    }
    if (env.STORAGE === "s3" && !env.S3_BUCKET) {
      ctx.addIssue({ code: "custom", path: ["S3_BUCKET"], message: "is required when STORAGE=s3" });
    }
  });

/** Credentials and endpoint of one upstream; `apiKey` undefined = provider disabled. */
export type ProviderCredentials = { apiKey: string | undefined; baseUrl: string };

/** The parsed configuration, grouped; env names stay at this edge. */
export type Config = {
  port: number;
  host: string;
  publicBaseUrl: string;
  redis: RedisTarget;
  queuePrefix: string;
  apiKeys: string[];
  adminApiKey: string | undefined;
  storage:
    | { driver: "fs"; dir: string }
    | {
        driver: "s3";
        bucket: string;
        region: string;
        endpoint: string | undefined;
        forcePathStyle: boolean;
        publicUrl: string | undefined;
        credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
      };
  urlTtlSeconds: number;
  urlSigningSecret: string | undefined;
  jobTtlSeconds: number;
  syncTimeoutMs: number;
  webhooks: { secret: string | undefined; retryScheduleSeconds: number[]; timeoutMs: number };
  allowPrivateUrls: boolean;
  /** Limits on edit inputs. */
  inputs: { maxUploadBytes: number; maxImageBytes: number; maxPixels: number };
  /** Longest batch input line, bytes. */
  batchMaxLineBytes: number;
  /** Open event streams and long polls per key. */
  maxStreamsPerKey: number;
  providers: Record<Exclude<ProviderId, "local">, ProviderCredentials>;
  limits: Record<ProviderId, ProviderLimits>;
  /** Provider completion callbacks (fal, Replicate, BFL) at PUBLIC_BASE_URL. */
  callbacks: { enabled: boolean; falJwksUrl: string };
  /** What images cost per provider and model (PROVIDERS_FILE `price` over the built-in table). */
  prices: PriceTable;
  /** Hosts each provider's result images may be downloaded from. */
  deliveryHosts: Record<ProviderId, string[]>;
  /** Per-model failover order from PROVIDERS_FILE `routes` (catalog order otherwise). */
  routes: ProviderOrders;
  /** BullMQ lock and stalled-check period of the worker role. */
  workerLockMs: number;
  /** Stalls a job survives before it fails (BullMQ maxStalledCount). */
  workerMaxStalls: number;
  /** How long the store step is retried once the upstream delivered. */
  storeRetryWindowMs: number;
  /** Palette size of GIF output. */
  gifColours: 16 | 256;
  /** Period of the reconciler's sweep; 0 = off. */
  reconcileIntervalMs: number;
  /** The worker role's own HTTP port (`/healthz`, `/metrics`); undefined = none. */
  workerPort: number | undefined;
  /** Period of the retention sweeper; 0 = off. */
  retentionIntervalMs: number;
  /** OpenTelemetry tracing: on when OTEL_* names an exporter or endpoint (and the SDK is not disabled). */
  tracing: { enabled: boolean; serviceName: string | undefined };
  logLevel: z.infer<typeof EnvSchema>["LOG_LEVEL"];
};

/** Thrown when configuration is invalid; lists every bad variable. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

/**
 * `loadConfig` for a process entry: a bad value prints every problem to
 * stderr and exits 1 (before any logger exists); anything else is thrown.
 */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

/** Parses the environment into a Config, or throws ConfigError naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings mean "unset" for every variable, as in most .env files.
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ""),
  );
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => `${i.path.join(".") || "env"}: ${i.message}`),
    );
  }
  const e = parsed.data;
  let file: ReturnType<typeof readProvidersFile> | undefined;
  if (e.PROVIDERS_FILE) {
    try {
      file = readProvidersFile(e.PROVIDERS_FILE);
    } catch (err) {
      throw new ConfigError([`PROVIDERS_FILE: ${(err as Error).message}`]);
    }
  }
  const credentials =
    e.AWS_ACCESS_KEY_ID && e.AWS_SECRET_ACCESS_KEY
      ? { accessKeyId: e.AWS_ACCESS_KEY_ID, secretAccessKey: e.AWS_SECRET_ACCESS_KEY }
      : undefined;
  return {
    port: e.PORT,
    host: e.HOST,
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ""),
    redis: {
      url: e.REDIS_URL,
      clusterNodes: e.REDIS_CLUSTER_NODES,
      sentinels: e.REDIS_SENTINELS,
      sentinelName: e.REDIS_SENTINEL_NAME,
    },
    queuePrefix: e.QUEUE_PREFIX,
    apiKeys: e.API_KEYS,
    adminApiKey: e.ADMIN_API_KEY,
    storage:
      e.STORAGE === "s3"
        ? {
            driver: "s3",
            bucket: e.S3_BUCKET as string,
            region: e.S3_REGION,
            endpoint: e.S3_ENDPOINT,
            forcePathStyle: e.S3_FORCE_PATH_STYLE,
            publicUrl: e.S3_PUBLIC_URL,
            credentials,
          }
        : { driver: "fs", dir: e.STORAGE_DIR },
    urlTtlSeconds: e.URL_TTL_SECONDS,
    urlSigningSecret: e.URL_SIGNING_SECRET,
    jobTtlSeconds: e.JOB_TTL_SECONDS,
    syncTimeoutMs: e.SYNC_TIMEOUT_MS,
    webhooks: {
      secret: e.WEBHOOK_SECRET,
      retryScheduleSeconds: e.WEBHOOK_RETRY_SCHEDULE,
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
    },
    allowPrivateUrls: e.ALLOW_PRIVATE_URLS,
    inputs: {
      maxUploadBytes: e.MAX_UPLOAD_BYTES,
      maxImageBytes: e.MAX_IMAGE_BYTES,
      maxPixels: e.MAX_INPUT_PIXELS,
    },
    batchMaxLineBytes: e.BATCH_MAX_LINE_BYTES,
    maxStreamsPerKey: e.MAX_STREAMS_PER_KEY,
    providers: {
      bfl: { apiKey: e.BFL_API_KEY, baseUrl: e.BFL_BASE_URL },
      fal: { apiKey: e.FAL_KEY, baseUrl: e.FAL_BASE_URL },
      replicate: { apiKey: e.REPLICATE_API_TOKEN, baseUrl: e.REPLICATE_BASE_URL },
      openai: { apiKey: e.OPENAI_API_KEY, baseUrl: e.OPENAI_BASE_URL },
    },
    callbacks: { enabled: e.PROVIDER_CALLBACKS, falJwksUrl: e.FAL_JWKS_URL },
    limits: mergeProviderLimits(file),
    prices: priceTableOf(file),
    deliveryHosts: deliveryHostsOf(file),
    routes: file?.routes ?? {},
    workerLockMs: e.WORKER_LOCK_MS,
    workerMaxStalls: e.WORKER_MAX_STALLS,
    storeRetryWindowMs: e.STORE_RETRY_WINDOW_MS,
    gifColours: e.GIF_COLOURS,
    reconcileIntervalMs: e.RECONCILE_INTERVAL_MS,
    workerPort: e.WORKER_PORT,
    retentionIntervalMs: e.RETENTION_INTERVAL_MS,
    tracing: {
      enabled:
        !e.OTEL_SDK_DISABLED &&
        e.OTEL_TRACES_EXPORTER !== "none" &&
        Boolean(
          e.OTEL_TRACES_EXPORTER ||
            e.OTEL_EXPORTER_OTLP_ENDPOINT ||
            e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
        ),
      serviceName: e.OTEL_SERVICE_NAME,
    },
    logLevel: e.LOG_LEVEL,
  };
}

/** Providers with credentials, plus `local`, which is always enabled. */
export function enabledProviders(config: Config): Set<ProviderId> {
  const out = new Set<ProviderId>(["local"]);
  for (const [id, c] of Object.entries(config.providers)) if (c.apiKey) out.add(id as ProviderId);
  return out;
}
