/**
 * How the filesystem driver writes a small new file (docs/decisions/0018-direct-runs.md, 6).
 *
 * - `syncNewFileWriter`: `open(wx)` + write + close with synchronous calls on
 *   the calling thread. Each async fs call is a thread-pool round trip that
 *   costs more CPU than an 11 KB write.
 * - `createOffThreadWriter`: the same calls in a thread of its own, one
 *   message there and back, when `offload()` says other work waits on this
 *   event loop. Creating a file on ext4 blocks in the kernel, for longer
 *   when the cores are contended (tens of µs, some ms): on an API thread
 *   with other requests in flight that is time they all wait. With none,
 *   the hop would only add latency, so the write stays synchronous.
 */
import { closeSync, mkdirSync, openSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { Worker } from "node:worker_threads";
import { codeOf } from "./errors";

/** Writes `body` as the new file `target`; false when it exists already. */
export type NewFileWriter = {
  write(target: string, body: Buffer): boolean | Promise<boolean>;
  /** Waits for the writes in flight and stops what it started. */
  close(): Promise<void>;
};

/**
 * Writes `body` as the new file `target` (its directory made when missing),
 * with synchronous calls; false when `target` exists already. Directories
 * are shared (`jobs/<shard>/`), so most writes make none: the open is tried
 * first, `mkdir` only when it says the directory is missing. A write that
 * fails part-way removes its file.
 */
export function writeNewFileSync(target: string, body: Uint8Array): boolean {
  let fd: number;
  try {
    fd = openSync(target, "wx");
  } catch (err) {
    if (codeOf(err) === "EEXIST") return false;
    if (codeOf(err) !== "ENOENT") throw err;
    mkdirSync(dirname(target), { recursive: true });
    return writeNewFileSync(target, body);
  }
  try {
    writeFileSync(fd, body);
  } catch (err) {
    closeSync(fd);
    rmSync(target, { force: true });
    throw err;
  }
  closeSync(fd);
  return true;
}

/** Synchronous writes on the calling thread. */
export const syncNewFileWriter: NewFileWriter = {
  write: writeNewFileSync,
  close: async () => {},
};

/**
 * The writer thread: `writeNewFileSync` once more, in plain JavaScript, so
 * the thread starts without a TypeScript loader (from source or built alike).
 * The two are kept in step by one table of tests that runs both
 * (`test/integration/new-file-writer.test.ts`).
 */
const THREAD_SOURCE = `
const { parentPort } = require("node:worker_threads");
const { closeSync, mkdirSync, openSync, rmSync, writeFileSync } = require("node:fs");
const { dirname } = require("node:path");
function write(target, body) {
  let fd;
  try {
    fd = openSync(target, "wx");
  } catch (err) {
    if (err.code === "EEXIST") return false;
    if (err.code !== "ENOENT") throw err;
    mkdirSync(dirname(target), { recursive: true });
    return write(target, body);
  }
  try {
    writeFileSync(fd, body);
  } catch (err) {
    closeSync(fd);
    rmSync(target, { force: true });
    throw err;
  }
  closeSync(fd);
  return true;
}
parentPort.on("message", ({ id, target, body }) => {
  try {
    parentPort.postMessage({ id, created: write(target, body) });
  } catch (err) {
    parentPort.postMessage({ id, error: { message: err.message, code: err.code } });
  }
});
`;

type Reply = { id: number; created?: boolean; error?: { message: string; code?: string } };

/** Options of `createOffThreadWriter`. */
export type OffThreadWriterOptions = {
  /** Asked at each write: true sends it to the thread. @defaultValue always true */
  offload?: () => boolean;
};

/**
 * A writer that moves small-file writes off a busy event loop into a thread
 * of its own (when `offload()` says so). A thread that dies fails the writes
 * it held; later writes are made synchronously.
 */
export function createOffThreadWriter(options: OffThreadWriterOptions = {}): NewFileWriter {
  const offload = options.offload ?? (() => true);
  // No loader flags: the thread is plain JavaScript.
  let thread: Worker | null = new Worker(THREAD_SOURCE, { eval: true, execArgv: [] });
  // The writes in flight, by id: their answer, and how a reply settles it.
  const pending = new Map<number, { settle: (reply: Reply) => void; done: Promise<boolean> }>();
  let lastId = 0;
  // Referenced only while a write is in flight: an idle writer never keeps the process up.
  thread.unref();
  const settle = (reply: Reply) => {
    const waiter = pending.get(reply.id);
    if (!waiter) return;
    pending.delete(reply.id);
    if (pending.size === 0) thread?.unref();
    waiter.settle(reply);
  };
  const fail = (err: Error) => {
    thread = null;
    for (const id of [...pending.keys()]) settle({ id, error: { message: err.message } });
  };
  thread.on("message", settle);
  thread.on("error", fail);
  thread.on("exit", (code) => fail(new Error(`the file writer thread exited (${code})`)));

  return {
    write(target, body) {
      if (!thread || !offload()) return writeNewFileSync(target, body);
      const worker = thread;
      const id = ++lastId;
      // A copy of exactly the body, moved rather than copied again (a Buffer may view a larger pool).
      const copy = new Uint8Array(body);
      let settleWrite: (reply: Reply) => void = () => {};
      const done = new Promise<boolean>((resolve, reject) => {
        settleWrite = ({ created, error }) =>
          error
            ? reject(Object.assign(new Error(error.message), { code: error.code }))
            : resolve(created === true);
      });
      pending.set(id, { settle: settleWrite, done });
      if (pending.size === 1) worker.ref();
      worker.postMessage({ id, target, body: copy }, [copy.buffer]);
      return done;
    },
    async close() {
      await Promise.allSettled([...pending.values()].map((w) => w.done));
      const worker = thread;
      thread = null;
      await worker?.terminate();
    },
  };
}
