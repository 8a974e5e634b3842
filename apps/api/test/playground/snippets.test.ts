import { execFileSync } from "node:child_process";
import { curlSnippet, sdkSnippet, shellQuote } from "../../playground/assets/snippets.js";

const origin = "http://localhost:8080";

describe("shellQuote", () => {
  it.each([
    ["plain", "'plain'"],
    ["it's", "'it'\\''s'"],
    ['$HOME `x` "y"', "'$HOME `x` \"y\"'"],
  ])("quotes %j so a shell gives it back as it is", (text, quoted) => {
    expect(shellQuote(text)).toBe(quoted);
    expect(execFileSync("sh", ["-c", `printf %s ${quoted}`]).toString()).toBe(text);
  });
});

describe("curlSnippet", () => {
  it("posts JSON to generations with the key from the environment", () => {
    expect(curlSnippet(origin, { model: "flux.2-max", prompt: "it's dusk", size: "16:9" })).toBe(
      [
        "curl -s http://localhost:8080/v1/images/generations \\",
        '  -H "Authorization: Bearer $IMAGEGATE_API_KEY" \\',
        '  -H "Content-Type: application/json" \\',
        `  -d '{"model":"flux.2-max","prompt":"it'\\''s dusk","size":"16:9"}'`,
      ].join("\n"),
    );
  });

  it("leaves the key out when none is typed", () => {
    expect(curlSnippet(origin, { prompt: "p" }, { withKey: false })).not.toContain("Authorization");
  });

  it("sends an edit as multipart, text fields as strings and each image as a file", () => {
    const snippet = curlSnippet(
      origin,
      { prompt: "@not-a-file", n: 2 },
      { files: [{ name: "a b.png" }, { name: "c.jpg" }] },
    );
    expect(snippet.split(" \\\n  ")).toEqual([
      "curl -s http://localhost:8080/v1/images/edits",
      '-H "Authorization: Bearer $IMAGEGATE_API_KEY"',
      "--form-string 'prompt=@not-a-file'",
      "--form-string 'n=2'",
      `-F 'image[]=@"a b.png"'`,
      `-F 'image[]=@"c.jpg"'`,
    ]);
  });
});

describe("sdkSnippet", () => {
  it("calls images.generate with the request's fields", () => {
    const code = sdkSnippet(origin, { model: "flux.2-max", prompt: 'say "hi"', seed: 3 });
    expect(code).toContain('baseURL: "http://localhost:8080/v1"');
    expect(code).toContain(
      'const res = await client.images.generate({\n  model: "flux.2-max",\n  prompt: "say \\"hi\\"",\n  seed: 3,\n});',
    );
    expect(code).not.toContain("toFile");
  });

  it("calls images.edit with the files read from disk", () => {
    const code = sdkSnippet(
      origin,
      { prompt: "p", "odd-key": "x" },
      { files: [{ name: "in.png" }] },
    );
    expect(code).toContain('import OpenAI, { toFile } from "openai";');
    expect(code).toContain('  "odd-key": "x",');
    expect(code).toContain('  image: [await toFile(await readFile("in.png"), "in.png")],');
    expect(code).toContain("client.images.edit({");
  });
});
