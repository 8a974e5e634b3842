import {
  batchInput,
  batchLine,
  csvItem,
  jobLine,
  lineError,
  listQuery,
  succeededIds,
} from "@imagegate/cli";

describe("jobLine", () => {
  it("prints id, status, model, provider, created and prompt, tab-separated", () => {
    const job = {
      id: "job_1",
      status: "succeeded",
      model: "flux.2-max",
      provider: "local",
      created_at: 1_700_000_000,
      request: { prompt: "a lighthouse\tat\ndusk" },
    };
    expect(jobLine(job)).toBe(
      "job_1\tsucceeded\tflux.2-max\tlocal\t2023-11-14T22:13:20.000Z\ta lighthouse at dusk",
    );
  });

  it("prints - for what is missing", () => {
    expect(jobLine({ id: "job_2", status: "queued", provider: null })).toBe(
      "job_2\tqueued\t-\t-\t-\t-",
    );
  });
});

describe("listQuery", () => {
  it.each([
    [{}, ""],
    [{ limit: 5 }, "?limit=5"],
    [{ status: "failed", after: "job_9", limit: 100 }, "?status=failed&limit=100&after=job_9"],
  ])("%j → %j", (options, query) => {
    expect(listQuery(options)).toBe(query);
  });
});

describe("batchInput", () => {
  it("writes one OpenAI batch line per item, item fields over defaults", () => {
    const text = batchInput(
      [
        { customId: "a", body: { prompt: "p", size: "8x8" } },
        { customId: "b", body: { prompt: "two\nlines" } },
      ],
      { endpoint: "generations", defaults: { size: "16:9", model: "flux.2-pro" } },
    );
    expect(text.split("\n")).toHaveLength(3);
    expect(
      text
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
    ).toEqual([
      {
        custom_id: "a",
        method: "POST",
        url: "/v1/images/generations",
        body: { size: "8x8", model: "flux.2-pro", prompt: "p" },
      },
      {
        custom_id: "b",
        method: "POST",
        url: "/v1/images/generations",
        body: { size: "16:9", model: "flux.2-pro", prompt: "two\nlines" },
      },
    ]);
  });

  it("targets edits when asked", () => {
    expect(
      JSON.parse(batchInput([{ customId: "e", body: { prompt: "x" } }], { endpoint: "edits" })).url,
    ).toBe("/v1/images/edits");
  });
});

describe("batchLine", () => {
  it("prints id, status and counts", () => {
    expect(
      batchLine({
        id: "batch_1",
        status: "in_progress",
        request_counts: { total: 40, completed: 12, failed: 1 },
      }),
    ).toBe("batch_1\tin_progress\t12/40 completed\t1 failed");
  });
});

describe("lineError", () => {
  it.each([
    ["a 200 line", { custom_id: "a", response: { status_code: 200, body: {} }, error: null }, null],
    [
      "a validation error line",
      {
        custom_id: "b",
        response: null,
        error: { code: "invalid_value", message: "prompt must not be empty" },
      },
      "prompt must not be empty",
    ],
    [
      "a refused line",
      { custom_id: "c", response: { status_code: 422, body: { error: { message: "refused" } } } },
      "refused",
    ],
    ["a bare failure", { custom_id: "d", response: { status_code: 500 } }, "HTTP 500"],
  ])("%s", (_name, line, expected) => {
    expect(lineError(line)).toBe(expected);
  });
});

describe("succeededIds", () => {
  it("keeps the latest outcome per custom_id and skips a cut-off line", () => {
    const lines = [
      { custom_id: "a", status: "failed" },
      { custom_id: "b", status: "succeeded" },
      { custom_id: "a", status: "succeeded" },
      { custom_id: "c", status: "succeeded" },
      { custom_id: "c", status: "failed" },
    ].map((l) => JSON.stringify(l));
    expect([...succeededIds(`${lines.join("\n")}\n{"custom_id":"d","sta`)].sort()).toEqual([
      "a",
      "b",
    ]);
  });
});

describe("csvItem", () => {
  it("sends every non-empty column but custom_id, naming a row without one", () => {
    expect(csvItem({ prompt: "p", custom_id: "", seed: "3", style: "" }, 4)).toEqual({
      customId: "row-4",
      body: { prompt: "p", seed: 3 },
    });
  });
});
