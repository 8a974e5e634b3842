/**
 * Batch items from CSV, read with csv-parse (RFC 4180: quoted fields may hold
 * commas, doubled quotes and newlines; a BOM and CRLF are fine). The header
 * names the request fields: `prompt` is required, `custom_id` names the
 * item, every other column is sent as that field. Rows without a custom_id
 * are named `row-N` (the Nth data row): with quoted newlines, a "line"
 * number would not say which row it was.
 */
import type { Readable } from "node:stream";
import { parse } from "csv-parse";
import type { BatchItem } from "./batch-items";

/** Columns sent as numbers when they hold one (the gateway wants integers there). */
const NUMERIC = new Set([
  "n",
  "seed",
  "output_compression",
  "safety_tolerance",
  "output_quality",
  "width",
  "height",
]);

/** The value of one cell as it goes into the request body. */
export function cellValue(column: string, value: string): unknown {
  if (NUMERIC.has(column) && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  return value;
}

/** The item of one parsed row (`record` maps header names to trimmed cells). */
export function csvItem(record: Record<string, string>, row: number): BatchItem {
  const body: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(record)) {
    if (value && column !== "custom_id") body[column] = cellValue(column, value);
  }
  return { customId: record.custom_id || `row-${row}`, body };
}

/** Reads every item of a CSV stream; `name` is used in error messages. */
export async function readCsvItems(input: Readable, name: string): Promise<BatchItem[]> {
  const parser = input.pipe(
    parse({
      bom: true,
      trim: true,
      skip_empty_lines: true,
      // A short row leaves the missing columns out instead of failing the file.
      relax_column_count: true,
      columns: (header: string[]) => {
        const names = header.map((h) => h.trim());
        if (!names.includes("prompt"))
          throw new Error(`${name}: the header needs a 'prompt' column`);
        return names;
      },
    }),
  );
  const items: BatchItem[] = [];
  try {
    for await (const record of parser) {
      items.push(csvItem(record as Record<string, string>, items.length + 1));
    }
  } catch (err) {
    const message = (err as Error).message;
    throw new Error(message.startsWith(name) ? message : `${name}: ${message}`);
  }
  return items;
}
