/**
 * `pnpm start` as users run it — on a multi-core machine queued jobs run in
 * the worker thread, synchronous ones on the API's thread — still answers
 * the operator's question from one `/metrics`: after a synchronous and an
 * async generation the succeeded-job and image series of their provider and
 * model count both (the worker thread's series are summed in), and the
 * process metrics are counted once.
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
  it("counts the generations of both threads", async () => {
    const generate = (headers: Record<string, string>) =>
      fetch(`${gateway.url}/v1/images/generations`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ prompt: "counted", size: "32x32" }),
      });
    expect((await generate({})).status).toBe(200);
    expect((await generate({ prefer: "respond-async" })).status).toBe(202);
    const succeeded =
      /^imagegate_jobs_total\{.*model="flux\.2-max".*provider="local".*status="succeeded".*\} /;
    // Counted by the job's announcement, just after the final write the answer left on.
    let text = "";
    await waitFor(
      async () => {
        text = await (await fetch(`${gateway.url}/metrics`)).text();
        return sample(text, succeeded) > 1;
      },
      { timeoutMs: 5_000, intervalMs: 20, message: "the job to be counted" },
    );
    expect(sample(text, succeeded)).toBe(2);
    expect(sample(text, /^imagegate_images_total\{.*provider="local".*\} /)).toBe(2);
    expect(text.match(/^# TYPE imagegate_process_cpu_seconds_total /gm)).toHaveLength(1);
    expect(text.match(/^imagegate_process_start_time_seconds /gm)).toHaveLength(1);
  }, 30_000);
});
