/**
 * `imagegate jobs list|get|cancel` and `imagegate batch submit|status|download`
 * (the server-side Batch API) through the real binary and a real gateway.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeImage, waitFor } from "@imagegate/testkit";
import { runCli } from "./cli-process";
import { startGateway, type TestGateway } from "./gateway";

const dir = mkdtempSync(join(tmpdir(), "cli-batches-"));

describe("imagegate jobs", () => {
  // No workers: jobs stay queued (something to cancel) and batches stay validating.
  let gateway: TestGateway;
  let env: Record<string, string>;
  const ids: string[] = [];

  beforeAll(async () => {
    gateway = await startGateway({ worker: false });
    env = { IMAGEGATE_URL: gateway.url, IMAGEGATE_API_KEY: gateway.apiKey };
    for (const prompt of ["first fox", "second\tfox", "third fox"]) {
      const res = await gateway.post(
        "/v1/images/generations",
        { prompt, size: "8x8" },
        { prefer: "respond-async" },
      );
      ids.push(res.body.id);
    }
  });

  afterAll(async () => {
    await gateway.close();
  });

  it("lists jobs newest first as tab-separated lines", async () => {
    const run = await runCli(["jobs", "list", "--limit", "2"], { env });
    expect(run.code).toBe(0);
    const rows = run.stdout
      .trim()
      .split("\n")
      .map((l) => l.split("\t"));
    expect(rows.map((r) => r[0])).toEqual([ids[2], ids[1]]);
    expect(rows[1]).toEqual([
      ids[1],
      "queued",
      "flux.2-max",
      "-",
      expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      "second fox",
    ]);
  });

  it("lists as the API's JSON with --json, filtered by status", async () => {
    const run = await runCli(["jobs", "list", "--status", "queued", "--json"], { env });
    const list = JSON.parse(run.stdout);
    expect(list).toMatchObject({ object: "list", has_more: false });
    expect(list.data.map((j: { id: string }) => j.id).sort()).toEqual([...ids].sort());
  });

  it("gets a job as JSON and cancels jobs", async () => {
    const got = await runCli(["jobs", "get", ids[0] as string], { env });
    expect(JSON.parse(got.stdout)).toMatchObject({
      id: ids[0],
      object: "image.job",
      status: "queued",
    });
    const canceled = await runCli(["jobs", "cancel", ids[0] as string, ids[1] as string], { env });
    expect(canceled.code).toBe(0);
    expect(canceled.stdout).toBe(`${ids[0]}\tcanceled\n${ids[1]}\tcanceled\n`);
    const left = await runCli(["jobs", "list", "--status", "queued"], { env });
    expect(
      left.stdout
        .trim()
        .split("\n")
        .map((l) => l.split("\t")[0]),
    ).toEqual([ids[2]]);
  });

  it("refuses to download a batch that is not finished, naming --wait", async () => {
    const input = join(dir, "slow.txt");
    writeFileSync(input, "one\n");
    const submitted = await runCli(["batch", "submit", input, "--size", "8x8"], { env });
    expect(submitted.stdout).toMatch(/^batch_/);
    const id = submitted.stdout.trim();
    const status = await runCli(["batch", "status", id], { env });
    expect(status.stdout).toBe(`${id}\tvalidating\t0/0 completed\t0 failed\n`);
    const run = await runCli(["batch", "download", id, "-o", join(dir, "x")], { env });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`error: batch ${id} is validating; add --wait to wait for it\n`);
  });

  it("prints the gateway's 404 for an unknown job", async () => {
    const run = await runCli(["jobs", "get", "job_nope"], { env });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error 404 \S+: .*job_nope/);
  });
});

describe("imagegate batch submit, status, download", () => {
  let gateway: TestGateway;
  let env: Record<string, string>;

  beforeAll(async () => {
    // Short-lived links, so the download must fetch fresh ones from the jobs.
    gateway = await startGateway({ env: { URL_TTL_SECONDS: "2" } });
    env = { IMAGEGATE_URL: gateway.url, IMAGEGATE_API_KEY: gateway.apiKey };
  });

  afterAll(async () => {
    await gateway.close();
  });

  it("submits CSV from stdin, waits, and downloads every image; a re-run resumes", async () => {
    const rows = Array.from(
      { length: 8 },
      (_, i) => `b-${i},"tile ${i}, with a comma\nand a newline",${16 + i}x16`,
    );
    rows[5] = 'b-5,"",16x16';
    const csv = `custom_id,prompt,size\n${rows.join("\n")}\n`;
    const submitted = await runCli(
      [
        "batch",
        "submit",
        "-",
        "--input-format",
        "csv",
        "--format",
        "webp",
        "--metadata",
        "run=cli",
        "--json",
      ],
      { env, stdin: csv },
    );
    expect(submitted.code).toBe(0);
    const batch = JSON.parse(submitted.stdout);
    expect(batch).toMatchObject({
      object: "batch",
      endpoint: "/v1/images/generations",
      metadata: { run: "cli" },
    });

    const status = await runCli(["batch", "status", batch.id, "--wait"], { env });
    expect(status.code).toBe(0);
    expect(status.stdout).toBe(`${batch.id}\tcompleted\t7/8 completed\t1 failed\n`);

    // Past the presigned links' 2 s lifetime, the output file's links still work:
    // they lead to the gateway, which signs a fresh link on each read.
    await new Promise((r) => setTimeout(r, 2100));
    const output = await gateway.get(`/v1/batches/${batch.id}`);
    const content = await fetch(`${gateway.url}/v1/files/${output.body.output_file_id}/content`, {
      headers: { authorization: `Bearer ${gateway.apiKey}` },
    });
    const stored = JSON.parse((await content.text()).split("\n")[0] as string).response.body.data[0]
      .url;
    expect(stored).toContain(`${gateway.url}/links/jobs/`);
    expect((await fetch(stored)).status).toBe(200);
    const out = join(dir, "download");
    const first = await runCli(["batch", "download", batch.id, "-o", out, "--no-progress"], {
      env,
    });
    expect(first.code).toBe(1);
    expect(JSON.parse(first.stdout)).toEqual({
      total: 8,
      skipped: 0,
      succeeded: 7,
      failed: 1,
      interrupted: false,
    });
    const images = readdirSync(out)
      .filter((f) => f.endsWith(".webp"))
      .sort();
    expect(images).toEqual(
      ["b-0", "b-1", "b-2", "b-3", "b-4", "b-6", "b-7"].map((id) => `${id}.webp`),
    );
    expect(await decodeImage(readFileSync(join(out, "b-3.webp")))).toEqual({
      format: "webp",
      width: 19,
      height: 16,
    });
    const results = readFileSync(join(out, "results.jsonl"), "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    expect(results.find((r) => r.custom_id === "b-5")).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/prompt/),
    });

    // An interrupted download: only three outcomes were recorded, the last line cut short.
    const kept = readFileSync(join(out, "results.jsonl"), "utf8")
      .split("\n")
      .filter((l) => l.includes('"succeeded"'))
      .slice(0, 3);
    writeFileSync(join(out, "results.jsonl"), `${kept.join("\n")}\n{"custom_id":"b-`);
    const resumed = await runCli(["batch", "download", batch.id, "-o", out, "--no-progress"], {
      env,
    });
    expect(JSON.parse(resumed.stdout)).toEqual({
      total: 8,
      skipped: 3,
      succeeded: 4,
      failed: 1,
      interrupted: false,
    });
  });

  it("submits a .txt file and waits with --wait", async () => {
    const input = join(dir, "prompts.txt");
    writeFileSync(input, "one\ntwo\n");
    const run = await runCli(["batch", "submit", input, "--size", "8x8", "--wait"], { env });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^batch_\S+\n$/);
    expect(run.stderr).toMatch(/\tcompleted\t2\/2 completed\t0 failed/);
    const id = run.stdout.trim();
    await waitFor(async () => (await gateway.get(`/v1/batches/${id}`)).body.status === "completed");
  });
});
