import {
  type PollAnswer,
  ProviderError,
  pollUntil,
  retryTransient,
  TaskParked,
} from "@imagegate/providers";

const transient = (kind: "retryable" | "rate_limited", retryAfterMs?: number) =>
  new ProviderError("bfl", kind, "blip", { upstreamStatus: 503, retryAfterMs });

/** A function that fails with `errors` in turn, then answers `value`. */
function flaky<T>(errors: unknown[], value: T) {
  let calls = 0;
  const fn = async () => {
    calls++;
    const err = errors.shift();
    if (err) throw err;
    return value;
  };
  return { fn, calls: () => calls };
}

describe("retryTransient", () => {
  it.each([
    ["a 5xx", [transient("retryable")], 1],
    ["two connection errors", [transient("retryable"), transient("retryable")], 2],
    ["a 429", [transient("rate_limited")], 1],
  ])("rides out %s and answers", async (_label, errors, failures) => {
    const f = flaky([...errors], "ok");
    await expect(retryTransient(f.fn, { signal: new AbortController().signal })).resolves.toBe(
      "ok",
    );
    expect(f.calls()).toBe(failures + 1);
  });

  it.each([
    ["a permanent upstream error", new ProviderError("bfl", "permanent", "401")],
    ["a content refusal", new ProviderError("bfl", "content_refused", "no")],
    ["a bug", new TypeError("x is undefined")],
  ])("rethrows %s at once", async (_label, err) => {
    const f = flaky([err], "ok");
    await expect(retryTransient(f.fn, { signal: new AbortController().signal })).rejects.toBe(err);
    expect(f.calls()).toBe(1);
  });

  it("rethrows a transient-looking failure the protocol's own rule says is final", async () => {
    const modelFailed = new ProviderError("fal", "retryable", "500", { upstreamStatus: 500 });
    const f = flaky([modelFailed], "ok");
    const retryIf = (err: ProviderError) => err.upstreamStatus !== 500;
    await expect(
      retryTransient(f.fn, { signal: new AbortController().signal, retryIf }),
    ).rejects.toBe(modelFailed);
    expect(f.calls()).toBe(1);
  });

  it("waits at least the upstream's Retry-After", async () => {
    const f = flaky([transient("rate_limited", 300)], "ok");
    const started = Date.now();
    await retryTransient(f.fn, { signal: new AbortController().signal });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it("stops when the signal aborts, with its reason", async () => {
    const control = new AbortController();
    const reason = new Error("task lifetime over");
    setTimeout(() => control.abort(reason), 50);
    const always = async () => {
      throw transient("retryable");
    };
    await expect(retryTransient(always, { signal: control.signal })).rejects.toBe(reason);
  });
});

describe("pollUntil", () => {
  const fast = { initialMs: 5, maxMs: 20 };

  it("polls until done, riding out a failed poll", async () => {
    const answers: (PollAnswer<string> | Error)[] = [
      { pending: {} },
      transient("retryable"),
      { done: "done" },
    ];
    let polls = 0;
    const value = await pollUntil(
      async () => {
        polls++;
        const next = answers.shift() as PollAnswer<string> | Error;
        if (next instanceof Error) throw next;
        return next;
      },
      { schedule: fast, signal: new AbortController().signal },
    );
    expect(value).toBe("done");
    expect(polls).toBe(3);
  });

  it.each([
    ["a new task waits first", false, true],
    ["a resumed task is polled at once", true, false],
  ])("%s", async (_label, immediate, waitsFirst) => {
    const started = Date.now();
    let firstAt = 0;
    await pollUntil(
      async () => {
        firstAt ||= Date.now() - started;
        return { done: 1 };
      },
      {
        schedule: { initialMs: 300, maxMs: 300, jitter: 0 },
        immediate,
        signal: new AbortController().signal,
      },
    );
    expect(firstAt >= 250).toBe(waitsFirst);
  });

  it("polls at once when a callback wakes it, long before the schedule would", async () => {
    let wake: () => void = () => {};
    let pending = false;
    const waker = {
      next: () =>
        pending
          ? Promise.resolve()
          : new Promise<void>((resolve) => {
              wake = resolve;
            }),
      close: () => {},
    };
    let polls = 0;
    const started = Date.now();
    setTimeout(() => {
      pending = true;
      wake();
    }, 100);
    await pollUntil(
      async () => {
        polls++;
        return Date.now() - started >= 100 ? { done: true } : { pending: {} };
      },
      {
        schedule: { initialMs: 10_000, maxMs: 60_000 },
        waker,
        signal: new AbortController().signal,
      },
    );
    expect(polls).toBe(1);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  describe("parking", () => {
    const schedule = { initialMs: 40, maxMs: 40, jitter: 0 };
    const pending = async (): Promise<PollAnswer<string>> => ({ pending: {} });

    it.each([
      // [task age at start (ms), parkAfterMs, polls before it parks]
      [0, 100, 2], // polls at 40 and 80 ms; the next at 120 ms would be past 100
      [0, 30, 0], // the first wait already ends past 30 ms: parks before polling
      [200, 100, 0], // a task already past the threshold parks before its next poll
    ])(
      "a task %i ms old with parkAfterMs %i parks after %i polls",
      async (age, afterMs, expected) => {
        let polls = 0;
        const submittedAt = Date.now() - age;
        const parked = await pollUntil(
          async () => {
            polls++;
            return pending();
          },
          {
            schedule,
            signal: new AbortController().signal,
            task: { provider: "bfl", id: "t1", submittedAt },
            parkAfterMs: afterMs,
          },
        ).catch((err: unknown) => err);
        expect(parked).toBeInstanceOf(TaskParked);
        expect(polls).toBe(expected);
        const { taskId, wakeAtMs } = parked as TaskParked;
        expect(taskId).toBe("t1");
        expect(wakeAtMs - submittedAt).toBeGreaterThanOrEqual(afterMs);
      },
    );

    it("polls a resumed task once before it parks again", async () => {
      let polls = 0;
      const parked = await pollUntil(
        async () => {
          polls++;
          return pending();
        },
        {
          schedule,
          immediate: true,
          signal: new AbortController().signal,
          task: { provider: "fal", id: "t2", submittedAt: Date.now() - 5_000 },
          parkAfterMs: 100,
        },
      ).catch((err: unknown) => err);
      expect(parked).toBeInstanceOf(TaskParked);
      expect(polls).toBe(1);
    });

    it("does not park while a callback waits to be taken: it polls at once", async () => {
      let polls = 0;
      let fired = true;
      const waker = {
        next: () => {
          fired = false;
          return Promise.resolve();
        },
        close: () => {},
        pending: () => fired,
      };
      const value = await pollUntil(
        async () => {
          polls++;
          return polls === 1 ? { done: "done" } : pending();
        },
        {
          schedule: { initialMs: 10_000, maxMs: 10_000 },
          waker,
          signal: new AbortController().signal,
          task: { provider: "replicate", id: "t3", submittedAt: Date.now() },
          parkAfterMs: 100,
        },
      );
      expect(value).toBe("done");
      expect(polls).toBe(1);
    });

    it("never parks without a threshold", async () => {
      let polls = 0;
      const value = await pollUntil(
        async () => (++polls < 4 ? { pending: {} } : { done: "done" }),
        {
          schedule: { initialMs: 5, maxMs: 5 },
          signal: new AbortController().signal,
          task: { provider: "bfl", id: "t4", submittedAt: Date.now() - 60_000 },
        },
      );
      expect(value).toBe("done");
    });
  });
});
