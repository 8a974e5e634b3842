/**
 * The gateway as the benches run it: the API alone (`ROLE=api`, for submit
 * throughput) or API + workers in one process (`ROLE=all`, end to end), on
 * the environment the parent passes.
 */
import { startApi } from "@imagegate/api";
import { loadConfig } from "@imagegate/jobs";
import { startWorker } from "@imagegate/worker";

async function main(): Promise<void> {
  const config = loadConfig();
  const worker = process.env.ROLE === "all" ? await startWorker(config) : null;
  const api = await startApi(config);
  process.stdout.write(`ready ${api.port}\n`);
  process.on("SIGTERM", () => {
    void api
      .close()
      .then(() => worker?.close())
      .then(() => process.exit(0));
  });
}

void main();
