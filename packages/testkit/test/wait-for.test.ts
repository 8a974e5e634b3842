import { waitFor } from "@imagegate/testkit";

describe("waitFor", () => {
  it("resolves once the predicate turns true", async () => {
    let calls = 0;
    await waitFor(() => ++calls === 3, { intervalMs: 1 });
    expect(calls).toBe(3);
  });

  it("awaits an async predicate", async () => {
    let calls = 0;
    await waitFor(async () => ++calls >= 2, { intervalMs: 1 });
    expect(calls).toBe(2);
  });

  it("rejects after the timeout, naming what it waited for", async () => {
    await expect(
      waitFor(() => false, { timeoutMs: 30, intervalMs: 5, message: "the job to finish" }),
    ).rejects.toThrow("waitFor: the job to finish not met within 30 ms");
  });

  it("keeps trying through errors and reports the last one on timeout", async () => {
    let calls = 0;
    const failing = waitFor(
      () => {
        calls++;
        throw new Error(`ECONNREFUSED #${calls}`);
      },
      { timeoutMs: 30, intervalMs: 5 },
    );
    await expect(failing).rejects.toThrow(
      /not met within 30 ms; last error: Error: ECONNREFUSED #\d+/,
    );
    await expect(failing).rejects.toMatchObject({ cause: { message: `ECONNREFUSED #${calls}` } });
    expect(calls).toBeGreaterThan(1);
  });

  it("succeeds once a throwing predicate recovers", async () => {
    let calls = 0;
    await waitFor(
      () => {
        if (++calls < 3) throw new Error("not yet");
        return true;
      },
      { intervalMs: 1 },
    );
    expect(calls).toBe(3);
  });
});
