/** API process entry: config → start → graceful stop on SIGTERM/SIGINT. */
import { ConfigError, loadConfig } from "@imagegate/jobs";
import { createApiLogger } from "./deps";
import { startApi } from "./start";

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createApiLogger(config);
  const api = await startApi(config, { logger });
  const stop = (signal: string) => {
    logger.info({ signal }, "stopping");
    api.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));
}

void main();
