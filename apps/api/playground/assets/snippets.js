// @ts-check
/**
 * "Copy as curl" and "Copy as OpenAI SDK": the request shown, as a command
 * or a Node script anyone can run against this gateway. The key is never
 * written out: both read IMAGEGATE_API_KEY from the environment. Pure.
 */

/** @typedef {import("./request.js").NamedFile} NamedFile */

/**
 * A string quoted for a POSIX shell (single quotes; a quote inside becomes '\'').
 * @param {string} text
 */
export function shellQuote(text) {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * @param {string} origin the gateway's origin, e.g. http://localhost:8080
 * @param {Record<string, unknown>} body
 * @param {{ files?: NamedFile[]; withKey?: boolean }} [options]
 * @returns {string}
 */
export function curlSnippet(origin, body, options = {}) {
  const files = options.files ?? [];
  const edit = files.length > 0;
  const lines = [`curl -s ${origin}/v1/images/${edit ? "edits" : "generations"}`];
  if (options.withKey !== false) lines.push(`-H "Authorization: Bearer $IMAGEGATE_API_KEY"`);
  if (!edit) {
    lines.push(`-H "Content-Type: application/json"`, `-d ${shellQuote(JSON.stringify(body))}`);
  } else {
    // --form-string: a prompt starting with @ or < is text, not a file to read.
    for (const [key, value] of Object.entries(body)) {
      lines.push(`--form-string ${shellQuote(`${key}=${String(value)}`)}`);
    }
    const field = files.length === 1 ? "image" : "image[]";
    for (const file of files) {
      lines.push(`-F ${shellQuote(`${field}=@"${file.name.replaceAll('"', '\\"')}"`)}`);
    }
  }
  return lines.join(" \\\n  ");
}

/**
 * A key as a JS object key: bare when it is an identifier.
 * @param {string} key
 */
function jsKey(key) {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key);
}

/**
 * @param {string} origin
 * @param {Record<string, unknown>} body
 * @param {{ files?: NamedFile[] }} [options]
 * @returns {string}
 */
export function sdkSnippet(origin, body, options = {}) {
  const files = options.files ?? [];
  const edit = files.length > 0;
  const fields = Object.entries(body).map(([k, v]) => `  ${jsKey(k)}: ${JSON.stringify(v)},`);
  if (edit) {
    const reads = files.map(
      (f) => `await toFile(await readFile(${JSON.stringify(f.name)}), ${JSON.stringify(f.name)})`,
    );
    fields.push(`  image: [${reads.join(", ")}],`);
  }
  return [
    edit
      ? `import OpenAI, { toFile } from "openai";\nimport { readFile } from "node:fs/promises";`
      : `import OpenAI from "openai";`,
    "",
    "const client = new OpenAI({",
    `  apiKey: process.env.IMAGEGATE_API_KEY ?? "none",`,
    `  baseURL: ${JSON.stringify(`${origin}/v1`)},`,
    "});",
    `const res = await client.images.${edit ? "edit" : "generate"}({`,
    ...fields,
    "});",
    "console.log(res.data?.[0]?.url);",
  ].join("\n");
}
