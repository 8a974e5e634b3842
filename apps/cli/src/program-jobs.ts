/** `imagegate jobs list|get|cancel`: commander wiring of commands/jobs.ts. */
import type { Command } from "commander";
import type { JsonObject } from "./client";
import { cancelJob, getJob, jobLine, listJobs, saveJobImages } from "./commands/jobs";
import { integer } from "./flags";
import type { CommandContext } from "./io";

/** Adds the `jobs` command group. */
export function registerJobCommands(program: Command, { client, io }: CommandContext): void {
  const jobs = program.command("jobs").description("Your async jobs: list, get, cancel");

  jobs
    .command("list")
    .description(
      "List jobs, newest first: id, status, model, provider, created, prompt (tab-separated)",
    )
    .option("--status <status>", "queued, in_progress, succeeded, failed or canceled")
    .option("--limit <n>", "jobs to list (1-100)", integer)
    .option("--after <job_id>", "list the jobs after this one (the next page)")
    .option("--json", "print the API's list object")
    .action(
      async (options: { status?: string; limit?: number; after?: string; json?: boolean }) => {
        const list = await listJobs(client(), options);
        if (options.json) io.out(JSON.stringify(list));
        else for (const job of (list.data ?? []) as JsonObject[]) io.out(jobLine(job));
      },
    );

  jobs
    .command("get")
    .argument("<job_id>")
    .description("Print a job object (JSON)")
    .option("--wait <seconds>", "wait up to this long (≤ 60) for the job to end", integer)
    .option("-o, --out <dir>", "also save a succeeded job's images here (paths on stderr)")
    .action(async (id: string, options: { wait?: number; out?: string }) => {
      const job = await getJob(client(), id, options.wait);
      io.out(JSON.stringify(job, null, 2));
      if (options.out)
        for (const path of await saveJobImages(client(), job, options.out)) io.err(path);
    });

  jobs
    .command("cancel")
    .argument("<job_ids...>")
    .description("Cancel jobs; prints each id and its status")
    .option("--json", "print each job object")
    .action(async (ids: string[], options: { json?: boolean }) => {
      for (const id of ids) {
        const job = await cancelJob(client(), id);
        io.out(options.json ? JSON.stringify(job) : `${job.id}\t${job.status}`);
      }
    });
}
