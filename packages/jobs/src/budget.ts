/**
 * Budget arithmetic (docs/decisions/0006-money-in-micro-dollars.md#decision),
 * pure: a key's ledger is what it spent, what running jobs hold, and the holds
 * themselves. A hold is taken at submit for a job's estimated cost and fits
 * when spent + held + estimate stays within the budget; on success it settles
 * to the actual cost, on failure or cancel it is released; each hold ends once.
 * `budget-store.ts` runs exactly these rules in Lua, atomically, so parallel
 * submissions never overspend; its integration test replays this module's cases
 * against Redis. Amounts are integer micro-dollars: 0.1 + 0.2 must equal 0.3.
 */

/** Micro-dollars in a dollar. */
export const MICROS_PER_USD = 1_000_000;

/** Dollars → integer micro-dollars (rounded to the nearest). */
export function toMicros(usd: number): number {
  return Math.round(usd * MICROS_PER_USD);
}

/** Integer micro-dollars → dollars. */
export function toUsd(micros: number): number {
  return micros / MICROS_PER_USD;
}

/** A key's budget ledger. `budget` null = no budget (holds always fit; usage is still counted). */
export type BudgetLedger = {
  spent: number;
  held: number;
  holds: ReadonlyMap<string, number>;
};

/** The empty ledger of a key that never submitted. */
export const EMPTY_LEDGER: BudgetLedger = { spent: 0, held: 0, holds: new Map() };

/** What is left of `budget` (never negative), or null without a budget. */
export function remainingMicros(
  ledger: Pick<BudgetLedger, "spent" | "held">,
  budget: number | null,
): number | null {
  return budget === null ? null : Math.max(0, budget - ledger.spent - ledger.held);
}

/** True when a hold of `amount` fits in `budget` on top of what is spent and held. */
export function fits(
  ledger: Pick<BudgetLedger, "spent" | "held">,
  amount: number,
  budget: number | null,
): boolean {
  return budget === null || ledger.spent + ledger.held + amount <= budget;
}

/** The outcome of a hold: taken (or already there), or refused with what remains. */
export type HoldResult = { ledger: BudgetLedger; accepted: boolean };

/** Takes hold `id` of `amount`; a hold that exists already is accepted again unchanged. */
export function hold(
  ledger: BudgetLedger,
  id: string,
  amount: number,
  budget: number | null,
): HoldResult {
  if (ledger.holds.has(id)) return { ledger, accepted: true };
  if (!fits(ledger, amount, budget)) return { ledger, accepted: false };
  const holds = new Map(ledger.holds).set(id, amount);
  return { ledger: { ...ledger, held: ledger.held + amount, holds }, accepted: true };
}

/**
 * Ends hold `id`: settled to `actual` (spent) or released (`actual` null).
 * `ended` is false when the hold was not there — already ended, or never
 * taken — and the ledger is unchanged: a job announced twice is counted once.
 */
export function endHold(
  ledger: BudgetLedger,
  id: string,
  actual: number | null,
): { ledger: BudgetLedger; ended: boolean } {
  const amount = ledger.holds.get(id);
  if (amount === undefined) return { ledger, ended: false };
  const holds = new Map(ledger.holds);
  holds.delete(id);
  return {
    ledger: { spent: ledger.spent + (actual ?? 0), held: ledger.held - amount, holds },
    ended: true,
  };
}

/** Micro-dollars as dollars for people: `$0.30`, `$0.0715` (cents always shown, no float noise). */
export function formatUsd(micros: number): string {
  const fixed = (Math.abs(micros) / MICROS_PER_USD).toFixed(6).replace(/0{1,4}$/, "");
  return `${micros < 0 ? "-" : ""}$${fixed}`;
}

/** Why a hold was refused, naming what remains (the message of `insufficient_quota`). */
export function quotaMessage(input: {
  estimate: number;
  budget: number;
  spent: number;
  held: number;
}): string {
  const left = remainingMicros(input, input.budget) ?? 0;
  return (
    `This request is estimated at ${formatUsd(input.estimate)}, but the key has ` +
    `${formatUsd(left)} left of its ${formatUsd(input.budget)} budget ` +
    `(${formatUsd(input.spent)} spent, ${formatUsd(input.held)} held by unfinished jobs).`
  );
}
