import { createSseParser } from "../../playground/assets/sse.js";

describe("createSseParser", () => {
  it("parses events split anywhere across chunks", () => {
    const text =
      'event: job\ndata: {"status":"queued"}\n\n: ping\n\nevent: done\ndata: {"status":"succeeded"}\n\n';
    for (let cut = 0; cut < text.length; cut++) {
      const parser = createSseParser();
      const events = [...parser.push(text.slice(0, cut)), ...parser.push(text.slice(cut))];
      expect(events).toEqual([
        { event: "job", data: '{"status":"queued"}' },
        { event: "done", data: '{"status":"succeeded"}' },
      ]);
    }
  });

  it.each([
    ["CRLF line ends", "event: job\r\ndata: a\r\n\r\n", [{ event: "job", data: "a" }]],
    [
      "CR line ends (a last lone CR waits for the next chunk)",
      "data: a\r\rdata: b\r\r",
      [{ event: "message", data: "a" }],
    ],
    ["data over several lines", "data: a\ndata: b\n\n", [{ event: "message", data: "a\nb" }]],
    ["no space after the colon", "data:x\n\n", [{ event: "message", data: "x" }]],
    ["a comment only", ": ping\n\n", []],
    ["an unfinished event", "data: a\n", []],
  ])("handles %s", (_name, text, events) => {
    expect(createSseParser().push(text)).toEqual(events);
  });
});
