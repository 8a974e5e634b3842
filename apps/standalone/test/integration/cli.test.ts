/**
 * The `imagegate` CLI against a real gateway: a 30-line batch run writes 30
 * images and a results file; an interrupted run re-run makes no duplicates
 * (finished items are skipped, in-flight ones map to the same job through
 * their Idempotency-Key); and the real binary generates an image.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { batchRunCommand, createClient } from "@imagegate/cli";
import { createLocalProvider } from "@imagegate/providers";
import { decodeImage } from "@imagegate/testkit";
import { startGateway, type TestGateway } from "./gateway";

let gateway: TestGateway;
const dir = mkdtempSync(join(tmpdir(), "cli-"));

beforeAll(async () => {
  gateway = await startGateway({
    providersFile: { providers: { local: { concurrency: 4 } } },
    providers: new Map([["local", createLocalProvider({ renderDelayMs: 40 })]]),
  });
});

afterAll(async () => {
  await gateway.close();
});

function prompts(count: number): string {
  return Array.from({ length: count }, (_, i) =>
    JSON.stringify({ custom_id: `item-${i}`, prompt: `picture ${i}`, size: "24x24" }),
  ).join("\n");
}

const client = () => createClient({ url: gateway.url, apiKey: gateway.apiKey, retries: 4 });
const images = (out: string) => readdirSync(out).filter((f) => f.endsWith(".png"));
const results = (out: string) =>
  readFileSync(join(out, "results.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));

async function jobsMade(): Promise<number> {
  const list = await gateway.get("/v1/jobs?limit=100");
  return list.body.data.length;
}

describe("imagegate batch run", () => {
  it("writes 30 images and a results file", async () => {
    const input = join(dir, "thirty.jsonl");
    writeFileSync(input, prompts(30));
    const out = join(dir, "thirty");
    const summary = await batchRunCommand(client(), {
      file: input,
      out,
      progress: false,
      concurrency: 6,
    });
    expect(summary).toEqual({
      total: 30,
      skipped: 0,
      succeeded: 30,
      failed: 0,
      interrupted: false,
    });
    expect(images(out).sort()).toEqual(
      Array.from({ length: 30 }, (_, i) => `item-${i}.png`).sort(),
    );
    expect(await decodeImage(readFileSync(join(out, "item-7.png")))).toEqual({
      format: "png",
      width: 24,
      height: 24,
    });
    const lines = results(out);
    expect(lines).toHaveLength(30);
    expect(
      lines.every(
        (l) => l.status === "succeeded" && l.files.length === 1 && /^job_/.test(l.job_id),
      ),
    ).toBe(true);
  });

  it("resumes an interrupted run without regenerating or duplicating anything", async () => {
    const before = await jobsMade();
    const input = join(dir, "resume.jsonl");
    writeFileSync(input, prompts(30).replaceAll("item-", "r-"));
    const out = join(dir, "resume");
    const controller = new AbortController();
    const partial = batchRunCommand(client(), {
      file: input,
      out,
      progress: false,
      concurrency: 4,
      signal: controller.signal,
    });
    const timer = setInterval(() => {
      try {
        if (results(out).length >= 10) controller.abort();
      } catch {
        // results.jsonl not written yet
      }
    }, 5);
    const first = await partial;
    clearInterval(timer);
    expect(first.interrupted).toBe(true);
    const afterFirst = results(out).filter((l) => l.status === "succeeded");
    expect(afterFirst.length).toBeGreaterThanOrEqual(10);
    expect(afterFirst.length).toBeLessThan(30);
    const mtimes = new Map(afterFirst.map((l) => [l.files[0], statSync(l.files[0]).mtimeMs]));

    const second = await batchRunCommand(client(), {
      file: input,
      out,
      progress: false,
      concurrency: 4,
    });
    expect(second.skipped).toBe(afterFirst.length);
    expect(second.succeeded).toBe(30 - afterFirst.length);
    expect(images(out)).toHaveLength(30);
    const final = results(out);
    expect(new Set(final.map((l) => l.custom_id)).size).toBe(30);
    expect(final).toHaveLength(30);
    for (const [path, mtime] of mtimes) expect(statSync(path as string).mtimeMs).toBe(mtime);
    // One job per item on the gateway: in-flight items were handed back, not made again.
    expect((await jobsMade()) - before).toBe(30);
  });
});

describe("the imagegate binary", () => {
  it("generates an image with flags from the environment", async () => {
    const out = join(dir, "bin");
    const main = resolve(__dirname, "../../../cli/src/main.ts");
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        "--conditions=@imagegate/source",
        "--import",
        "tsx",
        main,
        "generate",
        "a lighthouse",
        "--size",
        "40x30",
        "--format",
        "webp",
        "--out",
        out,
      ],
      { env: { ...process.env, IMAGEGATE_URL: gateway.url, IMAGEGATE_API_KEY: gateway.apiKey } },
    );
    const path = stdout.trim();
    expect(path).toMatch(/job_.*\.webp$/);
    expect(await decodeImage(readFileSync(path))).toEqual({
      format: "webp",
      width: 40,
      height: 30,
    });
  });

  it("prints the gateway's error and exits 1", async () => {
    const main = resolve(__dirname, "../../../cli/src/main.ts");
    const run = promisify(execFile)(
      process.execPath,
      ["--conditions=@imagegate/source", "--import", "tsx", main, "generate", "x", "--size", "0x1"],
      {
        env: { ...process.env, IMAGEGATE_URL: gateway.url, IMAGEGATE_API_KEY: gateway.apiKey },
      },
    );
    await expect(run).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^error 400 invalid_size: /),
    });
  });
});
