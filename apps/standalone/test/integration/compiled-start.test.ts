/**
 * `pnpm start` runs the compiled build (docs/decisions/0019-compiled-start.md):
 * its script builds the workspace with `tsc -b`, then runs node on
 * `apps/standalone/dist/main.js`. The suite tests the source; this runs the
 * two commands as the script gives them and checks that the build they make
 * starts (its worker thread found beside it in dist), answers a synchronous
 * and a queued generation, serves the image link, and stops on SIGTERM.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { waitFor } from "@imagegate/testkit";
import { type StandaloneProcess, startStandalone } from "./standalone-process";

const ROOT = resolve(__dirname, "../../../..");
const START = /^tsc -b tsconfig\.json && node (.+)$/;

let gateway: StandaloneProcess;
beforeAll(async () => {
  const scripts = (
    JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    }
  ).scripts;
  const start = START.exec(scripts.start ?? "");
  if (!start?.[1]) throw new Error(`unexpected start script: ${scripts.start}`);
  // Incremental: a second when another test or `pnpm start` built it already.
  execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-b", "tsconfig.json"], {
    cwd: ROOT,
    stdio: "inherit",
  });
  gateway = await startStandalone({}, { args: start[1].split(" "), cwd: ROOT });
}, 240_000);
afterAll(() => gateway?.stop());

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
