// @ts-check
/**
 * The playground's calls to the gateway it was served by (same origin, so no
 * request leaves it): JSON calls with the typed key, async submits, and
 * following a job through its Server-Sent Events, falling back to long-polling
 * when the stream breaks. Errors carry the gateway's own message.
 */
import { createSseParser } from "./sse.js";

/** An error answer, with the envelope's message. */
export class GatewayError extends Error {
  /**
   * @param {number} status
   * @param {string} message
   * @param {string | null} code
   */
  constructor(status, message, code) {
    super(message);
    this.name = "GatewayError";
    this.status = status;
    this.code = code;
  }
}

/** @typedef {Record<string, any>} Json */

/**
 * @param {Response} res
 * @returns {Promise<Json>}
 */
async function readJson(res) {
  const text = await res.text();
  /** @type {any} */
  let body = null;
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    throw new GatewayError(
      res.status,
      `HTTP ${res.status}: the answer is not JSON (${text.slice(0, 80)})`,
      null,
    );
  }
  if (!res.ok) {
    const error = body?.error ?? {};
    throw new GatewayError(res.status, error.message ?? `HTTP ${res.status}`, error.code ?? null);
  }
  return body;
}

/**
 * @param {() => string} getKey the API key typed (empty: none sent)
 */
export function createApi(getKey) {
  /** @param {Record<string, string>} [extra] */
  const headers = (extra = {}) => {
    const key = getKey().trim();
    return { ...(key ? { authorization: `Bearer ${key}` } : {}), ...extra };
  };
  /**
   * @param {string} path
   * @param {RequestInit} [init]
   */
  const call = async (path, init = {}) =>
    readJson(await fetch(path, { ...init, headers: headers(/** @type {any} */ (init.headers)) }));

  return {
    models: () => call("/v1/models"),
    /** @param {string} id @param {number} [waitS] */
    job: (id, waitS = 0) =>
      call(`/v1/jobs/${encodeURIComponent(id)}${waitS ? `?wait=${waitS}` : ""}`),
    /** @param {number} limit */
    jobs: (limit) => call(`/v1/jobs?limit=${limit}`),
    /**
     * Submits a generation (JSON) or, with files, an edit (multipart, as the OpenAI SDK sends it); answers the job.
     * @param {Record<string, string | number>} body
     * @param {File[]} files
     */
    submit(body, files) {
      const prefer = { prefer: "respond-async" };
      if (files.length === 0) {
        return call("/v1/images/generations", {
          method: "POST",
          headers: { ...prefer, "content-type": "application/json" },
          body: JSON.stringify(body),
        });
      }
      const form = new FormData();
      for (const [key, value] of Object.entries(body)) form.append(key, String(value));
      for (const file of files)
        form.append(files.length === 1 ? "image" : "image[]", file, file.name);
      return call("/v1/images/edits", { method: "POST", headers: prefer, body: form });
    },
    /**
     * Follows a job to its end: SSE updates to `onUpdate`, the final job returned.
     * @param {string} id
     * @param {(job: Json) => void} onUpdate
     * @returns {Promise<Json>}
     */
    async follow(id, onUpdate) {
      try {
        const res = await fetch(`/v1/jobs/${encodeURIComponent(id)}/events`, {
          headers: headers(),
        });
        if (!res.ok || !res.body) return readJson(res);
        const parser = createSseParser();
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          for (const event of parser.push(value)) {
            const job = JSON.parse(event.data);
            onUpdate(job);
            if (event.event === "done") {
              await reader.cancel();
              return job;
            }
          }
        }
      } catch (err) {
        if (err instanceof GatewayError) throw err;
        // The stream broke (a proxy, a restart): long-poll instead.
      }
      for (;;) {
        const job = await call(`/v1/jobs/${encodeURIComponent(id)}?wait=30`);
        onUpdate(job);
        if (["succeeded", "failed", "canceled"].includes(job.status)) return job;
      }
    },
  };
}
