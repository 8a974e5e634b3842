/**
 * A bad value stops each process entry before it starts anything: exit 1,
 * every bad variable named on stderr (docs/architecture.md#configuration).
 */
import { spawn } from "node:child_process";
import { resolve } from "node:path";

const ENTRIES = [
  ["pnpm start", "../../src/main.ts"],
  ["pnpm start:api", "../../../api/src/main.ts"],
  ["pnpm start:worker", "../../../worker/src/main.ts"],
] as const;

function run(
  main: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(
      process.execPath,
      ["--conditions=@imagegate/source", "--import", "tsx", resolve(__dirname, main)],
      { env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("exit", (code) => done({ code, stderr }));
  });
}

describe("a bad configuration", () => {
  it.each(ENTRIES)(
    "stops %s with exit 1, naming each bad variable",
    async (_name, main) => {
      const { code, stderr } = await run(main, {
        WEBHOOK_TIMEOUT_MS: "soon",
        STORAGE: "floppy",
      });
      expect(code).toBe(1);
      expect(stderr).toMatch(/^Invalid configuration:/m);
      expect(stderr).toMatch(/WEBHOOK_TIMEOUT_MS/);
      expect(stderr).toMatch(/STORAGE/);
    },
    30_000,
  );
});
