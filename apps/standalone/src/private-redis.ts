/**
 * The embedded Redis of `pnpm start` (docs/architecture.md#processes): when
 * nothing answers at a local REDIS_URL and `redis-server` is on PATH, start a
 * private one on that port with its data (AOF) under ./data/redis, and stop it
 * on exit.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { pingRedis } from "@imagegate/jobs";

/** A Redis we started, or null when one was already there. */
export type PrivateRedis = { process: ChildProcess; stop(): Promise<void> } | null;

const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

function onPath(command: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

/** Makes sure Redis answers at `url`; starts a private one if it may. Throws a clear message otherwise. */
export async function ensureRedis(url: string, dataDir = "./data/redis"): Promise<PrivateRedis> {
  if (await pingRedis(url)) return null;
  const parsed = new URL(url);
  if (!LOCAL_HOSTS.has(parsed.hostname)) {
    throw new Error(
      `Nothing answers at REDIS_URL=${url}. Start Redis there or point REDIS_URL at a running one.`,
    );
  }
  if (!onPath("redis-server")) {
    throw new Error(
      `Nothing answers at REDIS_URL=${url} and redis-server is not on PATH.\n` +
        "Install Redis (Debian/Ubuntu: apt install redis-server; macOS: brew install redis) or set REDIS_URL.",
    );
  }
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const port = parsed.port || "6379";
  const child = spawn(
    "redis-server",
    ["--port", port, "--bind", "127.0.0.1", "--dir", dir, "--appendonly", "yes", "--save", ""],
    { stdio: "ignore" },
  );
  const started = Date.now();
  while (!(await pingRedis(url, 200))) {
    if (child.exitCode !== null || Date.now() - started > 10_000) {
      child.kill("SIGKILL");
      throw new Error(`redis-server did not start on port ${port} (exit code ${child.exitCode}).`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    process: child,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once("exit", () => done());
        child.kill("SIGTERM");
      }),
  };
}
