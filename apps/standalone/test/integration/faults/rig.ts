/**
 * The fault rig: a gateway whose faults are injected from outside, as an
 * operator would meet them — worker processes killed with SIGKILL, the
 * storage directory taken away, Redis restarted, a lock deleted — plus the
 * invariants every fault test checks for every job (docs/guarantees.md):
 * it ends; each (job, call) has exactly one accepted upstream task; the
 * images stored are the images paid for. Not a test file itself.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import type { FakeTask, Json } from "@imagegate/testkit";
import { waitFor } from "@imagegate/testkit";
import type { TestGateway } from "../gateway";

const WORKER_MAIN = resolve(__dirname, "../../../../worker/src/main.ts");

/** One pino line of a worker process. */
type LogLine = { msg: string; jobId?: string; [key: string]: unknown };

/** A worker role in its own process, to be killed. */
export type WorkerProcess = {
  child: ChildProcess;
  logs: LogLine[];
  /** Resolves with the first log line (past or future) with message `msg` for `jobId`. */
  waitForLog(msg: string, jobId?: string, timeoutMs?: number): Promise<LogLine>;
  /** SIGKILL, and wait until it is gone. */
  kill(): Promise<void>;
};

/** Starts `apps/worker` as a child process with `env` (logs at info, as JSON lines). */
export function startWorkerProcess(env: Record<string, string>): WorkerProcess {
  const child = spawn(
    process.execPath,
    ["--conditions=@imagegate/source", "--import", "tsx", WORKER_MAIN],
    { env: { ...process.env, ...env, LOG_LEVEL: "info" }, stdio: ["ignore", "pipe", "inherit"] },
  );
  const logs: LogLine[] = [];
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
    try {
      logs.push(JSON.parse(line) as LogLine);
    } catch {
      // Not a log line.
    }
  });
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  return {
    child,
    logs,
    async waitForLog(msg, jobId, timeoutMs = 20_000) {
      const find = () => logs.find((l) => l.msg === msg && (!jobId || l.jobId === jobId));
      await waitFor(() => find() !== undefined || gone(), {
        timeoutMs,
        intervalMs: 10,
        message: `worker log "${msg}"`,
      });
      const line = find();
      if (!line) throw new Error(`the worker exited before logging "${msg}"`);
      return line;
    },
    async kill() {
      if (gone()) return;
      const exited = once(child, "exit");
      child.kill("SIGKILL");
      await exited;
    },
  };
}

/** The fs storage directory of a test gateway. */
export function storageDirOf(gateway: TestGateway): string {
  const storage = gateway.config.storage;
  if (storage.driver !== "fs") throw new Error("the fault rig needs fs storage");
  return storage.dir;
}

/**
 * The storage directory as a fault: `takeAway()` moves it aside and leaves a
 * file in its place (every write fails with ENOTDIR, as a lost mount does);
 * `giveBack()` restores it.
 */
export function storageFault(dir: string) {
  const aside = `${dir}.away`;
  return {
    takeAway(): void {
      mkdirSync(dir, { recursive: true });
      renameSync(dir, aside);
      writeFileSync(dir, "storage is down");
    },
    giveBack(): void {
      if (!existsSync(aside)) return;
      rmSync(dir, { force: true });
      renameSync(aside, dir);
    },
  };
}

/** A job's public object, read until it is final. */
export async function finalJob(
  gateway: TestGateway,
  id: string,
  timeoutMs = 30_000,
): Promise<Json> {
  let job: Json = {};
  await waitFor(
    async () => {
      job = (await gateway.get(`/v1/jobs/${id}`)).body;
      return ["succeeded", "failed", "canceled"].includes(job.status);
    },
    { timeoutMs, intervalMs: 50, message: `job ${id} to end` },
  );
  return job;
}

/** Submits an async generation; returns its job id. */
export async function submitAsync(gateway: TestGateway, body: Record<string, unknown>) {
  const res = await gateway.post("/v1/images/generations", body, { prefer: "respond-async" });
  if (res.status !== 202)
    throw new Error(`submit answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

/** The upstream tasks a fake accepted for one job, told apart by the job's unique prompt. */
export function tasksOf(tasks: readonly FakeTask[], prompt: string): FakeTask[] {
  return tasks.filter((t) => t.input.prompt === prompt);
}

/**
 * The invariants of docs/guarantees.md for a job that should have succeeded:
 * it ended `succeeded`; each call (one seed per call) has exactly one
 * accepted upstream task; the images stored are the images paid for, and
 * each can be fetched; the ledger agrees with the upstream.
 */
export async function expectPaidOnce(
  job: Json,
  upstreamTasks: readonly FakeTask[],
  n = 1,
): Promise<void> {
  expect(job.status).toBe("succeeded");
  const paid = tasksOf(upstreamTasks, job.request.prompt);
  const perCall = new Map<unknown, number>();
  for (const task of paid) perCall.set(task.input.seed, (perCall.get(task.input.seed) ?? 0) + 1);
  expect([...perCall.values()]).toEqual(new Array(n).fill(1));
  expect(job.result.data).toHaveLength(paid.length);
  for (const image of job.result.data as { url: string }[]) {
    expect((await fetch(image.url)).status).toBe(200);
  }
  const ledger = job.upstream_tasks as Json[];
  expect(ledger.map((t) => t.state)).toEqual(new Array(n).fill("succeeded"));
  expect(new Set(ledger.map((t) => t.task_id))).toEqual(new Set(paid.map((t) => t.id)));
}
