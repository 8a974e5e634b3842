/**
 * The state every fake upstream shares: its async tasks (each finishes after
 * `taskMs`, or ends moderated or failed when told to), the faults queued for
 * the next submits (an HTTP error, a 429 with Retry-After), polls, result
 * fetches and downloads (transient errors while a task runs), and the most
 * tasks it ever saw active at once — for the concurrency tests.
 */
import sharp from "sharp";

/** How a task ends. */
export type TaskOutcome = "ok" | "moderated" | "failed";

/** One upstream task. */
export type FakeTask = {
  id: string;
  input: Record<string, unknown>;
  createdAt: number;
  readyAt: number;
  outcome: TaskOutcome;
  canceled: boolean;
};

/** A fault to answer the next submit with. */
export type SubmitFault = { status: number; retryAfterS?: number };

/** The controls tests use, common to every fake. */
export type FakeControls = {
  /** The next `times` submits answer `status` with the provider's error body. */
  failNext(status: number, times?: number): void;
  /** The next `times` submits answer 429 with `Retry-After: seconds`. */
  rateLimitNext(seconds: number, times?: number): void;
  /** The next task takes `ms` longer. */
  delayNext(ms: number): void;
  /** The next task ends refused by moderation. */
  moderateNext(): void;
  /** The next task ends failed upstream. */
  failTaskNext(): void;
  /** The next `times` status polls answer `status` (a transient fault while a task runs). */
  failPollNext(status: number, times?: number): void;
  /** The next `times` result fetches (fal's `response_url`) answer `status`. */
  failResultNext(status: number, times?: number): void;
  /** The next `times` result image downloads answer `status`. */
  failDownloadNext(status: number, times?: number): void;
  /** Extra time every result image download takes. @defaultValue 0 ms */
  downloadDelayMs: number;
  /** The next `times` completion callbacks are never sent (lost on the way). */
  loseCallbacksNext(times?: number): void;
  /** Status polls a task received so far. */
  pollsOf(taskId: string): number;
  /** Completion callbacks sent: the task, and the status the gateway answered. */
  readonly callbacksSent: { taskId: string; status: number }[];
  /** How long a task runs. @defaultValue 30 ms */
  taskMs: number;
  /** Tasks created so far, in order. */
  readonly tasks: FakeTask[];
  /** The most tasks active at one moment. */
  readonly maxActive: number;
};

let counter = 0;

/** Creates the shared task state of a fake. */
export function createTaskBook(prefix: string) {
  const tasks: FakeTask[] = [];
  const faults: SubmitFault[] = [];
  const delays: number[] = [];
  const outcomes: TaskOutcome[] = [];
  const pollFaults: number[] = [];
  const resultFaults: number[] = [];
  const downloadFaults: number[] = [];
  const callbacksSent: { taskId: string; status: number }[] = [];
  const polls = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  let callbacksToLose = 0;
  let maxActive = 0;
  const repeat = (list: number[], status: number, times: number) => {
    for (let i = 0; i < times; i++) list.push(status);
  };

  const controls: FakeControls = {
    failNext(status, times = 1) {
      for (let i = 0; i < times; i++) faults.push({ status });
    },
    rateLimitNext(seconds, times = 1) {
      for (let i = 0; i < times; i++) faults.push({ status: 429, retryAfterS: seconds });
    },
    delayNext(ms) {
      delays.push(ms);
    },
    moderateNext() {
      outcomes.push("moderated");
    },
    failTaskNext() {
      outcomes.push("failed");
    },
    failPollNext(status, times = 1) {
      repeat(pollFaults, status, times);
    },
    failResultNext(status, times = 1) {
      repeat(resultFaults, status, times);
    },
    failDownloadNext(status, times = 1) {
      repeat(downloadFaults, status, times);
    },
    downloadDelayMs: 0,
    loseCallbacksNext(times = 1) {
      callbacksToLose += times;
    },
    callbacksSent,
    pollsOf: (taskId) => polls.get(taskId) ?? 0,
    taskMs: 30,
    tasks,
    get maxActive() {
      return maxActive;
    },
  };

  const active = (now: number) => tasks.filter((t) => !t.canceled && t.readyAt > now).length;

  return {
    controls,
    /** The fault for this submit, if one is queued. */
    takeFault(): SubmitFault | undefined {
      return faults.shift();
    },
    /**
     * Sends a task's completion callback when it ends, as the provider does:
     * `send` makes the signed request; a lost one is never sent.
     */
    callbackWhenDone(task: FakeTask, send: () => Promise<Response>): void {
      const timer = setTimeout(
        async () => {
          timers.delete(timer);
          if (task.canceled) return;
          if (callbacksToLose > 0) {
            callbacksToLose--;
            return;
          }
          try {
            const res = await send();
            await res.arrayBuffer();
            callbacksSent.push({ taskId: task.id, status: res.status });
          } catch {
            callbacksSent.push({ taskId: task.id, status: 0 });
          }
        },
        Math.max(0, task.readyAt - Date.now()),
      );
      timers.add(timer);
    },
    /** Stops callbacks not sent yet. */
    stopCallbacks(): void {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
    /** Counts a status poll of `taskId`; the HTTP status to fail it with, if one is queued. */
    takePollFault(taskId = ""): number | undefined {
      polls.set(taskId, (polls.get(taskId) ?? 0) + 1);
      return pollFaults.shift();
    },
    /** The HTTP status to fail this result fetch with, if one is queued. */
    takeResultFault(): number | undefined {
      return resultFaults.shift();
    },
    /** Waits out the download delay; then the status to fail this download with, if one is queued. */
    async takeDownloadFault(): Promise<number | undefined> {
      if (controls.downloadDelayMs > 0) {
        await new Promise((resolve) => setTimeout(resolve, controls.downloadDelayMs));
      }
      return downloadFaults.shift();
    },
    /** Creates a task for an accepted submit. */
    create(input: Record<string, unknown>): FakeTask {
      const now = Date.now();
      const task: FakeTask = {
        id: `${prefix}-${++counter}-${Math.random().toString(36).slice(2, 8)}`,
        input,
        createdAt: now,
        readyAt: now + controls.taskMs + (delays.shift() ?? 0),
        outcome: outcomes.shift() ?? "ok",
        canceled: false,
      };
      tasks.push(task);
      maxActive = Math.max(maxActive, active(now));
      return task;
    },
    find(id: string): FakeTask | undefined {
      return tasks.find((t) => t.id === id);
    },
    /** Where a task is now. */
    stateOf(task: FakeTask): "pending" | "canceled" | TaskOutcome {
      if (task.canceled) return "canceled";
      return Date.now() < task.readyAt ? "pending" : task.outcome;
    },
    /** 0–1 progress of a pending task. */
    progressOf(task: FakeTask): number {
      const span = Math.max(1, task.readyAt - task.createdAt);
      return Math.min(1, (Date.now() - task.createdAt) / span);
    },
  };
}

/** A result image the way an upstream makes it: the given size and encoding. */
export async function fakeImage(
  width: number,
  height: number,
  format: "png" | "jpeg" | "webp",
  seed = 0,
): Promise<Buffer> {
  const background = { r: (seed * 53) % 256, g: (seed * 97) % 256, b: (seed * 193) % 256 };
  return sharp({ create: { width, height, channels: 3, background } })
    .toFormat(format)
    .toBuffer();
}

/** True when the headers carry `expected` in `header`, as `prefix + key`. */
export function hasKey(
  headers: import("node:http").IncomingHttpHeaders,
  header: string,
  expected: string,
): boolean {
  return headers[header] === expected;
}
