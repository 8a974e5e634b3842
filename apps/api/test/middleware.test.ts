/**
 * The API's middleware on an in-process Express app, without Redis: request
 * ids and the access line, the error handler, multipart caps and the admin
 * credentials. A real server on a free port, called with fetch.
 */
import { type IncomingMessage, request } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { gzipSync } from "node:zlib";
import { GatewayError } from "@imagegate/params";
import express, { type Express } from "express";
import pino from "pino";
import { adminAuth } from "../src/http/admin-auth";
import { basicPassword, bearerToken, sameSecret } from "../src/http/credentials";
import { errorHandler, unknownRoute } from "../src/http/error-handler";
import { answerJsonDirectly } from "../src/http/json-answer";
import { jsonBody } from "../src/http/json-body";
import { parseMultipart } from "../src/http/multipart";
import { requestId } from "../src/http/request-id";

type LogLine = Record<string, unknown>;

/** A pino logger whose lines land in `lines`. */
function capturingLogger() {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: "info" }, stream), lines };
}

/** Serves `app` on a free port for one test; returns its base URL and a closer. */
async function serve(app: Express): Promise<{ url: string; close: () => Promise<void> }> {
  const server = app.listen(0);
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe("requestId", () => {
  const { logger, lines } = capturingLogger();
  const app = express();
  app.use(requestId(logger));
  app.get("/job", (_req, res) => {
    res.locals.owner = "key_1";
    res.locals.jobId = "job_1";
    res.json({ ok: true });
  });
  let server: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    server = await serve(app);
  });
  afterAll(() => server.close());

  it.each([
    ["a sane id", "abc-123.x:y_z", "abc-123.x:y_z"],
    ["no id", undefined, /^req_[0-9A-Za-z]{24}$/],
    ["an id with spaces", "not sane", /^req_/],
    ["an id over 128 characters", "a".repeat(129), /^req_/],
  ])("answers %s with %s", async (_label, given, expected) => {
    const res = await fetch(`${server.url}/job`, {
      headers: given ? { "x-request-id": given } : {},
    });
    expect(res.headers.get("x-request-id")).toEqual(expect.stringMatching(expected));
  });

  it("logs one access line with the id, owner and job, never the query string", async () => {
    lines.length = 0;
    await fetch(`${server.url}/job?signature=secret`, { headers: { "x-request-id": "r-1" } });
    await new Promise((resolve) => setImmediate(resolve));
    const access = lines.filter((l) => l.msg === "request");
    expect(access).toEqual([
      expect.objectContaining({
        requestId: "r-1",
        owner: "key_1",
        jobId: "job_1",
        method: "GET",
        path: "/job",
        status: 200,
      }),
    ]);
    expect(JSON.stringify(access)).not.toContain("secret");
  });
});

