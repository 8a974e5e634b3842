import { foldUsage, MAX_USAGE_DAYS, presentUsage, usageDay, usageDays } from "@imagegate/jobs";
import { GatewayError } from "@imagegate/params";

const DAY = 86_400;
const T = Date.UTC(2026, 4, 1, 12) / 1000; // 2026-05-01 12:00 UTC

describe("usageDay / usageDays", () => {
  it.each([
    [T, "2026-05-01"],
    [Date.UTC(2026, 4, 1) / 1000, "2026-05-01"],
    [Date.UTC(2026, 4, 1) / 1000 - 1, "2026-04-30"],
    [0, "1970-01-01"],
  ])("%p is %p", (seconds, day) => {
    expect(usageDay(seconds)).toBe(day);
  });

  it.each([
    ["one instant", T, T, ["2026-05-01"]],
    ["a window within a day", T - 3600, T + 3600, ["2026-05-01"]],
    ["across midnight", T, T + DAY, ["2026-05-01", "2026-05-02"]],
    ["a month end", T - 2 * DAY, T, ["2026-04-29", "2026-04-30", "2026-05-01"]],
  ])("%s", (_name, start, end, days) => {
    expect(usageDays(start, end)).toEqual(days);
  });

  it("has at most MAX_USAGE_DAYS days, and refuses a reversed or longer window naming the field", () => {
    expect(usageDays(T - (MAX_USAGE_DAYS - 1) * DAY, T)).toHaveLength(MAX_USAGE_DAYS);
    for (const [start, end, param] of [
      [T - MAX_USAGE_DAYS * DAY, T, "start_time"],
      [T, T - 1, "end_time"],
    ] as const) {
      let error: unknown;
      try {
        usageDays(start, end);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(GatewayError);
      expect(error).toMatchObject({ status: 400, param });
    }
  });
});

describe("foldUsage", () => {
  it("sums counters and per-model fields across hashes, dearest model first", () => {
    const totals = foldUsage([
      {
        images: "3",
        jobs: "2",
        spent: "210000",
        "img:flux.2-max:bfl": "2",
        "usd:flux.2-max:bfl": "140000",
        "img:flux.2-pro:local": "1",
        "usd:flux.2-pro:local": "0",
        held: "999",
      },
      {},
      {
        images: "1",
        jobs: "1",
        spent: "70000",
        "img:flux.2-max:bfl": "1",
        "usd:flux.2-max:bfl": "70000",
      },
    ]);
    expect(totals).toEqual({
      images: 4,
      jobs: 3,
      spentMicros: 280_000,
      byModel: [
        { model: "flux.2-max", provider: "bfl", images: 3, micros: 210_000 },
        { model: "flux.2-pro", provider: "local", images: 1, micros: 0 },
      ],
    });
  });

  it("ignores fields it does not know", () => {
    expect(foldUsage([{ "x:y": "1", "img:only-model": "2", images: "nope" }])).toEqual({
      images: 0,
      jobs: 0,
      spentMicros: 0,
      byModel: [],
    });
  });
});

describe("presentUsage", () => {
  const totals = foldUsage([{ images: "3", jobs: "3", spent: "300000" }]);
  it.each([
    ["a budget with holds", 300_000, { spent: 200_000, held: 50_000 }, 0.3, 0.05],
    ["an overspent budget shows nothing left", 100_000, { spent: 130_000, held: 0 }, 0.1, 0],
    ["no budget", null, { spent: 200_000, held: 50_000 }, null, null],
  ] as const)("%s", (_name, budgetMicros, ledger, budget, remaining) => {
    const view = presentUsage({ keyId: "key_x", window: null, totals, ledger, budgetMicros });
    expect(view).toMatchObject({
      object: "usage",
      key_id: "key_x",
      images: 3,
      jobs: 3,
      spent_usd: 0.3,
      held_usd: ledger.held / 1e6,
      budget_usd: budget,
      remaining_usd: remaining,
      start_time: null,
    });
  });
});
