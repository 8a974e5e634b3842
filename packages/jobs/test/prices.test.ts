import {
  actualCost,
  DEFAULT_PRICES,
  estimateJobMicros,
  imageCostMicros,
  inputMegapixels,
  type Price,
  PriceSchema,
  type PriceTable,
  priceOf,
  type UpstreamTaskEntry,
} from "@imagegate/jobs";

const DEFAULTS: PriceTable = { overrides: {} };
const K = 1024;

function size(width: number, height: number) {
  return {
    width,
    height,
    source: "size" as const,
    exact: true,
    requested: {},
    ignored: [],
    coercions: [],
  };
}

function task(over: Partial<UpstreamTaskEntry>): UpstreamTaskEntry {
  return {
    provider: "bfl",
    call_index: 0,
    task_id: "t",
    submitted_at_ms: 1,
    state: "succeeded",
    cost_usd: null,
    urls: {},
    error: null,
    ...over,
  };
}

describe("priceOf", () => {
  it.each([
    ["bfl", "flux.2-max", 40_000 + 30_000],
    ["fal", "flux.2-max", 70_000],
    ["replicate", "flux.2-max", 70_000],
    ["bfl", "flux.2-pro", 30_000],
    ["bfl", "flux.2-flex", 50_000],
    ["openai", "flux.2-max", 0],
    ["local", "flux.2-max", 0],
    ["bfl", "not-a-model", 0],
  ] as const)("%s %s: one 1 MP image costs %p micro-dollars", (provider, model, micros) => {
    expect(imageCostMicros(priceOf(DEFAULTS, provider, model), 1, 0)).toBe(micros);
  });

  it("replaces every model's default with the provider's override, and prices local", () => {
    const table: PriceTable = {
      overrides: {
        bfl: PriceSchema.parse({ per_image_usd: 0.5 }),
        local: PriceSchema.parse({ per_image_usd: 0.1 }),
      },
    };
    expect(priceOf(table, "bfl", "flux.2-max")).toEqual({
      per_image_usd: 0.5,
      per_megapixel_usd: 0,
      per_input_megapixel_usd: 0,
      min_megapixels: 0,
    });
    expect(priceOf(table, "bfl", "flux.2-pro").per_image_usd).toBe(0.5);
    expect(priceOf(table, "local", "flux.2-max").per_image_usd).toBe(0.1);
    expect(priceOf(table, "fal", "flux.2-max")).toBe(DEFAULT_PRICES.fal["flux.2-max"]);
  });

  it("refuses unknown and negative price fields", () => {
    expect(PriceSchema.safeParse({ per_image: 1 }).success).toBe(false);
    expect(PriceSchema.safeParse({ per_image_usd: -1 }).success).toBe(false);
  });
});

describe("imageCostMicros", () => {
  const max = DEFAULT_PRICES.bfl["flux.2-max"] as Price;
  const replicate = DEFAULT_PRICES.replicate["flux.2-max"] as Price;
  it.each([
    ["BFL [max] 1 MP", max, 1, 0, 70_000],
    ["BFL [max] 2 MP: 7¢ + 3¢", max, 2, 0, 100_000],
    ["BFL [max] 4 MP", max, 4, 0, 160_000],
    ["BFL [max] 0.25 MP bills the first MP whole", max, 0.25, 0, 70_000],
    ["BFL [max] 1 MP out + 1 MP reference = 10¢ (BFL's example)", max, 1, 1, 100_000],
    ["Replicate [max] 1 MP: $0.04 + $0.03", replicate, 1, 0, 70_000],
    ["Replicate [max] 0.25 MP has no minimum", replicate, 0.25, 0, 47_500],
    ["Replicate [max] with 2 MP of inputs", replicate, 1, 2, 130_000],
  ] as const)("%s", (_name, price, out, input, micros) => {
    expect(imageCostMicros(price, out, input)).toBe(micros);
  });
});

describe("estimateJobMicros", () => {
  const gen = (n: number, w: number, h: number) => ({
    n,
    size: size(w, h),
    model: "flux.2-max",
    images: undefined,
  });
  it.each([
    ["one 1024² image on BFL", gen(1, K, K), ["bfl"], 70_000],
    ["n = 4 multiplies", gen(4, K, K), ["bfl"], 280_000],
    ["2048² is 4 MP", gen(1, 2 * K, 2 * K), ["bfl"], 160_000],
    ["local is free", gen(3, K, K), ["local"], 0],
    ["the dearest provider of the order is held", gen(1, 2 * K, 2 * K), ["openai", "bfl"], 160_000],
  ] as const)("%s", (_name, request, providerOrder, micros) => {
    expect(estimateJobMicros(DEFAULTS, request, [...providerOrder])).toBe(micros);
  });

  it("counts an edit's input megapixels (not its mask)", () => {
    const image = { key: "k", mime: "image/png" as const, width: K, height: K, bytes: 1 };
    const request = {
      n: 2,
      size: size(K, K),
      model: "flux.2-max",
      images: [image, { ...image, width: 2 * K }],
    };
    expect(inputMegapixels(request)).toBe(3);
    // Each image: 4¢ + 3¢ × 1 MP out + 3¢ × 3 MP in = 16¢.
    expect(estimateJobMicros(DEFAULTS, request, ["bfl"])).toBe(320_000);
  });
});

describe("actualCost", () => {
  const images = (n: number) => Array.from({ length: n }, () => ({ width: K, height: K }));
  const local: PriceTable = { overrides: { local: PriceSchema.parse({ per_image_usd: 0.1 }) } };
  it.each([
    ["local: no ledger, price table", local, "local", 3, [], 300_000, "price_table"],
    [
      "BFL reports each task's cost",
      DEFAULTS,
      "bfl",
      2,
      [task({ call_index: 0, cost_usd: 0.06 }), task({ call_index: 1, cost_usd: 0.07 })],
      130_000,
      "provider",
    ],
    [
      "one task without a reported cost is priced from the table",
      DEFAULTS,
      "bfl",
      2,
      [task({ call_index: 0, cost_usd: 0.06 }), task({ call_index: 1, cost_usd: null })],
      130_000,
      "mixed",
    ],
    [
      "failed tasks and other providers' tasks are not charged",
      DEFAULTS,
      "bfl",
      1,
      [
        task({ call_index: 0, cost_usd: 0.05, state: "failed" }),
        task({ call_index: 0, cost_usd: 0.09, provider: "fal" }),
        task({ call_index: 0, cost_usd: 0.06, task_id: "t2" }),
      ],
      60_000,
      "provider",
    ],
    [
      "a synchronous upstream's ledger entry has no cost: price table",
      DEFAULTS,
      "openai",
      2,
      [task({ provider: "openai", task_id: null })],
      0,
      "price_table",
    ],
  ] as const)("%s", (_name, table, provider, count, tasks, micros, source) => {
    expect(
      actualCost(table, {
        provider,
        model: "flux.2-max",
        images: images(count),
        inputMegapixels: 0,
        tasks: [...tasks],
      }),
    ).toEqual({ micros, source });
  });
});
