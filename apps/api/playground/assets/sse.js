// @ts-check
/**
 * A Server-Sent Events parser for `GET /v1/jobs/{id}/events`. EventSource
 * cannot send an Authorization header, so the page reads the stream with
 * fetch and parses it here. Pure: text in, events out.
 */

/** @typedef {{ event: string; data: string }} SseEvent */

/**
 * A parser: feed it chunks as they arrive; it returns the events completed so far.
 * @returns {{ push(chunk: string): SseEvent[] }}
 */
export function createSseParser() {
  let buffer = "";
  let event = "";
  /** @type {string[]} */
  let data = [];
  return {
    push(chunk) {
      buffer += chunk;
      /** @type {SseEvent[]} */
      const out = [];
      for (;;) {
        const match = /\r\n|\r|\n/.exec(buffer);
        // A lone \r at the end may be half of \r\n: wait for the next chunk.
        if (!match || (match[0] === "\r" && match.index === buffer.length - 1)) break;
        const line = buffer.slice(0, match.index);
        buffer = buffer.slice(match.index + match[0].length);
        if (line === "") {
          if (data.length > 0) out.push({ event: event || "message", data: data.join("\n") });
          event = "";
          data = [];
          continue;
        }
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon === -1 ? line : line.slice(0, colon);
        let value = colon === -1 ? "" : line.slice(colon + 1);
        if (value.startsWith(" ")) value = value.slice(1);
        if (field === "event") event = value;
        else if (field === "data") data.push(value);
      }
      return out;
    },
  };
}
