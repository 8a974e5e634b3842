/**
 * `Content-Disposition: attachment` for a suggested download name (RFC 6266).
 * Header values must be ASCII, so the name appears twice: an ASCII fallback in
 * `filename="…"` and the exact UTF-8 name in `filename*` (RFC 8187). Quotes,
 * backslashes and control characters never reach the header, so a name cannot
 * break out of it.
 */

// RFC 8187 attr-char: the bytes that may appear unescaped in `filename*`.
const ATTR_CHAR = /^[A-Za-z0-9!#$&+.^_`|~-]$/;

function encodeExtValue(value: string): string {
  // Buffer.from turns lone surrogates into U+FFFD instead of throwing like encodeURIComponent.
  let out = "";
  for (const byte of Buffer.from(value, "utf8")) {
    const char = String.fromCharCode(byte);
    out += ATTR_CHAR.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** The `Content-Disposition` value that offers `filename` as a download. */
export function attachmentDisposition(filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeExtValue(filename)}`;
}
