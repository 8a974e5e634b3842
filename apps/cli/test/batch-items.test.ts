import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import {
  cellValue,
  formatOfPath,
  itemKey,
  loadSettings,
  readBatchItems,
  readPrompt,
  sniffFormat,
} from "@imagegate/cli";

const dir = mkdtempSync(join(tmpdir(), "cli-items-"));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
const stdin = (text: string) => Readable.from([Buffer.from(text)]);

describe("readBatchItems", () => {
  it("reads a prompt per line from .txt, naming items after their line", async () => {
    const items = await readBatchItems(file("a.txt", "a fox\n\n  a hen  \n"));
    expect(items).toEqual([
      { customId: "line-1", body: { prompt: "a fox" } },
      { customId: "line-3", body: { prompt: "a hen" } },
    ]);
  });

  it("reads .csv with a header, quotes and typed numbers, naming rows after their number", async () => {
    const items = await readBatchItems(
      file("b.csv", 'custom_id,prompt,size,seed\nx1,"a fox, red",64x64,7\n,"say ""hi""",,\n'),
    );
    expect(items).toEqual([
      { customId: "x1", body: { prompt: "a fox, red", size: "64x64", seed: 7 } },
      { customId: "row-2", body: { prompt: 'say "hi"' } },
    ]);
  });

  it("keeps a newline inside a quoted CSV field (CRLF file with a BOM)", async () => {
    const text =
      '\uFEFFprompt,custom_id\r\n"line one\r\nline two, still one field",q\r\nplain,r\r\n';
    expect(await readBatchItems(file("nl.csv", text))).toEqual([
      { customId: "q", body: { prompt: "line one\r\nline two, still one field" } },
      { customId: "r", body: { prompt: "plain" } },
    ]);
  });

  it("reads .jsonl as flat items or OpenAI batch lines", async () => {
    const text = `${JSON.stringify({ custom_id: "a", prompt: "p", size: "8x8" })}\n${JSON.stringify({ custom_id: "b", method: "POST", url: "/v1/images/generations", body: { prompt: "q" } })}\n`;
    expect(await readBatchItems(file("c.jsonl", text))).toEqual([
      { customId: "a", body: { prompt: "p", size: "8x8" } },
      { customId: "b", body: { prompt: "q" } },
    ]);
  });

  it.each([
    ["txt (sniffed)", undefined, "a fox\na hen\n", ["line-1", "line-2"]],
    ["jsonl (sniffed)", undefined, '{"custom_id":"j","prompt":"p"}\n', ["j"]],
    ["csv (given)", "csv" as const, 'prompt\n"two\nlines"\nthree\n', ["row-1", "row-2"]],
  ])("reads standard input as %s", async (_name, format, text, ids) => {
    const items = await readBatchItems({
      path: "-",
      stdin: stdin(text),
      ...(format ? { format } : {}),
    });
    expect(items.map((i) => i.customId)).toEqual(ids);
  });

  it.each([
    ["d.csv", "text\nhello\n", /needs a 'prompt' column/],
    ["h.csv", 'prompt\n"never closed\n', /h\.csv: .*[Qq]uote/],
    ["e.jsonl", "{oops\n", /e\.jsonl:1: not valid JSON/],
    ["i.jsonl", "[1]\n", /must be a JSON object/],
    [
      "f.jsonl",
      '{"custom_id":"a","prompt":"p"}\n{"custom_id":"a","prompt":"q"}\n',
      /appears twice/,
    ],
    ["g.pdf", "x", /\.txt, \.csv or \.jsonl/],
  ])("refuses %s", async (name, text, message) => {
    await expect(readBatchItems(file(name, text))).rejects.toThrow(message);
  });
});

describe("formatOfPath and sniffFormat", () => {
  it.each([
    ["a.TXT", "txt"],
    ["dir/b.csv", "csv"],
    ["c.jsonl", "jsonl"],
  ])("%s is %s", (path, format) => {
    expect(formatOfPath(path)).toBe(format);
  });

  it.each([
    ['  {"prompt":"x"}', "jsonl"],
    ["a fox", "txt"],
    ["", "txt"],
  ])("sniffs %j as %s", (text, format) => {
    expect(sniffFormat(text)).toBe(format);
  });
});

describe("cellValue", () => {
  it.each([
    ["seed", "7", 7],
    ["n", "2", 2],
    ["seed", "seven", "seven"],
    ["size", "16", "16"],
    ["prompt", "12", "12"],
  ])("%s=%j becomes %j", (column, value, expected) => {
    expect(cellValue(column, value)).toEqual(expected);
  });
});

describe("readPrompt", () => {
  it("reads and trims all of standard input", async () => {
    expect(await readPrompt(stdin("  a lighthouse\nat dusk \n"))).toBe("a lighthouse\nat dusk");
  });

  it("refuses an empty input", async () => {
    await expect(readPrompt(stdin(" \n"))).rejects.toThrow(/no prompt/);
  });
});

describe("itemKey", () => {
  it("is the same for the same item and differs for another", () => {
    const a = { customId: "a", body: { prompt: "p" } };
    expect(itemKey(a)).toBe(itemKey({ ...a }));
    expect(itemKey(a)).not.toBe(itemKey({ customId: "a", body: { prompt: "q" } }));
  });
});

describe("loadSettings", () => {
  it("prefers flags, then the environment, then the default", () => {
    expect(loadSettings({}, {})).toEqual({
      url: "http://localhost:8080",
      apiKey: undefined,
      retries: 4,
    });
    expect(loadSettings({}, { IMAGEGATE_URL: "http://gw:9000/", IMAGEGATE_API_KEY: "k" })).toEqual({
      url: "http://gw:9000",
      apiKey: "k",
      retries: 4,
    });
    expect(
      loadSettings({ url: "http://x", apiKey: "f", retries: "0" }, { IMAGEGATE_URL: "http://gw" }),
    ).toEqual({ url: "http://x", apiKey: "f", retries: 0 });
  });

  it.each([
    [{ url: "nope" }, /IMAGEGATE_URL/],
    [{ retries: "many" }, /--retries/],
    [{ retries: "-1" }, /--retries/],
  ])("refuses %j", (flags, message) => {
    expect(() => loadSettings(flags, {})).toThrow(message);
  });
});
