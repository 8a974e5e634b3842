/**
 * Lines of a batch input file, read from its stream with a cap on each
 * line's length (BATCH_MAX_LINE_BYTES): a longer line is skipped as it
 * streams — never held whole in memory — and reported as too long, so one
 * oversized line fails alone. Lines end at `\n`; a `\r` before it is dropped.
 */

/** A line of the file (numbered from 1), or the number of one that was too long. */
export type InputLine = { line: number; text: string } | { line: number; tooLong: true };

/** Reads `stream` line by line, each line at most `maxBytes`. */
export async function* readLines(
  stream: AsyncIterable<Buffer | string>,
  maxBytes: number,
): AsyncGenerator<InputLine> {
  let pieces: Buffer[] = [];
  let bytes = 0;
  let tooLong = false;
  let line = 0;
  const take = (): InputLine => {
    line++;
    const out: InputLine = tooLong
      ? { line, tooLong: true }
      : { line, text: Buffer.concat(pieces).toString("utf8").replace(/\r$/, "") };
    pieces = [];
    bytes = 0;
    tooLong = false;
    return out;
  };
  for await (const chunk of stream) {
    const buffer = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    let start = 0;
    for (;;) {
      const newline = buffer.indexOf(10, start);
      const end = newline === -1 ? buffer.length : newline;
      if (!tooLong && end > start) {
        bytes += end - start;
        if (bytes > maxBytes) {
          tooLong = true;
          pieces = [];
        } else pieces.push(buffer.subarray(start, end));
      }
      if (newline === -1) break;
      yield take();
      start = newline + 1;
    }
  }
  if (bytes > 0 || tooLong) yield take();
}