describe("errorHandler", () => {
  const { logger, lines } = capturingLogger();
  const app = express();
  app.use(requestId(logger));
  app.use(express.json({ limit: 10 }));
  app.post("/echo", (req, res) => {
    res.json(req.body);
  });
  app.get("/gateway", () => {
    throw GatewayError.rateLimited(2.2);
  });
  app.get("/bug", async () => {
    throw new Error("db password is hunter2");
  });
  app.use(unknownRoute);
  app.use(errorHandler(logger));
  let server: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    server = await serve(app);
  });
  afterAll(() => server.close());

  const envelope = (code: string) => ({
    error: { message: expect.any(String), type: expect.any(String), param: null, code },
  });

  it.each([
    ["a GatewayError, with its headers", "GET", "/gateway", undefined, 429, "rate_limit_exceeded"],
    ["an unknown route", "GET", "/nowhere", undefined, 404, "not_found"],
    ["unparsable JSON", "POST", "/echo", "{", 400, "invalid_json"],
    [
      "a body over the parser's limit",
      "POST",
      "/echo",
      '{"a":"0123456789"}',
      413,
      "payload_too_large",
    ],
    ["a thrown bug, its detail hidden", "GET", "/bug", undefined, 500, "internal_error"],
  ])("answers %s with the envelope", async (_label, method, path, body, status, code) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      ...(body ? { body, headers: { "content-type": "application/json" } } : {}),
    });
    expect(res.status).toBe(status);
    const json = await res.json();
    expect(json).toEqual(envelope(code));
    expect(JSON.stringify(json)).not.toContain("hunter2");
    if (code === "rate_limit_exceeded") expect(res.headers.get("retry-after")).toBe("3");
  });

  it("logs a 500 with the request id and the cause, and a 4xx not at all", async () => {
    lines.length = 0;
    await fetch(`${server.url}/bug`, { headers: { "x-request-id": "r-bug" } });
    await fetch(`${server.url}/nowhere`);
    const failures = lines.filter((l) => l.msg === "request failed");
    expect(failures).toEqual([expect.objectContaining({ requestId: "r-bug", path: "/bug" })]);
    expect(JSON.stringify(failures[0])).toContain("hunter2");
  });

  it("answers a failed job's stored envelope as stored, with its code's status", async () => {
    const stored = {
      message: "fal refused",
      type: "invalid_request_error",
      param: null,
      code: "content_policy_violation",
    };
    const unknown = { message: "odd", type: "upstream_error", param: "x", code: "weird_code" };
    const local = express();
    local.get("/known", () => {
      throw GatewayError.fromEnvelope(stored);
    });
    local.get("/unknown", () => {
      throw GatewayError.fromEnvelope(unknown);
    });
    local.use(errorHandler(logger));
    const s = await serve(local);
    try {
      const known = await fetch(`${s.url}/known`);
      expect(known.status).toBe(422);
      expect(await known.json()).toEqual({ error: stored });
      const odd = await fetch(`${s.url}/unknown`);
      expect(odd.status).toBe(500);
      expect(await odd.json()).toEqual({ error: unknown });
    } finally {
      await s.close();
    }
  });
});

