import { describeStatus } from "../../playground/assets/status.js";

describe("describeStatus", () => {
  it.each([
    [{ status: "queued" }, "Queued", null, false],
    [{ status: "queued", queue_position: 0 }, "Queued · next in line", null, false],
    [{ status: "queued", queue_position: 3 }, "Queued · 3 ahead in the queue", null, false],
    [{ status: "in_progress", progress: 0.4 }, "In progress · 40%", 0.4, false],
    [
      { status: "in_progress", progress: 0.5, attempts: 2 },
      "In progress · 50% · attempt 2",
      0.5,
      false,
    ],
    [
      { status: "succeeded", provider: "local", created_at: 10, completed_at: 13 },
      "Succeeded in 3 s · served by local",
      1,
      true,
    ],
    [
      { status: "failed", error: { message: "Incorrect API key provided." } },
      "Failed: Incorrect API key provided.",
      null,
      true,
    ],
    [{ status: "canceled" }, "Canceled", null, true],
  ])("%j → %j", (job, text, progress, final) => {
    expect(describeStatus(job)).toEqual({ text, progress, final });
  });
});
