/**
 * The submit baseline: the least an async image endpoint can do — Express 5,
 * a zod check and one BullMQ `queue.add` — so the gateway's own overhead
 * shows as a ratio against it, measured in the same run.
 */
import { Queue } from "bullmq";
import express from "express";
import { Redis } from "ioredis";
import { z } from "zod";

const Body = z
  .object({
    prompt: z.string().min(1),
    n: z.number().int().min(1).max(10).default(1),
    size: z.string().optional(),
  })
  .loose();

const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", {
  maxRetriesPerRequest: null,
});
const queue = new Queue("bench-baseline", {
  connection: redis,
  prefix: process.env.QUEUE_PREFIX ?? "bench",
});
const app = express();
app.post("/v1/images/generations", express.json(), async (req, res) => {
  const parsed = Body.safeParse(req.body);
  if (!parsed.success) {
    res.status(400).json({ error: { message: parsed.error.message } });
    return;
  }
  const job = await queue.add("image", parsed.data);
  res.status(202).json({ id: job.id, status: "queued" });
});
const server = app.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`ready ${typeof address === "object" && address ? address.port : ""}\n`);
});
process.on("SIGTERM", () => {
  server.close();
  void queue
    .close()
    .then(() => redis.quit())
    .then(() => process.exit(0));
});
