/**
 * Runs the real `imagegate` command (apps/cli/src/main.ts through tsx, as
 * `pnpm imagegate` does) as a child process, with stdin, env and signals.
 * Not a test file itself.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";

const CLI_MAIN = resolve(__dirname, "../../../cli/src/main.ts");

/** How a run of the command ended. */
export type CliRun = { code: number | null; signal: string | null; stdout: string; stderr: string };

/** A started run: its process and its end. */
export type CliProcess = { child: ChildProcess; done: Promise<CliRun>; stdout(): string };

/** Starts `imagegate <args>` with `env` added; `stdin` is written and closed. */
export function startCli(
  args: string[],
  options: { env?: Record<string, string>; stdin?: string } = {},
): CliProcess {
  const child = spawn(
    process.execPath,
    ["--conditions=@imagegate/source", "--import", "tsx", CLI_MAIN, ...args],
    { env: { ...process.env, ...options.env }, stdio: ["pipe", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  child.stdin?.end(options.stdin ?? "");
  const done = new Promise<CliRun>((done) =>
    child.once("close", (code, signal) => done({ code, signal, stdout, stderr })),
  );
  return { child, done, stdout: () => stdout };
}

/** Runs `imagegate <args>` to its end. */
export function runCli(
  args: string[],
  options: { env?: Record<string, string>; stdin?: string } = {},
): Promise<CliRun> {
  return startCli(args, options).done;
}
