/** The CLI's version: its package.json's, read at run time (`src/` and `dist/` both sit beside it). */
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The version of @imagegate/cli. */
export function cliVersion(): string {
  const pkg = JSON.parse(readFileSync(join(__dirname, "..", "package.json"), "utf8")) as {
    version?: string;
  };
  return pkg.version ?? "0.0.0";
}
