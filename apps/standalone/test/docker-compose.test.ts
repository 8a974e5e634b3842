/**
 * The production shape, checked by reading: no Docker engine runs on these
 * machines, so docker-compose.yml, the Dockerfile and .env.example are parsed
 * and held to docs/architecture.md#processes,
 * docs/architecture.md#configuration and the real config schema (`loadConfig`).
 */
import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { EnvSchema, loadConfig } from "@imagegate/jobs";
import { parse } from "yaml";

type Service = {
  image?: string;
  build?: { context: string; target?: string };
  command?: string[] | string;
  entrypoint?: string[] | string;
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  container_name?: string;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  stop_grace_period?: string;
  restart?: string;
};

const root = resolve(__dirname, "../../..");
const read = (file: string) => readFileSync(resolve(root, file), "utf8");
const compose = parse(read("docker-compose.yml"), { merge: true }) as {
  services: Record<string, Service>;
};
const envNames = Object.keys(EnvSchema.shape);

/** What a user puts in `.env` for the variables compose requires (`${VAR:?…}`). */
const REQUIRED: Record<string, string> = {
  API_KEYS: "sk-a,sk-b",
  ADMIN_API_KEY: "admin-key",
  MINIO_ROOT_USER: "imagegate",
  MINIO_ROOT_PASSWORD: "a-long-secret",
};

/**
 * Resolves `${VAR:-default}` to its default, as compose does with VAR unset,
 * and `${VAR:?message}` to the value a user must set (compose refuses to start without it).
 */
function withDefaults(value: string | undefined): string | undefined {
  return value
    ?.replace(/\$\{[A-Z0-9_]+:-([^}]*)\}/g, "$1")
    .replace(/\$\{([A-Z0-9_]+):\?[^}]*\}/g, (_m, name: string) => REQUIRED[name] ?? "");
}

function service(name: string): Service {
  const s = compose.services[name];
  if (!s) throw new Error(`service ${name} missing`);
  return s;
}

function env(name: string): Record<string, string> {
  const raw = service(name).environment ?? {};
  return Object.fromEntries(
    Object.entries(raw).map(([k, v]) => [k, withDefaults(String(v)) ?? ""]),
  );
}

const words = (value: string[] | string | undefined) => [value].flat().join(" ");

/** `60s`, `1m30s`, `2m` → seconds. */
function seconds(duration: string | undefined): number {
  const m = /^(?:(\d+)m)?(?:(\d+)s)?$/.exec(String(duration ?? ""));
  return m ? Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0) : 0;
}

/** The Dockerfile as instructions (comments dropped, `\` continuations joined), by stage. */
const instructions = read("Dockerfile")
  .replace(/\\\n/g, " ")
  .split("\n")
  .map((line) => line.trim())
  .filter((line) => line !== "" && !line.startsWith("#"));
const stages = new Map<string, string[]>();
const froms: string[] = [];
for (const line of instructions) {
  const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
  if (from) {
    froms.push(from[1] ?? "");
    stages.set(from[2] ?? `#${froms.length}`, []);
  }
  [...stages.values()].at(-1)?.push(line);
}
const stage = (name: string) => (stages.get(name) ?? []).join("\n");

