/**
 * `imagegate batch run|submit|status|download`: commander wiring. `run`
 * drives every item from this machine; `submit`/`status`/`download` hand the
 * run to the gateway's Batch API and fetch its results later.
 */
import { type Command, InvalidArgumentError } from "commander";
import { INPUT_FORMATS, type InputFormat, readBatchItems } from "./batch-items";
import { type BatchRunSummary, batchRunCommand } from "./commands/batch";
import { downloadBatch } from "./commands/batch-download";
import { BATCH_ENDPOINTS, batchLine, submitBatch, waitForBatch } from "./commands/batch-submit";
import { integer } from "./flags";
import { type CommandContext, interruptSignal } from "./io";

type DefaultFlags = { model?: string; size?: string; format?: string };

function inputFormat(value: string): InputFormat {
  if (!(INPUT_FORMATS as readonly string[]).includes(value))
    throw new InvalidArgumentError(`expected one of ${INPUT_FORMATS.join(", ")}`);
  return value as InputFormat;
}

function endpoint(value: string): keyof typeof BATCH_ENDPOINTS {
  if (!(value in BATCH_ENDPOINTS)) throw new InvalidArgumentError("expected generations or edits");
  return value as keyof typeof BATCH_ENDPOINTS;
}

function metadataPair(value: string, previous: Record<string, string> = {}) {
  const at = value.indexOf("=");
  if (at < 1) throw new InvalidArgumentError("expected key=value");
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
}

function defaultsOf(options: DefaultFlags): Record<string, unknown> {
  return {
    ...(options.model ? { model: options.model } : {}),
    ...(options.size ? { size: options.size } : {}),
    ...(options.format ? { output_format: options.format } : {}),
  };
}

const withDefaults = (cmd: Command) =>
  cmd
    .option("-m, --model <model>", "default model")
    .option("-s, --size <size>", "default size")
    .option("-f, --format <format>", "default output format")
    .option(
      "--input-format <format>",
      "txt, csv or jsonl (default: by extension; sniffed on stdin)",
      inputFormat,
    );

/** Adds the `batch` command group. */
export function registerBatchCommands(program: Command, { client, io }: CommandContext): void {
  const batch = program.command("batch").description("Bulk generation");
  const finish = (summary: BatchRunSummary) => {
    io.out(JSON.stringify(summary));
    if (summary.failed > 0 || summary.interrupted) process.exitCode = 1;
  };

  withDefaults(
    batch
      .command("run")
      .description("Run every item from this machine, resumable")
      .argument("<file>", "prompts as .jsonl, .csv or .txt ('-' reads stdin)")
      .requiredOption("-o, --out <dir>", "directory for images and results.jsonl")
      .option("-c, --concurrency <n>", "requests in flight", integer, 8)
      .option("--no-progress", "no progress bar"),
  ).action(
    async (
      file: string,
      options: DefaultFlags & {
        out: string;
        concurrency: number;
        progress: boolean;
        inputFormat?: InputFormat;
      },
    ) => {
      const interrupt = interruptSignal();
      const summary = await batchRunCommand(client(), {
        file,
        out: options.out,
        concurrency: options.concurrency,
        defaults: defaultsOf(options),
        progress: options.progress,
        signal: interrupt.signal,
        stdin: io.stdin,
        ...(options.inputFormat ? { format: options.inputFormat } : {}),
      }).finally(interrupt.release);
      finish(summary);
    },
  );

  withDefaults(
    batch
      .command("submit")
      .description("Upload the items and start a server-side batch; prints its id")
      .argument("<file>", "prompts as .jsonl, .csv or .txt ('-' reads stdin)")
      .option("--endpoint <endpoint>", "generations or edits", endpoint, "generations")
      .option("--metadata <key=value>", "batch metadata (repeatable)", metadataPair)
      .option("--wait", "wait for the batch to end (status changes on stderr)")
      .option("--json", "print the batch object"),
  ).action(
    async (
      file: string,
      options: DefaultFlags & {
        endpoint: keyof typeof BATCH_ENDPOINTS;
        metadata?: Record<string, string>;
        inputFormat?: InputFormat;
        wait?: boolean;
        json?: boolean;
      },
    ) => {
      const items = await readBatchItems({
        path: file,
        stdin: io.stdin,
        ...(options.inputFormat ? { format: options.inputFormat } : {}),
      });
      let created = await submitBatch(client(), items, {
        endpoint: options.endpoint,
        defaults: defaultsOf(options),
        ...(options.metadata ? { metadata: options.metadata } : {}),
      });
      if (options.wait) {
        created = await waitForBatch(client(), String(created.id), {
          onChange: (b) => io.err(batchLine(b)),
        });
      }
      io.out(options.json ? JSON.stringify(created) : String(created.id));
    },
  );

  batch
    .command("status")
    .description("Print a batch: id, status, completed/total, failed (tab-separated)")
    .argument("<batch_id>")
    .option("--wait", "wait for the batch to end (status changes on stderr)")
    .option("--json", "print the batch object")
    .action(async (id: string, options: { wait?: boolean; json?: boolean }) => {
      const found = options.wait
        ? await waitForBatch(client(), id, { onChange: (b) => io.err(batchLine(b)) })
        : await client().get(`/v1/batches/${encodeURIComponent(id)}`);
      io.out(options.json ? JSON.stringify(found) : batchLine(found));
    });

  batch
    .command("download")
    .description("Save a finished batch's images and results.jsonl, resumable")
    .argument("<batch_id>")
    .requiredOption("-o, --out <dir>", "directory for images and results.jsonl")
    .option("-c, --concurrency <n>", "downloads at once", integer, 8)
    .option("--wait", "wait for the batch to end first")
    .option("--no-progress", "no progress bar")
    .action(
      async (
        id: string,
        options: { out: string; concurrency: number; wait?: boolean; progress: boolean },
      ) => {
        if (options.wait)
          await waitForBatch(client(), id, { onChange: (b) => io.err(batchLine(b)) });
        const interrupt = interruptSignal();
        const summary = await downloadBatch(client(), id, {
          out: options.out,
          concurrency: options.concurrency,
          progress: options.progress,
          signal: interrupt.signal,
        }).finally(interrupt.release);
        finish(summary);
      },
    );
}
