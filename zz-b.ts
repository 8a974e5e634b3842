import { startRedis } from "./packages/testkit/src/redis";

(async () => {
  const t = Date.now();
  const h = await startRedis();
  await h.stop();
  await new Promise((r) => setTimeout(r, 50));
  process.stdout.write(`${process.getActiveResourcesInfo()}\n`);
  process.on("exit", () => process.stdout.write(`exit ${Date.now() - t}ms\n`));
})();
