/**
 * Reading one HTTP answer of the gateway: its JSON body, or an `ApiError`
 * carrying the OpenAI envelope's message. Anything that is not JSON (a
 * proxy's HTML error page, a web server at the wrong --url) becomes a message
 * a person can act on instead of a JSON parse error. Pure.
 */

/** An error answer of the gateway (or of whatever answered in its place). */
export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: number,
    message: string,
    readonly code: string | null,
  ) {
    super(message);
  }
}

/** A loosely typed JSON answer. */
export type JsonObject = Record<string, unknown>;

/** What came back, as text. */
export type RawAnswer = {
  url: string;
  status: number;
  statusText: string;
  contentType: string | null;
  text: string;
};

const MAX_EXCERPT = 120;

function squeeze(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > MAX_EXCERPT ? `${flat.slice(0, MAX_EXCERPT - 1)}…` : flat;
}

/** A short human excerpt of a non-JSON body: an HTML page's title (or h1), else its first text. */
export function excerpt(text: string): string {
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(text)?.[1];
  const heading = /<h1[^>]*>([\s\S]*?)<\/h1>/i.exec(text)?.[1];
  const chosen = title?.trim() ? title : heading?.trim() ? heading : text;
  return squeeze(chosen.replace(/<[^>]*>/g, " "));
}

function isHtml(answer: RawAnswer): boolean {
  return /html/i.test(answer.contentType ?? "") || /^\s*<(!doctype|html)/i.test(answer.text);
}

/** The error message of a non-JSON answer. */
export function describeNonJson(answer: RawAnswer): string {
  const status = `HTTP ${answer.status}${answer.statusText ? ` ${answer.statusText}` : ""}`;
  if (!answer.text.trim()) return `${status} from ${answer.url} with an empty body`;
  const what = isHtml(answer) ? "an HTML page" : `${answer.contentType ?? "untyped"} text`;
  return (
    `${status} from ${answer.url}: ${what}, not imagegate's JSON ("${excerpt(answer.text)}"). ` +
    "Check --url / IMAGEGATE_URL, or the proxy in front of the gateway."
  );
}

/** The body of a successful JSON answer; throws `ApiError` for an error or a non-JSON answer. */
export function readAnswer(answer: RawAnswer): JsonObject {
  const ok = answer.status >= 200 && answer.status < 300;
  if (!ok && !answer.text.trim()) throw new ApiError(answer.status, describeNonJson(answer), null);
  let body: unknown;
  try {
    body = answer.text ? JSON.parse(answer.text) : {};
  } catch {
    throw new ApiError(answer.status, describeNonJson(answer), null);
  }
  if (ok && body && typeof body === "object" && !Array.isArray(body)) return body as JsonObject;
  if (ok)
    throw new ApiError(answer.status, `${answer.url} answered JSON that is not an object`, null);
  const error = (body as { error?: { message?: unknown; code?: unknown } } | null)?.error;
  const message =
    typeof error?.message === "string"
      ? error.message
      : `HTTP ${answer.status} from ${answer.url}: ${squeeze(answer.text)}`;
  throw new ApiError(answer.status, message, typeof error?.code === "string" ? error.code : null);
}
