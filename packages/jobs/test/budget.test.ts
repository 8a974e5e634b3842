import {
  type BudgetLedger,
  EMPTY_LEDGER,
  endHold,
  fits,
  formatUsd,
  hold,
  quotaMessage,
  remainingMicros,
  toMicros,
  toUsd,
} from "@imagegate/jobs";
import { LEDGER_CASES } from "./budget-cases";

describe("toMicros / toUsd", () => {
  it.each([
    [0.1, 100_000],
    [0.3, 300_000],
    [0.1 + 0.2, 300_000],
    [0.0715, 71_500],
    [0.0000004, 0],
    [0.0000005, 1],
    [1234.5678901, 1_234_567_890],
  ])("%p USD is %p micro-dollars", (usd, micros) => {
    expect(toMicros(usd)).toBe(micros);
  });

  it("round-trips cents exactly", () => {
    for (let cents = 0; cents <= 1000; cents++) {
      expect(toUsd(toMicros(cents / 100))).toBe(cents / 100);
    }
  });
});

describe("fits / remainingMicros", () => {
  it.each([
    [{ spent: 0, held: 0 }, 300_000, 300_000, true, 300_000],
    [{ spent: 0, held: 200_000 }, 100_000, 300_000, true, 100_000],
    [{ spent: 0, held: 200_000 }, 100_001, 300_000, false, 100_000],
    [{ spent: 250_000, held: 50_000 }, 0, 300_000, true, 0],
    [{ spent: 400_000, held: 0 }, 0, 300_000, false, 0],
    [{ spent: 9e12, held: 9e12 }, 9e12, null, true, null],
  ])("ledger %j, hold %p, budget %p → fits %p, %p left", (ledger, amount, budget, ok, left) => {
    expect(fits(ledger, amount, budget)).toBe(ok);
    expect(remainingMicros(ledger, budget)).toBe(left);
  });
});

/** Replays a case's steps on the pure model, checking each outcome. */
function replay(steps: (typeof LEDGER_CASES)[number]["steps"], budget: number | null) {
  let ledger: BudgetLedger = EMPTY_LEDGER;
  for (const step of steps) {
    if ("hold" in step) {
      const out = hold(ledger, step.hold, step.amount, budget);
      expect({ step, accepted: out.accepted }).toEqual({ step, accepted: step.accepted });
      ledger = out.ledger;
    } else {
      const id = "settle" in step ? step.settle : step.release;
      const out = endHold(ledger, id, "settle" in step ? step.actual : null);
      expect({ step, ended: out.ended }).toEqual({ step, ended: step.ended });
      ledger = out.ledger;
    }
  }
  return ledger;
}

describe("hold / endHold", () => {
  it.each(LEDGER_CASES)("$name", ({ steps, budget, spent, held }) => {
    const ledger = replay(steps, budget);
    expect({ spent: ledger.spent, held: ledger.held }).toEqual({ spent, held });
    expect([...ledger.holds.values()].reduce((a, b) => a + b, 0)).toBe(held);
  });
});

/** Every order of `items` (Heap's algorithm). */
function* permutations<T>(items: T[]): Generator<T[]> {
  const a = [...items];
  const c = a.map(() => 0);
  yield [...a];
  let i = 0;
  while (i < a.length) {
    if ((c[i] as number) < i) {
      const j = i % 2 === 0 ? 0 : (c[i] as number);
      [a[j], a[i]] = [a[i] as T, a[j] as T];
      yield [...a];
      (c[i] as number)++;
      i = 0;
    } else {
      c[i] = 0;
      i++;
    }
  }
}

describe("concurrent holds", () => {
  // Atomic holds serialize: whatever order eight parallel submissions land in,
  // the ledger sees one after another, so this covers every interleaving.
  it("8 holds of $0.10 against $0.30 accept exactly 3, in every one of the 40,320 orders", () => {
    const ids = ["a", "b", "c", "d", "e", "f", "g", "h"];
    let orders = 0;
    const wrong: string[] = [];
    for (const order of permutations(ids)) {
      let ledger = EMPTY_LEDGER;
      const accepted: string[] = [];
      for (const id of order) {
        const out = hold(ledger, id, toMicros(0.1), toMicros(0.3));
        ledger = out.ledger;
        if (out.accepted) accepted.push(id);
      }
      // The first three to arrive get in, whoever they are.
      if (accepted.join() !== order.slice(0, 3).join() || ledger.held !== 300_000) {
        wrong.push(order.join(""));
      }
      orders++;
    }
    expect(wrong).toEqual([]);
    expect(orders).toBe(40_320);
  });

  it("holds racing with settles never let spent + held pass the budget", () => {
    const budget = toMicros(1);
    // A job holds 0.25 and settles to 0.20; another holds 0.30 and is released.
    const events = [
      { id: "x", kind: "hold", amount: 250_000 },
      { id: "x", kind: "settle", amount: 200_000 },
      { id: "y", kind: "hold", amount: 300_000 },
      { id: "y", kind: "release", amount: 0 },
      { id: "z", kind: "hold", amount: 500_000 },
      { id: "w", kind: "hold", amount: 450_000 },
    ] as const;
    const breaches: string[] = [];
    for (const order of permutations([...events])) {
      let ledger = EMPTY_LEDGER;
      for (const e of order) {
        ledger =
          e.kind === "hold"
            ? hold(ledger, e.id, e.amount, budget).ledger
            : endHold(ledger, e.id, e.kind === "settle" ? e.amount : null).ledger;
        if (ledger.spent + ledger.held > budget || ledger.held < 0) {
          breaches.push(order.map((o) => `${o.kind}:${o.id}`).join(" "));
        }
      }
    }
    expect(breaches).toEqual([]);
  });
});

describe("formatUsd / quotaMessage", () => {
  it.each([
    [0, "$0.00"],
    [300_000, "$0.30"],
    [71_500, "$0.0715"],
    [1, "$0.000001"],
    [1_234_567, "$1.234567"],
    [-50_000, "-$0.05"],
  ])("%p micro-dollars read %p", (micros, text) => {
    expect(formatUsd(micros)).toBe(text);
  });

  it("names the estimate, what remains, the budget, what is spent and held", () => {
    expect(quotaMessage({ estimate: 100_000, budget: 300_000, spent: 200_000, held: 80_000 })).toBe(
      "This request is estimated at $0.10, but the key has $0.02 left of its $0.30 budget ($0.20 spent, $0.08 held by unfinished jobs).",
    );
  });
});
