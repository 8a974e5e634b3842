/**
 * Resident memory of a process tree on Linux, from /proc: the gateway may
 * run as several processes, and all of them count.
 */
import { readdirSync, readFileSync } from "node:fs";

function rssKb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function children(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const list = readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").trim();
      if (list) out.push(...list.split(/\s+/).map(Number));
    }
  } catch {
    // The process is gone.
  }
  return out;
}

/** RSS in MB of `pid` and all its descendants. */
function treeRssMb(pid: number): number {
  let kb = 0;
  const todo = [pid];
  while (todo.length > 0) {
    const next = todo.pop() as number;
    kb += rssKb(next);
    todo.push(...children(next));
  }
  return kb / 1024;
}

/** Samples the tree's RSS every `everyMs`; `stop()` returns the peak in MB. */
export function samplePeakRss(pid: number, everyMs = 250): { stop(): number } {
  let peak = treeRssMb(pid);
  const timer = setInterval(() => {
    peak = Math.max(peak, treeRssMb(pid));
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, treeRssMb(pid));
    },
  };
}
