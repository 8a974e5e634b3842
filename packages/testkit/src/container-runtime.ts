/**
 * Whether a container runtime answers, decided in about a second: left to
 * itself, testcontainers spends many seconds probing when none does, and these
 * machines have a Docker client but no engine. It looks where testcontainers
 * looks (`DOCKER_HOST`, `/var/run/docker.sock`, the rootless and Docker Desktop
 * sockets) and pings the engine's `/_ping`.
 */
import { existsSync } from "node:fs";
import { request } from "node:http";
import { homedir } from "node:os";
import { join } from "node:path";

const PING_TIMEOUT_MS = 1000;

type Endpoint = { socketPath: string } | { host: string; port: number };

let cached: Promise<boolean> | undefined;

function ping(endpoint: Endpoint): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ ...endpoint, path: "/_ping", timeout: PING_TIMEOUT_MS }, (res) => {
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

async function dockerHostAnswers(dockerHost: string): Promise<boolean> {
  const url = new URL(dockerHost);
  if (url.protocol === "unix:")
    return existsSync(url.pathname) && ping({ socketPath: url.pathname });
  // TLS (needs the client certificates), ssh and Windows pipes: an explicit setting is trusted.
  if (url.protocol !== "tcp:" || process.env.DOCKER_TLS_VERIFY) return true;
  return ping({ host: url.hostname, port: Number(url.port || 2375) });
}

function defaultSockets(): string[] {
  const runtimeDir = process.env.XDG_RUNTIME_DIR;
  return [
    "/var/run/docker.sock",
    ...(runtimeDir ? [join(runtimeDir, "docker.sock")] : []),
    join(homedir(), ".docker/run/docker.sock"),
    join(homedir(), ".docker/desktop/docker.sock"),
  ];
}

async function probe(): Promise<boolean> {
  if (process.env.TESTKIT_NO_CONTAINERS === "1") return false;
  const dockerHost = process.env.DOCKER_HOST;
  if (dockerHost) return dockerHostAnswers(dockerHost);
  for (const socketPath of defaultSockets()) {
    if (existsSync(socketPath) && (await ping({ socketPath }))) return true;
  }
  return false;
}

/**
 * True when Docker (or a compatible engine) answers within about a second.
 * Set `TESTKIT_NO_CONTAINERS=1` to skip containers even when one does.
 * The answer is cached for the process.
 */
export function containerRuntimeAvailable(): Promise<boolean> {
  cached ??= probe();
  return cached;
}
