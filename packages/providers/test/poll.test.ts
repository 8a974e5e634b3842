import { ProviderError, pollUntil, retryTransient } from "@imagegate/providers";

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
  it("polls until a value, riding out a failed poll", async () => {
    const answers: (string | undefined | Error)[] = [undefined, transient("retryable"), "done"];
    let polls = 0;
    const value = await pollUntil(
      async () => {
        polls++;
        const next = answers.shift();
        if (next instanceof Error) throw next;
        return next;
      },
      { intervalMs: 5, signal: new AbortController().signal },
    );
    expect(value).toBe("done");
    expect(polls).toBe(3);
  });
});
