/**
 * The `imagegate` binary's shell habits against a real gateway: --version,
 * --json, prompts and batch input from stdin, CSV with quoted newlines, a
 * run interrupted with Ctrl-C and resumed, retries that keep the
 * Idempotency-Key through a flaky proxy, and a readable message for a proxy's
 * HTML error page.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createLocalProvider } from "@imagegate/providers";
import { decodeImage, makeImage, waitFor } from "@imagegate/testkit";
import { runCli, startCli } from "./cli-process";
import { startGateway, type TestGateway } from "./gateway";

let gateway: TestGateway;
let env: Record<string, string>;
const dir = mkdtempSync(join(tmpdir(), "cli-habits-"));

beforeAll(async () => {
  gateway = await startGateway({
    providersFile: { providers: { local: { concurrency: 2 } } },
    providers: new Map([["local", createLocalProvider({ renderDelayMs: 150 })]]),
  });
  env = { IMAGEGATE_URL: gateway.url, IMAGEGATE_API_KEY: gateway.apiKey };
});

afterAll(async () => {
  await gateway.close();
});

async function jobCount(): Promise<number> {
  return (await gateway.get("/v1/jobs?limit=100")).body.data.length;
}

describe("imagegate --version", () => {
  it("prints the CLI package's version", async () => {
    const pkg = JSON.parse(readFileSync(resolve(__dirname, "../../../cli/package.json"), "utf8"));
    const run = await runCli(["--version"]);
    expect(run).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
  });
});

describe("imagegate generate and edit", () => {
  it("reads the prompt from stdin and prints --json", async () => {
    const out = join(dir, "json");
    const run = await runCli(
      ["generate", "-", "--size", "16:9", "--seed", "3", "--json", "-o", out],
      {
        env,
        stdin: "a lighthouse\nat dusk\n",
      },
    );
    expect(run.code).toBe(0);
    const printed = JSON.parse(run.stdout);
    expect(printed).toMatchObject({
      job_id: expect.stringMatching(/^job_/),
      provider: "local",
      model: "flux.2-max",
      size: "1365x768",
      output_format: "png",
      applied: { provider: "local", seeds: [3] },
    });
    expect(printed.files).toEqual([join(out, `${printed.job_id}.png`)]);
    expect(await decodeImage(readFileSync(printed.files[0]))).toMatchObject({
      width: 1365,
      height: 768,
    });
    const job = await gateway.get(`/v1/jobs/${printed.job_id}`);
    expect(job.body.request.prompt).toBe("a lighthouse\nat dusk");
  });

  it("edits with --json and the prompt from stdin", async () => {
    const out = join(dir, "edit");
    const input = join(dir, "in.png");
    writeFileSync(input, await makeImage(40, 30));
    const run = await runCli(["edit", input, "--prompt", "-", "--json", "-o", out], {
      env,
      stdin: "make it blue",
    });
    expect(run.code).toBe(0);
    const printed = JSON.parse(run.stdout);
    // Without a size, an edit follows its first image's shape (4:3).
    expect(printed).toMatchObject({ provider: "local", size: "1183x887" });
    expect(await decodeImage(readFileSync(printed.files[0]))).toMatchObject({
      width: 1183,
      height: 887,
    });
  });
});

/** A proxy in front of the gateway whose answers a test script decides. */
type Rule = "relay" | "cut-after-relay" | "html502";
async function startProxy(rules: Rule[]) {
  const keys: (string | undefined)[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rule = req.method === "POST" ? (rules.shift() ?? "relay") : "relay";
    if (req.method === "POST") keys.push(req.headers["idempotency-key"] as string | undefined);
    if (rule === "html502") {
      res.writeHead(502, { "content-type": "text/html" });
      res.end(
        "<html><head><title>502 Bad Gateway</title></head><body><center>nginx</center></body></html>",
      );
      return;
    }
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(
        ([k]) => !["host", "content-length", "connection"].includes(k),
      ),
    ) as Record<string, string>;
    const upstream = await fetch(`${gateway.url}${req.url}`, {
      method: req.method ?? "GET",
      headers,
      ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
    });
    const body = Buffer.from(await upstream.arrayBuffer());
    // The gateway made the job; the client never hears of it.
    if (rule === "cut-after-relay") return req.socket.destroy();
    res.writeHead(upstream.status, {
      "content-type": upstream.headers.get("content-type") ?? "application/json",
      ...(upstream.headers.get("idempotent-replayed") ? { "idempotent-replayed": "true" } : {}),
    });
    res.end(body);
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    keys,
    close: () => {
      server.closeAllConnections();
      return new Promise((done) => server.close(done));
    },
  };
}

