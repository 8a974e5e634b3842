/**
 * The progress bar of long CLI work: done and failed counts, rate and ETA,
 * on stderr so stdout stays for results. Without a terminal (CI logs) it
 * prints a plain line every few seconds instead of redrawing.
 */
import { SingleBar } from "cli-progress";

/** A progress display. */
export type Progress = { update(done: number, failed: number): void; stop(): void };

/** Options of a progress display. */
export type ProgressOptions = {
  total: number;
  initial?: number;
  enabled?: boolean;
  stream?: NodeJS.WriteStream;
};

/** Creates a progress bar (or a quiet one when disabled). */
export function createProgress(options: ProgressOptions): Progress {
  if (options.enabled === false) return { update() {}, stop() {} };
  const stream = options.stream ?? process.stderr;
  const started = Date.now();
  const initial = options.initial ?? 0;
  const bar = new SingleBar({
    stream,
    format:
      "{bar} {value}/{total} | done {done} | failed {failed} | {rate}/s | ETA {eta_formatted}",
    noTTYOutput: true,
    notTTYSchedule: 2000,
    hideCursor: true,
    etaBuffer: 50,
  });
  bar.start(options.total, initial, { done: initial, failed: 0, rate: "0.0" });
  return {
    update(done, failed) {
      const seconds = Math.max(0.001, (Date.now() - started) / 1000);
      const rate = ((done + failed - initial) / seconds).toFixed(1);
      bar.update(done + failed, { done, failed, rate });
    },
    stop() {
      bar.stop();
    },
  };
}
