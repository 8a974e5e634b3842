/**
 * Ledger scenarios as data, replayed by the pure model's unit test and by the
 * Lua scripts' integration test: both must end every step the same way.
 * Amounts are micro-dollars; `budget` null = no budget.
 */

/** One step: take a hold, settle it to an amount, or release it. */
type LedgerStep =
  | { hold: string; amount: number; accepted: boolean }
  | { settle: string; actual: number; ended: boolean }
  | { release: string; ended: boolean };

/** A scenario and the ledger it must end with. */
export type LedgerCase = {
  name: string;
  budget: number | null;
  steps: LedgerStep[];
  spent: number;
  held: number;
};

export const LEDGER_CASES: LedgerCase[] = [
  {
    name: "holds until the budget is reached exactly, then refuses",
    budget: 300_000,
    steps: [
      { hold: "a", amount: 100_000, accepted: true },
      { hold: "b", amount: 100_000, accepted: true },
      { hold: "c", amount: 100_000, accepted: true },
      { hold: "d", amount: 100_000, accepted: false },
    ],
    spent: 0,
    held: 300_000,
  },
  {
    name: "a refused hold leaves room for a smaller one",
    budget: 250_000,
    steps: [
      { hold: "a", amount: 200_000, accepted: true },
      { hold: "b", amount: 100_000, accepted: false },
      { hold: "c", amount: 50_000, accepted: true },
    ],
    spent: 0,
    held: 250_000,
  },
  {
    name: "settling below the estimate frees the difference",
    budget: 300_000,
    steps: [
      { hold: "a", amount: 200_000, accepted: true },
      { settle: "a", actual: 60_000, ended: true },
      { hold: "b", amount: 240_000, accepted: true },
      { hold: "c", amount: 1, accepted: false },
    ],
    spent: 60_000,
    held: 240_000,
  },
  {
    name: "settling above the estimate may overspend, and later holds are refused",
    budget: 100_000,
    steps: [
      { hold: "a", amount: 100_000, accepted: true },
      { settle: "a", actual: 130_000, ended: true },
      { hold: "b", amount: 0, accepted: false },
    ],
    spent: 130_000,
    held: 0,
  },
  {
    name: "a release gives the whole hold back",
    budget: 100_000,
    steps: [
      { hold: "a", amount: 100_000, accepted: true },
      { hold: "b", amount: 100_000, accepted: false },
      { release: "a", ended: true },
      { hold: "b", amount: 100_000, accepted: true },
    ],
    spent: 0,
    held: 100_000,
  },
  {
    name: "a hold ends once: a second settle or release changes nothing",
    budget: null,
    steps: [
      { hold: "a", amount: 70_000, accepted: true },
      { settle: "a", actual: 60_000, ended: true },
      { settle: "a", actual: 60_000, ended: false },
      { release: "a", ended: false },
    ],
    spent: 60_000,
    held: 0,
  },
  {
    name: "taking the same hold twice holds once",
    budget: 150_000,
    steps: [
      { hold: "a", amount: 100_000, accepted: true },
      { hold: "a", amount: 100_000, accepted: true },
      { hold: "b", amount: 50_000, accepted: true },
    ],
    spent: 0,
    held: 150_000,
  },
  {
    name: "ending a hold that was never taken changes nothing",
    budget: 100_000,
    steps: [
      { release: "ghost", ended: false },
      { settle: "ghost", actual: 50_000, ended: false },
    ],
    spent: 0,
    held: 0,
  },
  {
    name: "no budget: every hold fits, spend is still counted",
    budget: null,
    steps: [
      { hold: "a", amount: 5_000_000, accepted: true },
      { hold: "b", amount: 5_000_000, accepted: true },
      { settle: "a", actual: 4_000_000, ended: true },
      { release: "b", ended: true },
    ],
    spent: 4_000_000,
    held: 0,
  },
  {
    name: "a zero budget refuses anything that costs, and takes free holds",
    budget: 0,
    steps: [
      { hold: "a", amount: 1, accepted: false },
      { hold: "free", amount: 0, accepted: true },
      { settle: "free", actual: 0, ended: true },
    ],
    spent: 0,
    held: 0,
  },
];
