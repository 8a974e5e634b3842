/**
 * `pnpm start` runs the compiled build (docs/decisions/0019-compiled-start.md):
 * its script builds the workspace with `tsc -b`, then execs node on
 * `apps/standalone/dist/main.js`. The suite tests the source; this runs the
 * script as pnpm does (`sh -c`, with node_modules/.bin on PATH) and checks
 * that the build starts (its worker thread found beside it in dist),
 * answers a synchronous and a queued generation, serves the image link, and
 * stops on a SIGTERM sent to the script's process, as a process manager sends it.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { delimiter, join, resolve } from "node:path";
import { waitFor } from "@imagegate/testkit";
import { type StandaloneProcess, startStandalone } from "./standalone-process";

const ROOT = resolve(__dirname, "../../../..");

let gateway: StandaloneProcess;
beforeAll(async () => {
  const scripts = (
    JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    }
  ).scripts;
  const start = scripts.start ?? "";
  expect(start).toMatch(/^tsc -b tsconfig\.json && exec node .* apps\/standalone\/dist\/main\.js$/);
  // Built first, so the script's own build is the one-second check within the start timeout.
  execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-b", "tsconfig.json"], {
    cwd: ROOT,
    stdio: "inherit",
  });
  gateway = await startStandalone(
    { PATH: `${join(ROOT, "node_modules", ".bin")}${delimiter}${process.env.PATH ?? ""}` },
    // A group of its own: should the shell ever outlive its node again, both are killed after.
    { file: "sh", args: ["-c", start], cwd: ROOT, detached: true },
  );
}, 240_000);
afterAll(async () => {
  await gateway?.stop();
  const pid = gateway?.child.pid;
  if (!pid) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // The group is gone: node was the script's process and has exited.
  }
});

const generate = (body: object, headers: Record<string, string> = {}) =>
  fetch(`${gateway.url}/v1/images/generations`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ prompt: "built", size: "32x32", ...body }),
  });

describe("pnpm start: the compiled build", () => {
  it("answers a synchronous generation with a working image link", async () => {
    const res = await generate({ response_format: "url" });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-imagegate-provider")).toBe("local");
    const { data } = (await res.json()) as { data: { url: string }[] };
    const image = await fetch(data[0]?.url as string);
    expect(image.status).toBe(200);
    expect(image.headers.get("content-type")).toBe("image/png");
    expect((await image.arrayBuffer()).byteLength).toBeGreaterThan(0);
  }, 30_000);

  it("runs a queued job", async () => {
    const res = await generate({}, { prefer: "respond-async" });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    let status = "";
    await waitFor(
      async () => {
        status = (
          (await (await fetch(`${gateway.url}/v1/jobs/${id}`)).json()) as { status: string }
        ).status;
        return status === "succeeded";
      },
      { timeoutMs: 15_000, intervalMs: 50, message: `job ${id} to succeed (last: ${status})` },
    );
  }, 30_000);

  it("stops on SIGTERM", async () => {
    const exited = new Promise<number | null>((done) => gateway.child.once("exit", done));
    gateway.child.kill("SIGTERM");
    expect(await exited).toBe(0);
  }, 30_000);
});