describe("docker-compose.yml", () => {
  it("has redis, minio, minio-init, api and worker", () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      "api",
      "minio",
      "minio-init",
      "redis",
      "worker",
    ]);
  });

  it("runs Redis with AOF on a volume, with a healthcheck", () => {
    const redis = service("redis");
    expect(words(redis.command)).toMatch(/--appendonly yes/);
    expect(redis.volumes?.some((v) => v.endsWith(":/data"))).toBe(true);
    expect(words(redis.healthcheck?.test)).toContain("redis-cli ping");
  });

  it("runs MinIO on a volume with a healthcheck, its console not published", () => {
    const minio = service("minio");
    expect(words(minio.command)).toBe("server /data");
    expect(minio.volumes?.some((v) => v.endsWith(":/data"))).toBe(true);
    expect(minio.healthcheck?.test).toBeDefined();
  });

  it("creates the bucket the apps use with MinIO's root account, once MinIO is healthy", () => {
    const init = service("minio-init");
    const script = words(init.entrypoint);
    expect(script).toContain('mc alias set local http://minio:9000 "$$MINIO_ROOT_USER"');
    expect(script).toContain('mc mb --ignore-existing "local/$$S3_BUCKET"');
    expect(env("minio-init").S3_BUCKET).toBe(env("api").S3_BUCKET);
    expect(env("minio-init").MINIO_ROOT_USER).toBe(env("minio").MINIO_ROOT_USER);
    expect(init.depends_on?.minio?.condition).toBe("service_healthy");
    expect(init.restart).not.toBe("unless-stopped");
  });

  it("publishes the API on 8080 and leaves the worker scalable", () => {
    expect(service("api").ports).toContain("8080:8080");
    const worker = service("worker");
    expect(worker.ports).toBeUndefined();
    expect(worker.container_name).toBeUndefined();
    expect(seconds(worker.stop_grace_period)).toBeGreaterThanOrEqual(30);
  });

  it.each(["redis", "minio", "api", "worker"])("restarts %s unless stopped", (name) => {
    expect(service(name).restart).toBe("unless-stopped");
  });

  it.each(["api", "worker"])("wires %s to Redis and to MinIO through the S3 driver", (name) => {
    const e = env(name);
    expect(e.REDIS_URL).toBe("redis://redis:6379");
    expect(e.WORKER_PORT).toBe("8081");
    expect(e.STORAGE).toBe("s3");
    expect(e.S3_BUCKET).toBe("imagegate");
    expect(e.S3_ENDPOINT).toBe("http://minio:9000");
    expect(e.S3_FORCE_PATH_STYLE).toBe("true");
    expect(e.S3_PUBLIC_URL).toBe("http://localhost:9000");
    expect(e.PUBLIC_BASE_URL).toBe("http://localhost:8080");
    const minio = env("minio");
    expect(e.AWS_ACCESS_KEY_ID).toBe(minio.MINIO_ROOT_USER);
    expect(e.AWS_SECRET_ACCESS_KEY).toBe(minio.MINIO_ROOT_PASSWORD);
    const raw = service(name).environment ?? {};
    for (const key of ["BFL_API_KEY", "FAL_KEY", "REPLICATE_API_TOKEN", "OPENAI_API_KEY"]) {
      expect(raw[key]).toBe(`\${${key}:-}`);
    }
    expect(raw.LOG_LEVEL).toMatch(/^\$\{LOG_LEVEL:-/);
    const deps = service(name).depends_on ?? {};
    expect(deps.redis?.condition).toBe("service_healthy");
    expect(deps["minio-init"]?.condition).toBe("service_completed_successfully");
  });

  it.each(["api", "worker"])("gives %s only variables the config knows, and valid ones", (name) => {
    expect(Object.keys(env(name)).filter((k) => !envNames.includes(k))).toEqual([]);
    const config = loadConfig(env(name));
    expect(config.redis.url).toBe("redis://redis:6379");
    expect(config.storage).toMatchObject({
      driver: "s3",
      bucket: "imagegate",
      forcePathStyle: true,
      credentials: { accessKeyId: "imagegate" },
    });
  });

  it.each(["api", "worker"])("builds %s from its own Dockerfile target", (name) => {
    const s = service(name);
    expect(s.build).toEqual({ context: ".", target: name });
    expect(stages.has(name)).toBe(true);
    expect(words(s.command)).toBe("node dist/main.js");
  });
});

