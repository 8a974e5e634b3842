import { GatewayError } from "@imagegate/params";
import { z } from "zod";
import { toGatewayError } from "../src/http/error-handler";
import { JSON_TYPE, readsDirectly } from "../src/http/json-body";
import { parseWait } from "../src/routes/jobs";
import { prefersAsync } from "../src/services/respond-to-new-job";

describe("toGatewayError", () => {
  it("keeps GatewayErrors", () => {
    const err = GatewayError.invalidRequest("n", "bad");
    expect(toGatewayError(err)).toBe(err);
  });

  it.each([
    ["entity.parse.failed", 400, "invalid_json"],
    ["entity.too.large", 413, "payload_too_large"],
    ["encoding.unsupported", 415, "unsupported_media_type"],
  ])("maps the body parser's %s to %i %s", (type, status, code) => {
    expect(toGatewayError(Object.assign(new Error("x"), { type }))).toMatchObject({ status, code });
  });

  it("maps a ZodError to a 400 naming the field", () => {
    const result = z.object({ a: z.number() }).safeParse({ a: "x" });
    expect(toGatewayError(result.error)).toMatchObject({ status: 400, param: "a" });
  });

  it("hides anything else behind a 500", () => {
    const err = toGatewayError(new Error("db password is hunter2"));
    expect(err).toMatchObject({ status: 500, code: "internal_error" });
    expect(err.message).not.toContain("hunter2");
  });
});

describe("prefersAsync", () => {
  it.each([
    ["respond-async", true],
    ["respond-async, wait=10", true],
    ["wait=10; respond-async", true],
    ["Respond-Async", true],
    ["wait=10", false],
    [undefined, false],
  ])("reads Prefer %j as %s", (header, expected) => {
    expect(prefersAsync(header)).toBe(expected);
  });
});

describe("parseWait", () => {
  it.each([
    [undefined, 0],
    ["0", 0],
    ["2.5", 2.5],
    ["60", 60],
  ])("reads %j as %s seconds", (value, seconds) => {
    expect(parseWait(value)).toBe(seconds);
  });

  it.each(["61", "-1", "soon", ["1", "2"]])("refuses %j naming wait", (value) => {
    expect(() => parseWait(value)).toThrow(expect.objectContaining({ param: "wait" }));
  });
});

describe("JSON_TYPE", () => {
  it.each([
    ["application/json", true],
    ["application/json; charset=utf-8", true],
    ["Application/JSON;charset=UTF-8", true],
    [" application/json ; charset=utf-8", true],
    ["application/jsonl", false],
    ["application/json-seq", false],
    ["application/problem+json", false],
    ["text/json", false],
    ["multipart/form-data; boundary=x", false],
    ["", false],
  ])("reads Content-Type %j as JSON: %s", (header, expected) => {
    expect(JSON_TYPE.test(header)).toBe(expected);
  });
});

describe("readsDirectly", () => {
  const json = "application/json";
  it.each([
    ["a plain JSON body", { "content-type": json, "content-length": "120" }, true],
    ["UTF-8 named", { "content-type": `${json}; charset=utf-8`, "content-length": "9" }, true],
    [
      "UTF-8 quoted, in capitals",
      { "content-type": `${json};Charset="UTF-8"`, "content-length": "9" },
      true,
    ],
    ["exactly the cap", { "content-type": json, "content-length": "1000" }, true],
    ["over the cap (body-parser's 413)", { "content-type": json, "content-length": "1001" }, false],
    ["an empty body", { "content-type": json, "content-length": "0" }, false],
    ["no length (chunked)", { "content-type": json, "transfer-encoding": "chunked" }, false],
    ["a length that is no number", { "content-type": json, "content-length": "ten" }, false],
    ["gzip", { "content-type": json, "content-length": "9", "content-encoding": "gzip" }, false],
    [
      "identity named",
      { "content-type": json, "content-length": "9", "content-encoding": "identity" },
      false,
    ],
    ["UTF-16", { "content-type": `${json}; charset=utf-16le`, "content-length": "9" }, false],
    [
      "utf8 without the dash (body-parser's 415)",
      { "content-type": `${json}; charset=utf8`, "content-length": "9" },
      false,
    ],
    ["latin1", { "content-type": `${json}; charset=latin1`, "content-length": "9" }, false],
  ])("%s: %s", (_label, headers, expected) => {
    expect(readsDirectly(headers, 1000)).toBe(expected);
  });
});
