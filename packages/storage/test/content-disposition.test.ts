import { validateHeaderValue } from "node:http";
import { attachmentDisposition } from "@imagegate/storage";

describe("attachmentDisposition", () => {
  it.each([
    ["a plain name", "out.jsonl", `attachment; filename="out.jsonl"; filename*=UTF-8''out.jsonl`],
    [
      "spaces and parentheses",
      "my image (1).png",
      `attachment; filename="my image (1).png"; filename*=UTF-8''my%20image%20%281%29.png`,
    ],
    [
      "non-ASCII letters",
      "café ü.png",
      `attachment; filename="caf_ _.png"; filename*=UTF-8''caf%C3%A9%20%C3%BC.png`,
    ],
    [
      "quotes and backslashes",
      'a"b\\c.png',
      `attachment; filename="a_b_c.png"; filename*=UTF-8''a%22b%5Cc.png`,
    ],
    [
      "header injection",
      "x.png\r\nSet-Cookie: a=b",
      `attachment; filename="x.png__Set-Cookie: a=b"; ` +
        `filename*=UTF-8''x.png%0D%0ASet-Cookie%3A%20a%3Db`,
    ],
    [
      "a lone surrogate",
      "a\ud800.png",
      `attachment; filename="a_.png"; filename*=UTF-8''a%EF%BF%BD.png`,
    ],
  ])("encodes %s", (_label, filename, expected) => {
    expect(attachmentDisposition(filename)).toBe(expected);
  });

  it("always yields a value Node accepts as a header", () => {
    for (const name of ["€uro.png", "x\u0000y", "日本.png", "a\tb"]) {
      expect(() =>
        validateHeaderValue("content-disposition", attachmentDisposition(name)),
      ).not.toThrow();
    }
  });
});