describe("docker-compose.yml for operators", () => {
  const images = Object.entries(compose.services).flatMap(([name, s]) =>
    s.image && !s.build ? [[name, s.image] as const] : [],
  );

  it.each(images)("pins %s to a versioned tag (%s)", (_name, image) => {
    const tag = image.slice(image.lastIndexOf(":") + 1);
    expect(image).toContain(":");
    expect(tag).not.toMatch(/^(latest|stable|edge)$/);
    expect(tag).toMatch(/\d+\.\d+|RELEASE\.\d{4}-\d{2}-\d{2}/);
  });

  it("forwards every variable of the config to both roles", () => {
    for (const name of ["api", "worker"]) {
      const forwarded = Object.keys(service(name).environment ?? {});
      expect(envNames.filter((v) => !forwarded.includes(v))).toEqual([]);
    }
  });

  it("turns auth on: API keys, the admin key and the S3 account must be set, no defaults", () => {
    const raw = service("api").environment ?? {};
    expect(raw.API_KEYS).toMatch(/^\$\{API_KEYS:\?/);
    expect(raw.ADMIN_API_KEY).toMatch(/^\$\{ADMIN_API_KEY:\?/);
    expect(raw.AWS_SECRET_ACCESS_KEY).toMatch(/^\$\{MINIO_ROOT_PASSWORD:\?/);
    const minio = service("minio").environment ?? {};
    expect(minio.MINIO_ROOT_USER).toMatch(/^\$\{MINIO_ROOT_USER:\?/);
    expect(minio.MINIO_ROOT_PASSWORD).toMatch(/^\$\{MINIO_ROOT_PASSWORD:\?/);
    expect(loadConfig(env("api")).apiKeys).toEqual(["sk-a", "sk-b"]);
  });

  it("publishes nothing with a credential beyond the host's loopback, and not Redis at all", () => {
    expect(service("redis").ports).toBeUndefined();
    expect(service("minio").ports).toEqual(["127.0.0.1:9000:9000"]);
    expect(service("api").ports).toEqual(["8080:8080"]);
  });
});

describe("Dockerfile", () => {
  it("is multi-stage on Node 24 LTS (Debian, for sharp), each stage an image or an earlier stage", () => {
    expect(froms.length).toBeGreaterThanOrEqual(2);
    const names = [...stages.keys()];
    froms.forEach((image, i) => {
      if (!names.slice(0, i).includes(image)) expect(image).toMatch(/^node:24(-bookworm)?-slim$/);
    });
  });

  it("installs package.json's pnpm from npm with the frozen lockfile, never Corepack", () => {
    const all = instructions.join("\n");
    const { packageManager } = JSON.parse(read("package.json")) as { packageManager: string };
    expect(packageManager).toMatch(/^pnpm@10\.\d+\.\d+$/);
    expect(all).toContain(`npm install -g ${packageManager}`);
    expect(all).toContain("pnpm install --frozen-lockfile");
    expect(all).not.toMatch(/corepack/i);
  });

  it("copies every workspace manifest before installing", () => {
    const install = instructions.findIndex((l) => l.includes("pnpm install"));
    const copied = instructions.slice(0, install).filter((l) => l.startsWith("COPY"));
    const manifests = ["apps", "packages"].flatMap((group) =>
      readdirSync(resolve(root, group)).map((name) => `${group}/${name}/package.json`),
    );
    const rootFiles = ["pnpm-lock.yaml", "package.json", ".npmrc", "bench/package.json"];
    for (const file of [...rootFiles, ...manifests]) {
      expect(copied.some((l) => l.split(/\s+/).includes(file))).toBe(true);
    }
  });

  it.each(["api", "worker"])("deploys %s's production tree into its own stage", (name) => {
    expect(stage("build")).toMatch(
      new RegExp(`--filter @imagegate/${name} deploy --prod --legacy .*/out/${name}\\b`),
    );
    expect(stage(name)).toMatch(new RegExp(`COPY --from=build .*/out/${name} /app`));
    expect(stage(name)).toMatch(/^USER node$/m);
    expect(stage(name)).toContain('CMD ["node", "dist/main.js"]');
  });

  it("runs both roles with the start scripts' young generation (package.json)", () => {
    const scripts = (JSON.parse(read("package.json")) as { scripts: Record<string, string> })
      .scripts;
    const flag = /--max-semi-space-size=\d+/.exec(scripts.start ?? "")?.[0];
    expect(flag).toBeDefined();
    expect(scripts["start:api"]).toContain(` ${flag} `);
    expect(scripts["start:worker"]).toContain(` ${flag} `);
    expect(stage("runtime")).toMatch(new RegExp(`^ENV NODE_OPTIONS=${flag}$`, "m"));
  });

  it("checks each role's own /healthz: the API's on PORT, the worker's on WORKER_PORT", () => {
    expect(stage("api")).toMatch(/^EXPOSE 8080$/m);
    expect(stage("api")).toMatch(/^HEALTHCHECK .*fetch\(.*process\.env\.PORT.*\/healthz/m);
    expect(stage("worker")).toMatch(/^ENV WORKER_PORT=8081$/m);
    expect(stage("worker")).toMatch(/^EXPOSE 8081$/m);
    expect(stage("worker")).toMatch(
      /^HEALTHCHECK .*fetch\(.*process\.env\.WORKER_PORT.*\/healthz/m,
    );
    expect(stage("runtime")).toMatch(/^ENV NODE_ENV=production$/m);
  });

  it("keeps host builds and secrets out of the context", () => {
    const ignored = read(".dockerignore").split("\n");
    for (const entry of ["**/node_modules", "**/dist", ".git", ".env"]) {
      expect(ignored).toContain(entry);
    }
  });
});

describe(".env.example", () => {
  const example = Object.fromEntries(
    read(".env.example")
      .split("\n")
      .filter((line) => /^[A-Z0-9_]+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );

  it("lists every variable of the config schema, and no other", () => {
    expect(Object.keys(example).sort()).toEqual([...envNames].sort());
  });

  it("shows the defaults: loading it gives the same config as an empty environment", () => {
    expect(loadConfig(example)).toEqual(loadConfig({}));
  });
});
