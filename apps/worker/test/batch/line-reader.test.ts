import { Readable } from "node:stream";
import { readLines } from "../../src/batch/line-reader";

async function lines(chunks: (string | Buffer)[], maxBytes: number) {
  const out = [];
  for await (const line of readLines(Readable.from(chunks), maxBytes)) out.push(line);
  return out;
}

describe("readLines", () => {
  it.each([
    [
      "lines split across chunks",
      ["ab", "c\nde", "f\n"],
      [
        { line: 1, text: "abc" },
        { line: 2, text: "def" },
      ],
    ],
    [
      "a last line without a newline",
      ["a\nb"],
      [
        { line: 1, text: "a" },
        { line: 2, text: "b" },
      ],
    ],
    [
      "CRLF endings",
      ["a\r\nb\r\n"],
      [
        { line: 1, text: "a" },
        { line: 2, text: "b" },
      ],
    ],
    [
      "blank lines keep their numbers",
      ["a\n\n\nb\n"],
      [
        { line: 1, text: "a" },
        { line: 2, text: "" },
        { line: 3, text: "" },
        { line: 4, text: "b" },
      ],
    ],
    ["an empty stream", [], []],
    ["one newline", ["\n"], [{ line: 1, text: "" }]],
  ])("%s", async (_name, chunks, expected) => {
    expect(await lines(chunks, 100)).toEqual(expected);
  });

  it("keeps a multi-byte character split between chunks whole", async () => {
    const bytes = Buffer.from("é€\n");
    expect(
      await lines([bytes.subarray(0, 1), bytes.subarray(1, 3), bytes.subarray(3)], 100),
    ).toEqual([{ line: 1, text: "é€" }]);
  });

  it("reports a line over the cap as too long, at its number, and reads on", async () => {
    const long = "x".repeat(25);
    expect(await lines(["ok\n", long.slice(0, 10), long.slice(10), "\nnext\n"], 20)).toEqual([
      { line: 1, text: "ok" },
      { line: 2, tooLong: true },
      { line: 3, text: "next" },
    ]);
    expect(await lines(["x".repeat(20), "\n", "y".repeat(21)], 20)).toEqual([
      { line: 1, text: "x".repeat(20) },
      { line: 2, tooLong: true },
    ]);
  });

  it("never holds more than the cap of a huge line", async () => {
    // 64 MB of one line in 64 KB chunks, read with a 1 KB cap.
    const chunk = Buffer.alloc(64 * 1024, 120);
    const stream = Readable.from(
      (function* () {
        for (let i = 0; i < 1024; i++) yield chunk;
        yield Buffer.from("\nend");
      })(),
    );
    const before = process.memoryUsage().arrayBuffers;
    let peak = 0;
    const out = [];
    for await (const line of readLines(stream, 1024)) {
      out.push(line);
      peak = Math.max(peak, process.memoryUsage().arrayBuffers - before);
    }
    expect(out).toEqual([
      { line: 1, tooLong: true },
      { line: 2, text: "end" },
    ]);
    expect(peak).toBeLessThan(16 * 1024 * 1024);
  });
});
