/** Runs a bench server in its own process (so the load generator does not share its event loop). */
import { type ChildProcess, spawn } from "node:child_process";
import { join, resolve } from "node:path";

/** A server process started for a bench. */
export type BenchServer = {
  port: number;
  url: string;
  pid: number;
  /** The line that said it was ready (servers may print more there). */
  readyLine: string;
  stop(): Promise<void>;
};

/** Node's flags in the start scripts (package.json): the young generation's size. */
const START_FLAGS = ["--max-semi-space-size=32"];

/** The node arguments of `pnpm start`: its flags and the standalone's build (bench/run.ts builds it). */
const STANDALONE_ARGS = [...START_FLAGS, resolve(__dirname, "../apps/standalone/dist/main.js")];

/**
 * Runs `pnpm start`'s build on `port` with `env` added (logs at warn, to
 * stderr); the caller waits for it to be ready.
 */
export function spawnStandalone(port: number, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, STANDALONE_ARGS, {
    env: { ...process.env, LOG_LEVEL: "warn", ...env, PORT: String(port), HOST: "127.0.0.1" },
    stdio: ["ignore", "ignore", "inherit"],
  });
}

/** Sends SIGTERM, then SIGKILL after `graceMs`; resolves once `child` has exited. */
export async function stopChild(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  setTimeout(() => child.kill("SIGKILL"), graceMs).unref();
  await exited;
}

/**
 * Starts `servers/<name>.ts` with tsx and waits for its `ready <port>` line.
 * The gateway runs the workspace's compiled build, as `pnpm start` and the
 * Docker images do (`bench/run.ts` builds it first; docs/decisions/0019-compiled-start.md);
 * the fakes and the baseline are single files of their own, run from source.
 */
export async function startServer(name: string, env: Record<string, string>): Promise<BenchServer> {
  const gateway = name === "gateway";
  const child: ChildProcess = spawn(
    process.execPath,
    // The gateway with its start scripts' young generation (package.json); the
    // baseline and fakes on Node's defaults (the flag made the bare baseline
    // ~5 % slower in an A/B, so giving it the flag would flatter the ratio).
    [
      ...(gateway ? START_FLAGS : ["--conditions=@imagegate/source"]),
      "--import",
      "tsx",
      join(__dirname, "servers", `${name}.ts`),
    ],
    { env: { ...process.env, LOG_LEVEL: "silent", ...env }, stdio: ["ignore", "pipe", "inherit"] },
  );
  const [port, readyLine] = await new Promise<[number, string]>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const m = /^.*ready (\d+).*$/m.exec(out);
      if (m) resolve([Number(m[1]), m[0]]);
    });
    child.once("exit", (code) =>
      reject(new Error(`${name} exited with ${code} before it was ready`)),
    );
  });
  return {
    port,
    pid: child.pid as number,
    url: `http://127.0.0.1:${port}`,
    readyLine,
    stop: () => stopChild(child),
  };
}
