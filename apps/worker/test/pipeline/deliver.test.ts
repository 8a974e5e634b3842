import { LockLostError } from "@imagegate/jobs";
import { GatewayError } from "@imagegate/params";
import pino from "pino";
import { retryWithin } from "../../src/pipeline/deliver";

const logger = pino({ level: "silent" });
const window = (windowMs: number, signal = new AbortController().signal) => ({
  windowMs,
  signal,
  logger,
});

describe("retryWithin", () => {
  it("retries a failing store step until it works, within the window", async () => {
    let calls = 0;
    const result = await retryWithin(async () => {
      calls++;
      if (calls < 3) throw new Error("ENOTDIR: storage gone");
      return "stored";
    }, window(5_000));
    expect(result).toBe("stored");
    expect(calls).toBe(3);
  });

  it("fails with storage_unavailable once the window has passed", async () => {
    let calls = 0;
    const started = Date.now();
    const err = await retryWithin(async () => {
      calls++;
      throw new Error("EACCES");
    }, window(600)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GatewayError);
    expect(err).toMatchObject({ code: "storage_unavailable", status: 503 });
    expect((err as Error).message).toContain("EACCES");
    expect(Date.now() - started).toBeGreaterThanOrEqual(590);
    expect(calls).toBeGreaterThan(1);
  });

  it.each([["a lost lock", new LockLostError("job_1")]])(
    "stops at once on %s",
    async (_label, thrown) => {
      let calls = 0;
      await expect(
        retryWithin(async () => {
          calls++;
          throw thrown;
        }, window(5_000)),
      ).rejects.toBe(thrown);
      expect(calls).toBe(1);
    },
  );

  it("stops when the run is aborted (cancel)", async () => {
    const control = new AbortController();
    setTimeout(() => control.abort(new Error("job canceled")), 100);
    await expect(
      retryWithin(
        async () => {
          throw new Error("storage down");
        },
        window(5_000, control.signal),
      ),
    ).rejects.toThrow(/canceled|storage down/);
  });
});
