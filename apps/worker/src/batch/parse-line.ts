/**
 * One line of a batch input file (docs/architecture.md#a-batch-line):
 * `{custom_id, method: "POST", url, body}` with `url` equal to the batch's
 * endpoint and `custom_id` unique in the file. Pure: a bad line becomes an
 * error for that line only.
 */

/** A line that can become a job, or why not. */
export type ParsedLine =
  | { ok: true; customId: string; body: Record<string, unknown> }
  | { ok: false; customId: string | null; code: string; message: string };

const MAX_CUSTOM_ID = 512;

/** Parses and checks one non-blank line; `seen` collects custom_ids. */
export function parseBatchLine(text: string, endpoint: string, seen: Set<string>): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return {
      ok: false,
      customId: null,
      code: "invalid_json",
      message: "The line is not valid JSON.",
    };
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    return {
      ok: false,
      customId: null,
      code: "invalid_request",
      message: "The line must be a JSON object.",
    };
  }
  const line = value as Record<string, unknown>;
  const customId = typeof line.custom_id === "string" ? line.custom_id : null;
  if (!customId || customId.length > MAX_CUSTOM_ID) {
    return {
      ok: false,
      customId,
      code: "missing_custom_id",
      message: `custom_id must be a string of 1–${MAX_CUSTOM_ID} characters.`,
    };
  }
  if (seen.has(customId)) {
    return {
      ok: false,
      customId,
      code: "duplicate_custom_id",
      message: `custom_id '${customId}' appears more than once.`,
    };
  }
  seen.add(customId);
  if (line.method !== "POST") {
    return { ok: false, customId, code: "invalid_method", message: "method must be POST." };
  }
  if (line.url !== endpoint) {
    return {
      ok: false,
      customId,
      code: "invalid_url",
      message: `url must be the batch's endpoint ${endpoint}.`,
    };
  }
  if (!line.body || typeof line.body !== "object" || Array.isArray(line.body)) {
    return { ok: false, customId, code: "invalid_body", message: "body must be a JSON object." };
  }
  return { ok: true, customId, body: line.body as Record<string, unknown> };
}

/** The error-file line of a line that never became a job. */
export function lineErrorRecord(
  id: string,
  customId: string | null,
  code: string,
  message: string,
  line: number,
): string {
  return JSON.stringify({
    id,
    custom_id: customId,
    response: null,
    error: { code, message, line },
  });
}
