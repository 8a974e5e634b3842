/**
 * The BFL fake as its own process for the scale bench (so 10,000 tasks'
 * polls do not share the bench's event loop): tasks take TASK_MS; `GET /stats`
 * on STATS_PORT reports tasks, polls, downloads, callbacks and the most tasks
 * active at once; `GET /stats?submits` adds each submit's arrival time (ms),
 * for the rate-limit bench.
 */
import { createServer } from "node:http";
import { startBflFake } from "@imagegate/testkit";

async function main(): Promise<void> {
  const fake = await startBflFake("bench-key");
  fake.taskMs = Number(process.env.TASK_MS ?? 20_000);
  const stats = createServer((req, res) => {
    const polls = [...fake.regionCalls, ...fake.calls].filter(
      (c) => c.path === "/v1/get_result",
    ).length;
    const downloads = fake.regionCalls.filter((c) => c.path.startsWith("/delivery/")).length;
    const prompts = new Set(fake.tasks.map((t) => t.input.prompt));
    res.setHeader("content-type", "application/json");
    res.end(
      JSON.stringify({
        tasks: fake.tasks.length,
        prompts: prompts.size,
        polls,
        downloads,
        maxActive: fake.maxActive,
        callbacks: fake.callbacksSent.length,
        callbacksAccepted: fake.callbacksSent.filter((c) => c.status === 204).length,
        ...(req.url?.includes("submits") ? { submitTimes: fake.submits().map((c) => c.at) } : {}),
      }),
    );
  });
  await new Promise<void>((resolve) => stats.listen(0, "127.0.0.1", resolve));
  const port = (stats.address() as { port: number }).port;
  process.stdout.write(`fake ${fake.url} ready ${port}\n`);
  process.on("SIGTERM", () => {
    void fake.close().then(() => process.exit(0));
  });
}

void main();
