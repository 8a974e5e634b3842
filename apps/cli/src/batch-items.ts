/**
 * The items of `imagegate batch run|submit`: one request per prompt of a
 * `.txt` (a prompt per line), per row of a `.csv` (csv-items.ts) or per line
 * of a `.jsonl` (`{custom_id, prompt, …}` or OpenAI batch lines
 * `{custom_id, body}`). `-` reads standard input, in the format given or, when
 * none is, JSONL if it starts with `{` and plain prompts otherwise. Items
 * without a custom_id are named after their line (`line-N`) or row (`row-N`).
 */
import { createReadStream } from "node:fs";
import { extname } from "node:path";
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import { readCsvItems } from "./csv-items";

/** One request to make. */
export type BatchItem = { customId: string; body: Record<string, unknown> };

/** The formats of a batch input. */
export const INPUT_FORMATS = ["txt", "csv", "jsonl"] as const;
/** A batch input format. */
export type InputFormat = (typeof INPUT_FORMATS)[number];

/** Where the items come from: a path, or `-` with the stream to read. */
export type ItemSource = { path: string; format?: InputFormat; stdin?: Readable };

/** The format of a file path by its extension; throws for anything else. */
export function formatOfPath(path: string): InputFormat {
  const kind = extname(path).toLowerCase().slice(1);
  if (!(INPUT_FORMATS as readonly string[]).includes(kind))
    throw new Error(`${path}: use a .txt, .csv or .jsonl file (or --input-format)`);
  return kind as InputFormat;
}

/** The format of standard input by its first characters: JSONL if it starts with `{`. */
export function sniffFormat(text: string): InputFormat {
  return text.trimStart().startsWith("{") ? "jsonl" : "txt";
}

/** The item of one JSONL line (flat or an OpenAI batch line). */
function jsonlItem(line: string, fallback: string, where: string): BatchItem {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new Error(`${where}: not valid JSON`);
  }
  if (!value || typeof value !== "object" || Array.isArray(value))
    throw new Error(`${where}: each line must be a JSON object`);
  const { custom_id: id, body, method: _m, url: _u, ...rest } = value as Record<string, unknown>;
  return {
    customId: typeof id === "string" && id ? id : fallback,
    body: body && typeof body === "object" ? (body as Record<string, unknown>) : rest,
  };
}

async function readLineItems(input: Readable, format: "txt" | "jsonl", name: string) {
  const items: BatchItem[] = [];
  let lineNo = 0;
  for await (const raw of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    lineNo++;
    const line = raw.trim();
    if (!line) continue;
    const fallback = `line-${lineNo}`;
    items.push(
      format === "txt"
        ? { customId: fallback, body: { prompt: line } }
        : jsonlItem(line, fallback, `${name}:${lineNo}`),
    );
  }
  return items;
}

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString("utf8");
}

/** Reads every item of a source; custom_ids must be unique. */
export async function readBatchItems(source: ItemSource | string): Promise<BatchItem[]> {
  const { path, format: given, stdin } = typeof source === "string" ? { path: source } : source;
  let input: Readable;
  let format: InputFormat;
  const name = path === "-" ? "stdin" : path;
  if (path === "-") {
    // Read whole: the format may have to be sniffed, and a pipe cannot be re-read.
    const text = await readAll(stdin ?? process.stdin);
    format = given ?? sniffFormat(text);
    input = Readable.from([text]);
  } else {
    format = given ?? formatOfPath(path);
    input = createReadStream(path);
  }
  const items =
    format === "csv" ? await readCsvItems(input, name) : await readLineItems(input, format, name);
  const seen = new Set<string>();
  for (const item of items) {
    if (seen.has(item.customId))
      throw new Error(`${name}: custom_id '${item.customId}' appears twice`);
    seen.add(item.customId);
  }
  return items;
}

/** Reads all of a stream (a prompt from standard input), trimmed; throws when it is empty. */
export async function readPrompt(stdin: Readable): Promise<string> {
  const text = (await readAll(stdin)).trim();
  if (!text) throw new Error("no prompt on standard input");
  return text;
}
