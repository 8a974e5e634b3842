import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { itemKey, loadSettings, readBatchItems, splitCsv } from "@imagegate/cli";

const dir = mkdtempSync(join(tmpdir(), "cli-items-"));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe("readBatchItems", () => {
  it("reads a prompt per line from .txt, naming items after their line", async () => {
    const items = await readBatchItems(file("a.txt", "a fox\n\n  a hen  \n"));
    expect(items).toEqual([
      { customId: "line-1", body: { prompt: "a fox" } },
      { customId: "line-3", body: { prompt: "a hen" } },
    ]);
  });

  it("reads .csv with a header, quotes and typed numbers", async () => {
    const items = await readBatchItems(
      file("b.csv", 'custom_id,prompt,size,seed\nx1,"a fox, red",64x64,7\n,"say ""hi""",,\n'),
    );
    expect(items).toEqual([
      { customId: "x1", body: { prompt: "a fox, red", size: "64x64", seed: 7 } },
      { customId: "line-3", body: { prompt: 'say "hi"' } },
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
    ["d.csv", "text\nhello\n", /prompt/],
    ["e.jsonl", "{oops\n", /not valid JSON/],
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

describe("splitCsv", () => {
  it.each([
    ["a,b,c", ["a", "b", "c"]],
    ['"a,b",c', ["a,b", "c"]],
    ['"say ""x""",', ['say "x"', ""]],
  ])("splits %j", (line, cells) => {
    expect(splitCsv(line)).toEqual(cells);
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
    expect(loadSettings({}, {})).toEqual({ url: "http://localhost:8080", apiKey: undefined });
    expect(loadSettings({}, { IMAGEGATE_URL: "http://gw:9000/", IMAGEGATE_API_KEY: "k" })).toEqual({
      url: "http://gw:9000",
      apiKey: "k",
    });
    expect(loadSettings({ url: "http://x", apiKey: "f" }, { IMAGEGATE_URL: "http://gw" })).toEqual({
      url: "http://x",
      apiKey: "f",
    });
    expect(() => loadSettings({ url: "nope" }, {})).toThrow(/IMAGEGATE_URL/);
  });
});
