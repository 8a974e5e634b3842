/**
 * The items of `imagegate batch run`: one request per line of a `.txt`
 * (a prompt per line), `.csv` (a header row: `prompt` plus any of
 * `custom_id`, `size`, `model`, `seed`, `n`, `output_format`, …) or `.jsonl`
 * (`{custom_id, prompt, …}` or OpenAI batch lines `{custom_id, body}`).
 * Items without a custom_id are named after their line.
 */
import { createReadStream } from "node:fs";
import { extname } from "node:path";
import { createInterface } from "node:readline";

/** One request to make. */
export type BatchItem = { customId: string; body: Record<string, unknown> };

const NUMERIC = new Set([
  "n",
  "seed",
  "output_compression",
  "safety_tolerance",
  "output_quality",
  "width",
  "height",
]);

/** Splits one CSV line (RFC 4180 quotes). */
export function splitCsv(line: string): string[] {
  const out: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      out.push(field);
      field = "";
    } else field += c;
  }
  out.push(field);
  return out;
}

/** Reads every item of `path`, by its extension. */
export async function readBatchItems(path: string): Promise<BatchItem[]> {
  const kind = extname(path).toLowerCase();
  if (![".txt", ".csv", ".jsonl"].includes(kind))
    throw new Error(`${path}: use a .txt, .csv or .jsonl file`);
  const items: BatchItem[] = [];
  let header: string[] | null = null;
  let lineNo = 0;
  const lines = createInterface({
    input: createReadStream(path),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  for await (const raw of lines) {
    lineNo++;
    const line = raw.trim();
    if (!line) continue;
    const fallback = `line-${lineNo}`;
    if (kind === ".txt") {
      items.push({ customId: fallback, body: { prompt: line } });
    } else if (kind === ".csv") {
      if (!header) {
        header = splitCsv(line).map((h) => h.trim());
        if (!header.includes("prompt"))
          throw new Error(`${path}: the header needs a 'prompt' column`);
        continue;
      }
      const cells = splitCsv(raw);
      const body: Record<string, unknown> = {};
      header.forEach((name, i) => {
        const value = cells[i]?.trim();
        if (value && name !== "custom_id") body[name] = NUMERIC.has(name) ? Number(value) : value;
      });
      const id = cells[header.indexOf("custom_id")]?.trim();
      items.push({ customId: id || fallback, body });
    } else {
      let value: Record<string, unknown>;
      try {
        value = JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`${path}:${lineNo}: not valid JSON`);
      }
      const { custom_id: id, body, method: _m, url: _u, ...rest } = value;
      items.push({
        customId: typeof id === "string" && id ? id : fallback,
        body: body && typeof body === "object" ? (body as Record<string, unknown>) : rest,
      });
    }
  }
  const seen = new Set<string>();
  for (const item of items) {
    if (seen.has(item.customId))
      throw new Error(`${path}: custom_id '${item.customId}' appears twice`);
    seen.add(item.customId);
  }
  return items;
}
