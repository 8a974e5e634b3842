/** Loosely typed JSON for test assertions over HTTP answers. */

// biome-ignore lint/suspicious/noExplicitAny: tests walk arbitrary JSON and assert on it.
export type Json = any;

/** The body of `res` as JSON. */
export async function readJson(res: Response): Promise<Json> {
  return res.json();
}
