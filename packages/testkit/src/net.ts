/** Network helpers for tests. */
import { createServer } from "node:net";

/**
 * A TCP port free on 127.0.0.1 right now. It is not reserved: prefer
 * `listen(0)` where the server allows it, and retry when a race loses it.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
