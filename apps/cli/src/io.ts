/** What the commands read and write: stdout for results, stderr for news, stdin for input. */
import type { Readable } from "node:stream";
import type { Client } from "./client";

/** The CLI's streams (injectable for tests). */
export type Io = {
  /** One line of results (stdout). */
  out(line: string): void;
  /** One line of progress or warnings (stderr). */
  err(line: string): void;
  stdin: Readable;
};

/** What each command group gets from the program. */
export type CommandContext = { client: () => Client; io: Io };

/** The process's own streams. */
export function processIo(): Io {
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    stdin: process.stdin,
  };
}

/** An AbortSignal fired by Ctrl-C (SIGINT) until `release()`; a second Ctrl-C is left to Node. */
export function interruptSignal(): { signal: AbortSignal; release(): void } {
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once("SIGINT", onSignal);
  return { signal: controller.signal, release: () => process.off("SIGINT", onSignal) };
}
