/**
 * `pnpm bench`: builds the workspace (the gateway is measured as `pnpm start`
 * runs it, compiled), runs every bench, prints a table and writes JSON
 * results to bench/results/ (latest.json and one file per run).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startRedis } from "@imagegate/testkit";
import { run as runBatch } from "./batch";
import { run as runE2e } from "./e2e";
import { run as runEncode } from "./encode";
import { awaitCheapFileCreation } from "./file-creation";
import { run as runProxy } from "./proxy";
import { run as runRateLimit } from "./ratelimit";
import { jobsFromArgs, run as runScale } from "./scale";
import { run as runSubmit } from "./submit";
import type { BenchResult } from "./types";

/** The benches whose gateway stores images on disk (submit only queues; encode stores nothing). */
const STORE_FILES = new Set(["proxy", "e2e", "ratelimit", "batch", "scale"]);

async function main(): Promise<void> {
  const only = process.argv.slice(2).filter((a) => !a.startsWith("--"));
  // Checked before anything runs, so a bad flag does not stop a run minutes in.
  const scaleJobs = jobsFromArgs();
  // Incremental: a second of checking when dist is up to date.
  execFileSync("pnpm", ["run", "--silent", "build"], {
    cwd: join(__dirname, ".."),
    stdio: "inherit",
  });
  const results: BenchResult[] = [];
  // These run a gateway that writes a file per image: wait out a filesystem slowed by recent deletions.
  if (only.length === 0 || only.some((name) => STORE_FILES.has(name))) {
    results.push(
      await awaitCheapFileCreation(tmpdir(), (line) => process.stdout.write(`${line}\n`)),
    );
  }
  const redis = await startRedis();
  const benches: [string, () => Promise<BenchResult[]>][] = [
    ["proxy", () => runProxy(redis.url)],
    ["submit", () => runSubmit(redis.url)],
    ["e2e", () => runE2e(redis.url)],
    ["encode", () => runEncode()],
    ["ratelimit", () => runRateLimit(redis.url)],
    ["batch", () => runBatch(redis.url)],
    ["scale", () => runScale(redis.url, scaleJobs)],
  ];
  try {
    for (const [name, bench] of benches) {
      if (only.length > 0 && !only.includes(name)) continue;
      process.stdout.write(`running ${name}…\n`);
      results.push(...(await bench()));
    }
  } finally {
    await redis.stop();
  }
  const rows = results.map((r) => ({
    name: r.name,
    value: r.value,
    unit: r.unit,
    note: r.note ?? "",
  }));
  console.table(rows);
  const dir = join(__dirname, "results");
  mkdirSync(dir, { recursive: true });
  const report = { at: new Date().toISOString(), node: process.version, results };
  writeFileSync(join(dir, "latest.json"), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(
    join(dir, `${report.at.replace(/[:.]/g, "-")}.json`),
    `${JSON.stringify(report, null, 2)}\n`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
