/**
 * The `imagegate` command line (commander): generate, edit, jobs, batch.
 * Configured by --url / --api-key or IMAGEGATE_URL / IMAGEGATE_API_KEY.
 * Results go to stdout (paths, or JSON with --json), everything else to
 * stderr, so the command fits in a pipeline.
 */
import { Command } from "commander";
import { readPrompt } from "./batch-items";
import { ApiError, createClient } from "./client";
import { editCommand } from "./commands/edit";
import { generateCommand, type ImageOptions, type ImageOutcome } from "./commands/generate";
import { integer } from "./flags";
import { type CommandContext, type Io, processIo } from "./io";
import { registerBatchCommands } from "./program-batch";
import { registerJobCommands } from "./program-jobs";
import { loadSettings, type SettingsFlags } from "./settings";
import { cliVersion } from "./version";

type OutputFlags = { json?: boolean };

function printOutcome(io: Io, outcome: ImageOutcome, flags: OutputFlags) {
  if (flags.json) io.out(JSON.stringify(outcome));
  else for (const path of outcome.files) io.out(path);
}

/** Builds the program; `env` and `io` are injectable for tests. */
export function createProgram(env: Record<string, string | undefined>, io: Io = processIo()) {
  const program = new Command("imagegate")
    .description("Generate and edit images through an imagegate gateway")
    .version(cliVersion(), "-V, --version", "print the version")
    .option("--url <url>", "gateway URL (env IMAGEGATE_URL, default http://localhost:8080)")
    .option("--api-key <key>", "API key (env IMAGEGATE_API_KEY)")
    .option("--retries <n>", "retries on connection errors and 5xx, with backoff", "4")
    .showHelpAfterError();
  const context: CommandContext = {
    io,
    client: () =>
      createClient(loadSettings(program.opts<SettingsFlags>(), env), {
        onRetry: (message) => io.err(`imagegate: ${message}`),
      }),
  };
  const prompt = (value: string) => (value === "-" ? readPrompt(io.stdin) : Promise.resolve(value));
  const imageOptions = (cmd: Command) =>
    cmd
      .option("-m, --model <model>", "model id", "flux.2-max")
      .option("-s, --size <size>", "WxH, W:H or auto")
      .option("-n, --n <n>", "number of images", integer)
      .option("-f, --format <format>", "png, jpeg, webp, avif or gif")
      .option("--seed <seed>", "seed", integer)
      .option("-o, --out <dir>", "directory for the images", ".")
      .option("--idempotency-key <key>", "Idempotency-Key (default: a new one per run)")
      .option("--json", "print {job_id, provider, files, applied, …} instead of paths");

  imageOptions(
    program
      .command("generate")
      .argument("<prompt>", "what to draw ('-' reads it from stdin)")
      .description("Generate images"),
  ).action(async (text: string, options: ImageOptions & OutputFlags) => {
    const outcome = await generateCommand(context.client(), await prompt(text), options);
    printOutcome(io, outcome, options);
  });

  imageOptions(
    program
      .command("edit")
      .argument("<images...>", "input images (PNG, JPEG, WebP)")
      .requiredOption("-p, --prompt <prompt>", "the edit to make ('-' reads it from stdin)")
      .option("--mask <file>", "mask (transparent = edit here)")
      .description("Edit images"),
  ).action(
    async (
      images: string[],
      options: ImageOptions & OutputFlags & { prompt: string; mask?: string },
    ) => {
      const outcome = await editCommand(context.client(), images, {
        ...options,
        prompt: await prompt(options.prompt),
      });
      printOutcome(io, outcome, options);
    },
  );

  registerJobCommands(program, context);
  registerBatchCommands(program, context);
  return program;
}

/** The one-line message of an error. */
export function errorMessage(err: unknown): string {
  return err instanceof ApiError
    ? `error ${err.status}${err.code ? ` ${err.code}` : ""}: ${err.message}`
    : `error: ${(err as Error).message}`;
}

/** Runs the program on `argv`, printing errors as one line on stderr (exit code 1). */
export async function runCli(
  argv: string[],
  env: Record<string, string | undefined>,
  io: Io = processIo(),
): Promise<void> {
  try {
    await createProgram(env, io).parseAsync(argv);
  } catch (err) {
    io.err(errorMessage(err));
    process.exitCode = 1;
  }
}
