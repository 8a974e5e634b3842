/** Writing results: atomic file writes (temp + rename) and extensions per format. */
import { randomUUID } from "node:crypto";
import { rename, writeFile } from "node:fs/promises";

/** The file extension of an output format. */
export function extensionOf(format: string): string {
  return format === "jpeg" ? "jpg" : format;
}

/** Writes `data` to `path` so that a crash never leaves half a file. */
export async function writeAtomic(path: string, data: Buffer | string): Promise<void> {
  const temp = `${path}.${randomUUID()}.tmp`;
  await writeFile(temp, data);
  await rename(temp, path);
}

/** A custom_id made safe as a file name. */
export function safeName(customId: string): string {
  return (
    customId
      .replace(/[^A-Za-z0-9._-]/g, "_")
      .replace(/^\.+/, "_")
      .slice(0, 200) || "_"
  );
}
