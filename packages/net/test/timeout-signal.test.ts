import { timeoutSignal } from "@imagegate/net";

describe("timeoutSignal", () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it.each([
    { ms: 0, advance: 0, aborted: true },
    { ms: 100, advance: 99, aborted: false },
    { ms: 100, advance: 100, aborted: true },
    { ms: 15_000, advance: 14_999, aborted: false },
    { ms: 15_000, advance: 15_000, aborted: true },
  ])("after $advance ms of $ms: aborted $aborted", ({ ms, advance, aborted }) => {
    const { signal } = timeoutSignal(ms);
    jest.advanceTimersByTime(advance);
    expect(signal.aborted).toBe(aborted);
  });

  it("aborts with the reason AbortSignal.timeout gives", async () => {
    jest.useRealTimers();
    const ours = timeoutSignal(1).signal;
    const native = AbortSignal.timeout(1);
    const aborted = (s: AbortSignal) =>
      new Promise<DOMException>((resolve) =>
        s.addEventListener("abort", () => resolve(s.reason as DOMException)),
      );
    const [reason, nativeReason] = await Promise.all([aborted(ours), aborted(native)]);
    expect(reason).toBeInstanceOf(DOMException);
    expect({ name: reason.name, message: reason.message }).toEqual({
      name: nativeReason.name,
      message: nativeReason.message,
    });
    expect(() => ours.throwIfAborted()).toThrow(expect.objectContaining({ name: "TimeoutError" }));
  });

  it("never aborts once cleared, and leaves no timer pending", () => {
    const { signal, clear } = timeoutSignal(50);
    const onAbort = jest.fn();
    signal.addEventListener("abort", onAbort);
    jest.advanceTimersByTime(49);
    clear();
    expect(jest.getTimerCount()).toBe(0);
    jest.advanceTimersByTime(1_000);
    expect(signal.aborted).toBe(false);
    expect(onAbort).not.toHaveBeenCalled();
  });

  it("clearing after it fired changes nothing", () => {
    const { signal, clear } = timeoutSignal(5);
    jest.advanceTimersByTime(5);
    clear();
    expect(signal.aborted).toBe(true);
  });
});
