import { claimForDirectRun } from "../src/index";
import { testJob } from "./job-fixture";

const queued = testJob({
  id: "job_direct",
  providerOrder: ["openai", "local"],
  createdAt: 1_796_000_000,
});

describe("claimForDirectRun", () => {
  it("claims the record for a run on its first provider, as the processor's claim would", () => {
    const { record, fence } = claimForDirectRun(queued, 1_796_000_000_500);
    expect(fence).toBe("run-direct:job_direct-1796000000500");
    expect(record).toEqual({
      ...queued,
      status: "in_progress",
      provider: "openai",
      run: fence,
      started_at: 1_796_000_000,
    });
  });

  it("leaves the queued record as it was", () => {
    claimForDirectRun(queued, 1_796_000_000_500);
    expect(queued).toMatchObject({ status: "queued", provider: null, run: null, started_at: null });
  });

  it.each([
    [1_796_000_000_000, 1_796_000_000],
    [1_796_000_000_999, 1_796_000_000],
    [1_796_000_001_000, 1_796_000_001],
  ])("starts a run claimed at %i ms at %i s", (nowMs, seconds) => {
    expect(claimForDirectRun(queued, nowMs).record.started_at).toBe(seconds);
  });
});
