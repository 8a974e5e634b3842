/**
 * The production shape, checked by reading: no Docker engine runs on these
 * machines, so the compose file and Dockerfile are parsed and held to what
 * DESIGN §1–3 require.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse } from "yaml";

type Service = {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  entrypoint?: string[] | string;
  environment?: Record<string, string>;
  ports?: string[];
  container_name?: string;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  stop_grace_period?: string;
};

const root = resolve(__dirname, "../../..");
const compose = parse(readFileSync(resolve(root, "docker-compose.yml"), "utf8"), {
  merge: true,
}) as {
  services: Record<string, Service>;
};
const dockerfile = readFileSync(resolve(root, "Dockerfile"), "utf8");

/** Resolves `${VAR:-default}` to its default, as compose does with VAR unset. */
function withDefaults(value: string | undefined): string | undefined {
  return value?.replace(/\$\{[A-Z0-9_]+:-([^}]*)\}/g, "$1");
}

function service(name: string): Service {
  const s = compose.services[name];
  if (!s) throw new Error(`service ${name} missing`);
  return s;
}

function env(name: string): Record<string, string | undefined> {
  const raw = service(name).environment ?? {};
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, withDefaults(String(v))]));
}

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

  it("runs Redis with AOF and a healthcheck", () => {
    const redis = service("redis");
    expect([redis.command].flat().join(" ")).toMatch(/--appendonly yes/);
    expect(redis.healthcheck?.test.join(" ")).toContain("redis-cli ping");
  });

  it("creates the bucket the apps use, once MinIO is healthy", () => {
    const init = service("minio-init");
    const script = [init.entrypoint].flat().join(" ");
    expect(script).toMatch(/mc mb --ignore-existing "local\/\$\$S3_BUCKET"/);
    expect(withDefaults(init.environment?.S3_BUCKET)).toBe(env("api").S3_BUCKET);
    expect(init.depends_on?.minio?.condition).toBe("service_healthy");
  });

  it("exposes the API on 8080 and leaves the worker scalable", () => {
    expect(service("api").ports).toContain("8080:8080");
    const worker = service("worker");
    expect(worker.ports).toBeUndefined();
    expect(worker.container_name).toBeUndefined();
    expect(String(worker.stop_grace_period)).toMatch(/^\d+s$/);
  });

  it.each(["api", "worker"])("wires %s to Redis and to MinIO through the S3 driver", (name) => {
    const e = env(name);
    expect(e.REDIS_URL).toBe("redis://redis:6379");
    expect(e.STORAGE).toBe("s3");
    expect(e.S3_ENDPOINT).toBe("http://minio:9000");
    expect(e.S3_FORCE_PATH_STYLE).toBe("true");
    expect(e.S3_PUBLIC_URL).toMatch(/^http:\/\/localhost:9000/);
    expect(e.S3_BUCKET).toBeTruthy();
    const minio = service("minio").environment ?? {};
    expect(e.AWS_ACCESS_KEY_ID).toBe(withDefaults(minio.MINIO_ROOT_USER));
    expect(e.AWS_SECRET_ACCESS_KEY).toBe(withDefaults(minio.MINIO_ROOT_PASSWORD));
    for (const key of [
      "BFL_API_KEY",
      "FAL_KEY",
      "REPLICATE_API_TOKEN",
      "OPENAI_API_KEY",
      "API_KEYS",
    ]) {
      expect(service(name).environment?.[key]).toBe(`\${${key}:-}`);
    }
    const deps = service(name).depends_on ?? {};
    expect(deps.redis?.condition).toBe("service_healthy");
    expect(deps["minio-init"]?.condition).toBe("service_completed_successfully");
  });

  it("runs the api and worker roles from one image", () => {
    expect(service("api").image).toBe(service("worker").image);
    expect([service("api").command].flat().join(" ")).toContain("api/dist/main.js");
    expect([service("worker").command].flat().join(" ")).toContain("worker/dist/main.js");
  });
});

describe("Dockerfile", () => {
  it("is multi-stage on Node 24 LTS and runs as a non-root user", () => {
    const froms = dockerfile.match(/^FROM\s+\S+/gm) ?? [];
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const from of froms) expect(from).toMatch(/node:24/);
    expect(dockerfile).toMatch(/^USER\s+node\s*$/m);
  });

  it("installs with the frozen lockfile and never uses corepack", () => {
    expect(dockerfile).toContain("pnpm install --frozen-lockfile");
    expect(dockerfile).not.toMatch(/^\s*RUN .*corepack/m);
    expect(dockerfile).toContain("npm install -g pnpm@10");
  });

  it("deploys both apps and checks health", () => {
    expect(dockerfile).toMatch(/deploy --prod .*\/out\/api/);
    expect(dockerfile).toMatch(/deploy --prod .*\/out\/worker/);
    expect(dockerfile).toMatch(/HEALTHCHECK[\s\S]*\/healthz/);
  });
});