describe("jsonBody", () => {
  const { logger } = capturingLogger();
  const app = express();
  app.post("/echo", ...jsonBody(300_000), (req, res) => {
    res.json({ body: req.body });
  });
  app.use(errorHandler(logger));
  let server: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    server = await serve(app);
  });
  afterAll(() => server.close());

  type Body = NonNullable<RequestInit["body"]>;
  const post = (body: Body, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/echo`, {
      method: "POST",
      body,
      headers: { "content-type": "application/json", ...headers },
      // A stream body goes out chunked, without Content-Length.
      ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
    } as RequestInit);
  // 160 KB of four-byte characters: TCP hands it over in several chunks,
  // some ending inside a character.
  const long = "🦊".repeat(40_000);
  const utf16 = Buffer.from(JSON.stringify({ prompt: "a fox" }), "utf16le");

  it.each<[string, Body | (() => Body), Record<string, string>, unknown]>([
    ["a plain object", '{"prompt":"a fox","n":2}', {}, { prompt: "a fox", n: 2 }],
    ["any JSON value, as body-parser's strict: false", '"a fox"', {}, "a fox"],
    ["a body in several chunks", JSON.stringify({ prompt: long }), {}, { prompt: long }],
    ["a byte-order mark first", '\uFEFF{"n":1}', {}, { n: 1 }],
    [
      "UTF-8 named, quoted",
      '{"n":1}',
      { "content-type": 'application/json; charset="UTF-8"' },
      { n: 1 },
    ],
    [
      "gzip (body-parser inflates it)",
      gzipSync('{"n":1}'),
      { "content-encoding": "gzip" },
      { n: 1 },
    ],
    [
      "UTF-16 (body-parser decodes it)",
      utf16,
      { "content-type": "application/json; charset=utf-16le" },
      { prompt: "a fox" },
    ],
    [
      "no length: chunked (body-parser reads it)",
      () =>
        new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('{"prompt":'));
            controller.enqueue(new TextEncoder().encode('"a fox"}'));
            controller.close();
          },
        }),
      {},
      { prompt: "a fox" },
    ],
  ])("reads %s", async (_label, body, headers, expected) => {
    const res = await post(typeof body === "function" ? body() : body, headers);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ body: expected });
  });

  it.each<[string, string, Record<string, string>, number, string]>([
    ["unparsable JSON", '{"prompt":', {}, 400, "invalid_json"],
    [
      "a body over the cap",
      JSON.stringify({ prompt: "x".repeat(300_000) }),
      {},
      413,
      "payload_too_large",
    ],
    [
      "a charset JSON is never in",
      '{"n":1}',
      { "content-type": "application/json; charset=latin1" },
      415,
      "unsupported_media_type",
    ],
    [
      "another media type",
      "prompt=a+fox",
      { "content-type": "application/x-www-form-urlencoded" },
      415,
      "unsupported_media_type",
    ],
  ])("refuses %s", async (_label, body, headers, status, code) => {
    const res = await post(body, headers);
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
  });

  it("lets a client leave mid-body and goes on answering others", async () => {
    const { port } = new URL(server.url);
    await new Promise<void>((resolve) => {
      const req = request({
        port,
        method: "POST",
        path: "/echo",
        headers: { "content-type": "application/json", "content-length": "100" },
      });
      req.on("error", () => resolve());
      req.write('{"prompt":', () => setTimeout(() => req.destroy(), 20));
    });
    const res = await post('{"n":1}');
    expect(await res.json()).toEqual({ body: { n: 1 } });
  });
});

describe("answerJsonDirectly", () => {
  const values: Record<string, unknown> = {
    object: { id: "job_1", status: "queued", nested: { list: [1, "two", null] } },
    array: [{ a: 1 }, { b: "é🦊" }],
    string: "a fox",
    number: 42,
    null: null,
    unicode: { prompt: "a fox 🦊 in the snow, façade, 東京" },
    undefined: undefined,
  };
  /** The same routes on an app with and without the direct answers. */
  const appWith = (direct: boolean) => {
    const app = express();
    app.set("etag", false);
    if (direct) answerJsonDirectly(app);
    app.get("/value/:name", (req, res) => {
      res.status(req.query.status ? Number(req.query.status) : 200).json(values[req.params.name]);
    });
    app.get("/typed", (_req, res) => {
      res.type("application/problem+json").json({ title: "typed" });
    });
    return app;
  };
  let direct: Awaited<ReturnType<typeof serve>>;
  let plain: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    direct = await serve(appWith(true));
    plain = await serve(appWith(false));
  });
  afterAll(async () => {
    await direct.close();
    await plain.close();
  });

  const answer = async (base: string, path: string, method = "GET") => {
    const res = await fetch(`${base}${path}`, { method });
    return {
      status: res.status,
      type: res.headers.get("content-type"),
      length: res.headers.get("content-length"),
      body: await res.text(),
    };
  };

  it.each([
    ...Object.keys(values).map((name) => [`/value/${name}`, "GET"]),
    ["/value/object?status=202", "GET"],
    ["/value/unicode?status=400", "GET"],
    ["/value/object", "HEAD"],
  ])("answers %s (%s) with Express's bytes and headers", async (path, method) => {
    const ours = await answer(direct.url, path, method);
    expect(ours).toEqual(await answer(plain.url, path, method));
    if (method === "HEAD") expect(ours.body).toBe("");
  });

  it("keeps a type the route set", async () => {
    const ours = await answer(direct.url, "/typed");
    expect(ours.type).toBe("application/problem+json");
    expect(JSON.parse(ours.body)).toEqual({ title: "typed" });
  });
});

describe("parseMultipart", () => {
  const { logger } = capturingLogger();
  const limits = { maxUploadBytes: 4_000, maxFileBytes: 1_000, maxFiles: 2 };
  const app = express();
  app.post("/form", async (req, res) => {
    const form = await parseMultipart(req, limits);
    res.json({
      fields: form.fields,
      files: form.files.map((f) => ({
        field: f.field,
        filename: f.filename,
        bytes: f.data.length,
      })),
    });
  });
  app.use(errorHandler(logger));
  let server: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    server = await serve(app);
  });
  afterAll(() => server.close());

  const form = (files: [string, number][], fields: Record<string, string> = {}) => {
    const body = new FormData();
    for (const [name, value] of Object.entries(fields)) body.append(name, value);
    for (const [field, bytes] of files) {
      body.append(field, new Blob([Buffer.alloc(bytes, 1)], { type: "image/png" }), "a.png");
    }
    return fetch(`${server.url}/form`, { method: "POST", body });
  };

  it("reads fields and files within the caps", async () => {
    const res = await form(
      [
        ["image[]", 999],
        ["image[]", 10],
      ],
      { prompt: "a cat" },
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      fields: { prompt: "a cat" },
      files: [
        { field: "image[]", filename: "a.png", bytes: 999 },
        { field: "image[]", filename: "a.png", bytes: 10 },
      ],
    });
  });

  it.each([
    ["a file over the file cap", [["image", 1_001]], 413, /'image' is larger than 1000 bytes/],
    [
      // Room is left for a mask: the cap is the images plus one file.
      "more files than the images and a mask",
      [
        ["image[]", 1],
        ["image[]", 1],
        ["mask", 1],
        ["image[]", 1],
      ],
      400,
      /At most 2 images/,
    ],
  ] as const)("refuses %s", async (_label, files, status, message) => {
    const res = await form(files.map(([f, n]) => [f, n] as [string, number]));
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(message);
  });

  it("refuses by Content-Length before reading a body over the upload cap", async () => {
    // Only the headers are sent: the answer must come before any of the body.
    const answer = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = request(`${server.url}/form`, {
        method: "POST",
        headers: {
          "content-type": "multipart/form-data; boundary=x",
          "content-length": "5000",
        },
      });
      req.on("response", (res) => {
        res.resume();
        resolve(res);
        req.destroy();
      });
      req.on("error", reject);
      req.flushHeaders();
    });
    expect(answer.statusCode).toBe(413);
    expect(answer.headers.connection).toBe("close");
  });

  it("refuses a malformed body", async () => {
    const res = await fetch(`${server.url}/form`, {
      method: "POST",
      headers: { "content-type": "multipart/form-data" },
      body: "no boundary",
    });
    expect(res.status).toBe(400);
  });
});

describe("credentials", () => {
  const basic = (user: string, password: string) =>
    `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

  it.each([
    ["Bearer sk-1", "sk-1"],
    ["bearer   sk-1  ", "sk-1"],
    ["Basic abc", undefined],
    [undefined, undefined],
  ])("bearerToken(%j) is %j", (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });

  it.each([
    [basic("admin", "p:w"), "p:w"],
    [basic("", "secret"), "secret"],
    ["Bearer x", undefined],
  ])("basicPassword(%j) is %j", (header, password) => {
    expect(basicPassword(header)).toBe(password);
  });

  it.each([
    ["the same secret", "sk-admin", true],
    ["a prefix", "sk-adm", false],
    ["a longer one", "sk-admin-2", false],
  ])("sameSecret is %s for %s", (_label, given, expected) => {
    expect(sameSecret(given, "sk-admin")).toBe(expected);
  });

  describe("adminAuth", () => {
    const app = express();
    app.get("/admin", adminAuth("sk-admin"), (_req, res) => {
      res.json({ ok: true });
    });
    app.use(errorHandler(capturingLogger().logger));
    let server: Awaited<ReturnType<typeof serve>>;
    beforeAll(async () => {
      server = await serve(app);
    });
    afterAll(() => server.close());

    it.each([
      ["the admin key as Bearer", 200, "Bearer sk-admin"],
      ["the admin key as Basic password", 200, basic("any", "sk-admin")],
      ["a tenant key", 401, "Bearer sk-tenant"],
      ["nothing", 401, undefined],
    ])("answers %s with %i", async (_label, status, authorization) => {
      const res = await fetch(`${server.url}/admin`, {
        headers: authorization ? { authorization } : {},
      });
      expect(res.status).toBe(status);
      if (status === 401) {
        expect(res.headers.get("www-authenticate")).toBe('Basic realm="imagegate admin"');
      }
    });
  });
});
