/**
 * The images response as JSON bytes, fast. A `b64_json` answer is mostly one
 * long base64 string: `JSON.stringify` scans it for characters to escape and
 * `Buffer.from` encodes it as UTF-8 again, ~30 µs for a 64×64 PNG against
 * ~8 µs here (docs/decisions/0015-lean-hot-path.md). Base64 needs no
 * escaping, so its characters are copied into the body as they are; every
 * other value goes through `JSON.stringify`. The bytes are those
 * `JSON.stringify(body)` gives.
 */
import type { ImagesResponse } from "./present-job";

/** `{"a":1}` → `,"a":1}` (what follows the fields before it); `{}` → `}`. */
function rest(fields: object): string {
  const json = JSON.stringify(fields);
  return json === "{}" ? "}" : `,${json.slice(1)}`;
}

/** `JSON.stringify(body)` as UTF-8 bytes; `b64_json` values must be base64, as presentImages makes them. */
export function imagesResponseJson(body: ImagesResponse): Buffer {
  const { created, data, ...others } = body;
  const parts: Buffer[] = [Buffer.from(`{"created":${JSON.stringify(created)},"data":[`)];
  data.forEach((image, i) => {
    const comma = i === 0 ? "" : ",";
    const { b64_json, ...more } = image;
    if (b64_json === undefined) {
      parts.push(Buffer.from(comma + JSON.stringify(image)));
      return;
    }
    parts.push(
      Buffer.from(`${comma}{"b64_json":"`),
      Buffer.from(b64_json, "latin1"),
      Buffer.from(`"${rest(more)}`),
    );
  });
  parts.push(Buffer.from(`]${rest(others)}`));
  return Buffer.concat(parts);
}
