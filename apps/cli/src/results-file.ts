/**
 * `results.jsonl`, the record of a run in its output folder: one line per
 * item outcome, appended as each ends, so an interrupted run can be resumed
 * by skipping what already succeeded (the last line of an item wins).
 */
import { appendFile, readFile } from "node:fs/promises";

/** One line of results.jsonl. */
export type ResultLine = {
  custom_id: string;
  status: string;
  job_id: string | null;
  files: string[];
  error: string | null;
};

/** The custom_ids whose latest line in `text` says they succeeded. */
export function succeededIds(text: string): Set<string> {
  const done = new Set<string>();
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      const r = JSON.parse(line) as ResultLine;
      if (r.status === "succeeded") done.add(r.custom_id);
      else done.delete(r.custom_id);
    } catch {
      // A line cut short by an interrupted run: the item is simply redone.
    }
  }
  return done;
}

/** The custom_ids that already succeeded, from an earlier run's results file (none when absent). */
export async function finishedIds(path: string): Promise<Set<string>> {
  try {
    return succeededIds(await readFile(path, "utf8"));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return new Set();
    throw err;
  }
}

/** Appends one outcome. */
export function appendResult(path: string, line: ResultLine): Promise<void> {
  return appendFile(path, `${JSON.stringify(line)}\n`);
}
