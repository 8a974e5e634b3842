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

/** A bench: its name, whether its gateway stores images on disk, and how it runs on a Redis. */
type Bench = [
  name: string,
  storesFiles: boolean,
  run: (redisUrl: string) => Promise<BenchResult[]>,
];

async function main(): Promise<void> {
  const only = process.argv.slice(2).filter((a) => !a.startsWith("--"));
  // Checked before anything runs, so a bad flag does not stop a run minutes in.
  const scaleJobs = jobsFromArgs();
  const benches: Bench[] = [
    ["proxy", true, runProxy],
    // Submit only queues; encode stores nothing.
    ["submit", false, runSubmit],
    ["e2e", true, runE2e],
    ["encode", false, runEncode],
    ["ratelimit", true, runRateLimit],
    ["batch", true, runBatch],
    ["scale", true, (url) => runScale(url, scaleJobs)],
  ];
  const selected = benches.filter(([name]) => only.length === 0 || only.includes(name));
  // Incremental: a second of checking when dist is up to date.
  execFileSync("pnpm", ["run", "--silent", "build"], {
    cwd: join(__dirname, ".."),
    stdio: "inherit",
  });
  const results: BenchResult[] = [];
  // A gateway that writes a file per image: wait out a filesystem slowed by recent deletions.
  if (selected.some(([, storesFiles]) => storesFiles)) {
    results.push(
      await awaitCheapFileCreation(tmpdir(), (line) => process.stdout.write(`${line}\n`)),
    );
  }
  const redis = await startRedis();
  try {
    for (const [name, , bench] of selected) {
      process.stdout.write(`running ${name}…\n`);
      results.push(...(await bench(redis.url)));
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
