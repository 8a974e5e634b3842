import { ApiError, describeNonJson, errorMessage, excerpt, readAnswer } from "@imagegate/cli";

const answer = (status: number, text: string, contentType: string | null = "application/json") => ({
  url: "http://gw/v1/images/generations",
  status,
  statusText: status === 502 ? "Bad Gateway" : "",
  contentType,
  text,
});

function failure(raw: ReturnType<typeof answer>): ApiError {
  try {
    readAnswer(raw);
  } catch (err) {
    return err as ApiError;
  }
  throw new Error("readAnswer did not throw");
}

describe("readAnswer", () => {
  it("returns the JSON body of a 2xx", () => {
    expect(readAnswer(answer(200, '{"id":"job_1"}'))).toEqual({ id: "job_1" });
    expect(readAnswer(answer(204, ""))).toEqual({});
  });

  it("throws the envelope's message and code", () => {
    const err = failure(
      answer(401, '{"error":{"message":"Incorrect API key provided.","code":"invalid_api_key"}}'),
    );
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({
      status: 401,
      code: "invalid_api_key",
      message: "Incorrect API key provided.",
    });
    expect(errorMessage(err)).toBe("error 401 invalid_api_key: Incorrect API key provided.");
  });

  it.each([
    [
      "a proxy's HTML page",
      answer(
        502,
        "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>",
        "text/html",
      ),
      /^HTTP 502 Bad Gateway from http:\/\/gw\/v1\/images\/generations: an HTML page, not imagegate's JSON \("502 Bad Gateway"\)\. Check --url/,
    ],
    [
      "a web page answering 200 at the wrong URL",
      answer(
        200,
        "<!DOCTYPE html><html><body><h1>Welcome to nginx!</h1></body></html>",
        "text/html",
      ),
      /HTTP 200 from .*: an HTML page, not imagegate's JSON \("Welcome to nginx!"\)/,
    ],
    [
      "plain text",
      answer(503, "upstream connect error\nor disconnect", "text/plain"),
      /text\/plain text, not imagegate's JSON \("upstream connect error or disconnect"\)/,
    ],
    [
      "an empty error body",
      answer(503, "", null),
      /^HTTP 503 from http:\/\/gw\/.* with an empty body$/,
    ],
    [
      "JSON without an envelope",
      answer(500, '{"detail":"boom"}'),
      /^HTTP 500 from .*: \{"detail":"boom"\}$/,
    ],
    ["a JSON array", answer(200, "[1,2]"), /answered JSON that is not an object/],
  ])("turns %s into a readable message", (_name, raw, message) => {
    const err = failure(raw);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.message).toMatch(message);
    expect(err.message).not.toMatch(/Unexpected token|JSON\.parse/);
  });
});

describe("excerpt", () => {
  it.each([
    ["<title> 503 Service\n Unavailable </title>", "503 Service Unavailable"],
    ["<html><title></title><h1>Oops <b>down</b></h1></html>", "Oops down"],
    ["x".repeat(300), `${"x".repeat(119)}…`],
  ])("of %j is %j", (text, expected) => {
    expect(excerpt(text)).toBe(expected);
  });
});

describe("describeNonJson", () => {
  it("names the status, the URL and what came back", () => {
    expect(describeNonJson(answer(404, "Not Found", "text/plain"))).toBe(
      'HTTP 404 from http://gw/v1/images/generations: text/plain text, not imagegate\'s JSON ("Not Found"). Check --url / IMAGEGATE_URL, or the proxy in front of the gateway.',
    );
  });
});
