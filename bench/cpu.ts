/** CPU time of a bench's server processes, read from Linux `/proc`. */
import { readFileSync } from "node:fs";

/** CPU time (user + system, all threads) process `pid` has used so far, in ms; 0 where `/proc` is not. */
export function cpuMsOf(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    // Fields 14 and 15 of /proc/<pid>/stat, in clock ticks (100 a second on Linux).
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}
