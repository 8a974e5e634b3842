/**
 * The `imagegate` command line (commander): generate, edit, batch run.
 * Configured by --url / --api-key or IMAGEGATE_URL / IMAGEGATE_API_KEY.
 */
import { Command, InvalidArgumentError } from "commander";
import { ApiError, createClient } from "./client";
import { batchRunCommand } from "./commands/batch";
import { editCommand } from "./commands/edit";
import { generateCommand, type ImageOptions } from "./commands/generate";
import { loadSettings } from "./settings";

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError("expected an integer");
  return n;
}

type GlobalFlags = { url?: string; apiKey?: string };

/** Builds the program; `env` and `out` are injectable for tests. */
export function createProgram(
  env: Record<string, string | undefined>,
  out: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
) {
  const program = new Command("imagegate")
    .description("Generate and edit images through an imagegate gateway")
    .option("--url <url>", "gateway URL (env IMAGEGATE_URL, default http://localhost:8080)")
    .option("--api-key <key>", "API key (env IMAGEGATE_API_KEY)")
    .showHelpAfterError();
  const client = () => createClient(loadSettings(program.opts<GlobalFlags>(), env));
  const imageOptions = (cmd: Command) =>
    cmd
      .option("-m, --model <model>", "model id", "flux.2-max")
      .option("-s, --size <size>", "WxH, W:H or auto")
      .option("-n, --n <n>", "number of images", integer)
      .option("-f, --format <format>", "png, jpeg, webp, avif or gif")
      .option("--seed <seed>", "seed", integer)
      .option("-o, --out <dir>", "directory for the images", ".");

  imageOptions(
    program.command("generate").argument("<prompt>", "what to draw").description("Generate images"),
  ).action(async (prompt: string, options: ImageOptions) => {
    for (const path of await generateCommand(client(), prompt, options)) out(path);
  });

  imageOptions(
    program
      .command("edit")
      .argument("<images...>", "input images (PNG, JPEG, WebP)")
      .requiredOption("-p, --prompt <prompt>", "the edit to make")
      .option("--mask <file>", "mask (transparent = edit here)")
      .description("Edit images"),
  ).action(async (images: string[], options: ImageOptions & { prompt: string; mask?: string }) => {
    for (const path of await editCommand(client(), images, options)) out(path);
  });

  program
    .command("batch")
    .description("Bulk generation")
    .command("run")
    .argument("<file>", "prompts as .jsonl, .csv or .txt")
    .requiredOption("-o, --out <dir>", "directory for images and results.jsonl")
    .option("-c, --concurrency <n>", "requests in flight", integer, 8)
    .option("-m, --model <model>", "default model")
    .option("-s, --size <size>", "default size")
    .option("-f, --format <format>", "default output format")
    .option("--no-progress", "no progress bar")
    .action(
      async (
        file: string,
        options: {
          out: string;
          concurrency: number;
          model?: string;
          size?: string;
          format?: string;
          progress: boolean;
        },
      ) => {
        const defaults = {
          ...(options.model ? { model: options.model } : {}),
          ...(options.size ? { size: options.size } : {}),
          ...(options.format ? { output_format: options.format } : {}),
        };
        const controller = new AbortController();
        const onSignal = () => controller.abort();
        process.once("SIGINT", onSignal);
        const summary = await batchRunCommand(client(), {
          file,
          out: options.out,
          concurrency: options.concurrency,
          defaults,
          progress: options.progress,
          signal: controller.signal,
        });
        process.off("SIGINT", onSignal);
        out(JSON.stringify(summary));
        if (summary.failed > 0 || summary.interrupted) process.exitCode = 1;
      },
    );
  return program;
}

/** Runs the program on `argv`, printing errors as one line. */
export async function runCli(
  argv: string[],
  env: Record<string, string | undefined>,
): Promise<void> {
  try {
    await createProgram(env).parseAsync(argv);
  } catch (err) {
    const message =
      err instanceof ApiError
        ? `error ${err.status}${err.code ? ` ${err.code}` : ""}: ${err.message}`
        : `error: ${(err as Error).message}`;
    process.stderr.write(`${message}\n`);
    process.exitCode = 1;
  }
}
