/**
 * Runs the standalone gateway that `pnpm start` runs as a child process on
 * the suite's Redis, a free port and a temp storage dir: from source through
 * tsx by default (what the suite tests), or by the command given (the
 * `start` script itself, compiled-start.test.ts). Not a test file itself.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { freePort, waitFor } from "@imagegate/testkit";

const MAIN = resolve(__dirname, "../../src/main.ts");

/** A running `pnpm start`. */
export type StandaloneProcess = { url: string; child: ChildProcess; stop(): Promise<void> };

/**
 * Starts the standalone gateway with `env` added, as `command` (node with
 * `args` unless `file` names another program) run from `cwd`, in a process
 * group of its own when `detached`; resolves once `/readyz` answers 200.
 */
export async function startStandalone(
  env: Record<string, string> = {},
  command: { file?: string; args: string[]; cwd?: string; detached?: boolean } = {
    args: ["--conditions=@imagegate/source", "--import", "tsx", MAIN],
  },
): Promise<StandaloneProcess> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "imagegate-standalone-"));
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(command.file ?? process.execPath, command.args, {
    cwd: command.cwd,
    detached: command.detached ?? false,
    env: {
      ...process.env,
      REDIS_URL: process.env.REDIS_URL as string,
      QUEUE_PREFIX: `test-${randomUUID()}`,
      PORT: String(port),
      HOST: "127.0.0.1",
      PUBLIC_BASE_URL: url,
      STORAGE_DIR: dir,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "warn",
      ...env,
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  await waitFor(async () => (await fetch(`${url}/readyz`)).status === 200, {
    timeoutMs: 30_000,
    intervalMs: 100,
    message: "pnpm start to be ready",
  });
  return {
    url,
    child,
    async stop() {
      child.kill("SIGTERM");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
