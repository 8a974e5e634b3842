/**
 * Whether a container runtime answers, checked quickly: testcontainers can
 * spend many seconds probing when none does, and these machines have a
 * Docker client but no engine.
 */
import { existsSync } from "node:fs";
import { request } from "node:http";

let cached: Promise<boolean> | undefined;

function pingSocket(socketPath: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: "/_ping", timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("timeout", () => {
      req.destroy();
      resolve(false);
    });
    req.on("error", () => resolve(false));
    req.end();
  });
}

/** True when Docker (or a compatible engine) answers within about a second. */
export function containerRuntimeAvailable(): Promise<boolean> {
  cached ??= (async () => {
    if (process.env.TESTCONTAINERS_DISABLED === "true") return false;
    if (process.env.DOCKER_HOST) return true;
    const socket = "/var/run/docker.sock";
    return existsSync(socket) && pingSocket(socket, 1000);
  })();
  return cached;
}