describe("retries", () => {
  it("survives a 502 page and a lost answer, makes one job, and keeps the Idempotency-Key", async () => {
    const proxy = await startProxy(["html502", "cut-after-relay", "relay"]);
    const before = await jobCount();
    const run = await runCli(
      ["generate", "retry me", "--size", "32x32", "--json", "-o", join(dir, "retry")],
      {
        env: { ...env, IMAGEGATE_URL: proxy.url },
      },
    );
    await proxy.close();
    expect(run.code).toBe(0);
    expect(proxy.keys).toHaveLength(3);
    expect(new Set(proxy.keys).size).toBe(1);
    expect(proxy.keys[0]).toMatch(/^cli-/);
    expect(run.stderr).toMatch(/imagegate: HTTP 502 from \/v1\/images\/generations; retry 1\/4/);
    expect(run.stderr).toMatch(/retry 2\/4/);
    // The lost answer's job was handed back, not made again.
    expect((await jobCount()) - before).toBe(1);
    expect(JSON.parse(run.stdout).files).toHaveLength(1);
  });

  it("prints a readable message for an HTML error page once retries are spent", async () => {
    const proxy = await startProxy(["html502", "html502"]);
    const run = await runCli(["--retries", "1", "generate", "x", "-o", join(dir, "none")], {
      env: { ...env, IMAGEGATE_URL: proxy.url },
    });
    await proxy.close();
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `error 502: HTTP 502 Bad Gateway from ${proxy.url}/v1/images/generations: an HTML page, not imagegate's JSON ("502 Bad Gateway")`,
    );
    expect(run.stderr).not.toMatch(/Unexpected token|SyntaxError/);
  });
});

function csvRows(count: number): string {
  const rows = Array.from({ length: count }, (_, i) =>
    i % 3 === 0
      ? `c-${i},"a tower, ${i}\nwith a second line ""quoted""",16x16`
      : `c-${i},plain ${i},16x16`,
  );
  return `custom_id,prompt,size\n${rows.join("\n")}\n`;
}

describe("imagegate batch run from stdin", () => {
  it("reads a CSV with quoted newlines, is interrupted by Ctrl-C, and resumes without duplicates", async () => {
    const out = join(dir, "resume");
    const results = () =>
      readFileSync(join(out, "results.jsonl"), "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l));
    const args = [
      "batch",
      "run",
      "-",
      "--input-format",
      "csv",
      "-o",
      out,
      "-c",
      "2",
      "--no-progress",
    ];
    const before = await jobCount();
    const first = startCli(args, { env, stdin: csvRows(24) });
    await waitFor(() => results().length >= 4, { timeoutMs: 20_000, message: "4 results" });
    first.child.kill("SIGINT");
    const stopped = await first.done;
    expect(stopped.code).toBe(1);
    const partial = JSON.parse(stopped.stdout);
    expect(partial).toMatchObject({ total: 24, interrupted: true, failed: 0 });
    expect(partial.succeeded).toBeLessThan(24);
    const doneFirst = results().length;

    const second = await runCli(args, { env, stdin: csvRows(24) });
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toEqual({
      total: 24,
      skipped: doneFirst,
      succeeded: 24 - doneFirst,
      failed: 0,
      interrupted: false,
    });
    const lines = results();
    expect(new Set(lines.map((l) => l.custom_id)).size).toBe(24);
    expect(readdirSync(out).filter((f) => f.endsWith(".png"))).toHaveLength(24);
    // One job per row: rows in flight at Ctrl-C were handed back by their Idempotency-Key.
    expect((await jobCount()) - before).toBe(24);
    const quoted = lines.find((l) => l.custom_id === "c-3");
    const job = await gateway.get(`/v1/jobs/${quoted.job_id}`);
    expect(job.body.request.prompt).toBe('a tower, 3\nwith a second line "quoted"');
  });
});
