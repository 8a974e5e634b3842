/**
 * `pnpm start` as users run it — on a multi-core machine the workers run in
 * a thread of their own — still answers the operator's question from one
 * `/metrics`: after one generation the succeeded-job and image series of its
 * provider and model have moved (the worker thread's series are merged in),
 * and the process metrics are counted once.
 */
import { waitFor } from "@imagegate/testkit";
import { type StandaloneProcess, startStandalone } from "./standalone-process";

let gateway: StandaloneProcess;
beforeAll(async () => {
  gateway = await startStandalone();
}, 60_000);
afterAll(() => gateway?.stop());

function sample(text: string, line: RegExp): number {
  const found = text.split("\n").find((l) => line.test(l));
  return found ? Number(found.slice(found.lastIndexOf(" ") + 1)) : 0;
}

describe("pnpm start: GET /metrics", () => {
  it("counts a generation made by the worker thread", async () => {
    const res = await fetch(`${gateway.url}/v1/images/generations`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ prompt: "counted", size: "32x32" }),
    });
    expect(res.status).toBe(200);
    const succeeded =
      /^imagegate_jobs_total\{.*model="flux\.2-max".*provider="local".*status="succeeded".*\} /;
    // Counted by the job's announcement, just after the final write the answer left on.
    let text = "";
    await waitFor(
      async () => {
        text = await (await fetch(`${gateway.url}/metrics`)).text();
        return sample(text, succeeded) > 0;
      },
      { timeoutMs: 5_000, intervalMs: 20, message: "the job to be counted" },
    );
    expect(sample(text, succeeded)).toBe(1);
    expect(sample(text, /^imagegate_images_total\{.*provider="local".*\} /)).toBe(1);
    expect(text.match(/^# TYPE imagegate_process_cpu_seconds_total /gm)).toHaveLength(1);
    expect(text.match(/^imagegate_process_start_time_seconds /gm)).toHaveLength(1);
  }, 30_000);
});
