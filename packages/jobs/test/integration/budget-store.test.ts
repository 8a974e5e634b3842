/**
 * The budget Lua scripts against real Redis: they must end every scenario of
 * `budget-cases.ts` exactly as the pure model does, and hold atomically when
 * submissions race on separate connections (as API replicas do).
 */
import { randomUUID } from "node:crypto";
import type { RedisClient } from "@imagegate/jobs";
import { type BudgetStore, createBudgetStore, createRedis, usageDay } from "@imagegate/jobs";
import { LEDGER_CASES } from "../budget-cases";

let redis: RedisClient;
const replicas: RedisClient[] = [];

beforeAll(() => {
  redis = createRedis({ url: process.env.REDIS_URL as string });
  for (let i = 0; i < 8; i++) replicas.push(createRedis({ url: process.env.REDIS_URL as string }));
});

afterAll(() => {
  redis.disconnect();
  for (const r of replicas) r.disconnect();
});

const store = (client: RedisClient = redis, prefix = `test-${randomUUID()}`): BudgetStore =>
  createBudgetStore({ redis: client, prefix });

const settlement = (micros: number) => ({
  micros,
  images: 1,
  model: "flux.2-max",
  provider: "local",
  at: Math.floor(Date.now() / 1000),
});

describe("budget store", () => {
  it.each(LEDGER_CASES)("$name", async ({ steps, budget, spent, held }) => {
    const budgets = store();
    for (const step of steps) {
      if ("hold" in step) {
        const answer = await budgets.hold(
          "key_a",
          [{ id: step.hold, micros: step.amount }],
          budget,
        );
        expect({ step, accepted: answer.accepted[0] }).toEqual({ step, accepted: step.accepted });
      } else if ("settle" in step) {
        const ended = await budgets.settle("key_a", step.settle, settlement(step.actual));
        expect({ step, ended }).toEqual({ step, ended: step.ended });
      } else {
        const ended = await budgets.release("key_a", step.release);
        expect({ step, ended }).toEqual({ step, ended: step.ended });
      }
    }
    const ledger = await budgets.ledger("key_a");
    expect({ spent: ledger.spent, held: ledger.held }).toEqual({ spent, held });
    expect([...ledger.holds.values()].reduce((a, b) => a + b, 0)).toBe(held);
  });

  it("8 holds racing from 8 connections against $0.30 at $0.10 take exactly 3", async () => {
    const prefix = `test-${randomUUID()}`;
    for (let round = 0; round < 5; round++) {
      const owner = `key_round${round}`;
      const answers = await Promise.all(
        replicas.map((client, i) =>
          store(client, prefix).hold(owner, [{ id: `job_${i}`, micros: 100_000 }], 300_000),
        ),
      );
      expect(answers.filter((a) => a.accepted[0])).toHaveLength(3);
      expect((await store(redis, prefix).counters(owner)).held).toBe(300_000);
    }
  });

  it("takes a chunk's holds in order, each fitting or not on its own", async () => {
    const budgets = store();
    const answer = await budgets.hold(
      "key_b",
      [
        { id: "l1", micros: 100_000 },
        { id: "l2", micros: 150_000 },
        { id: "l3", micros: 100_000 },
        { id: "l4", micros: 50_000 },
      ],
      300_000,
    );
    expect(answer).toEqual({
      accepted: [true, true, false, true],
      spent: 0,
      held: 300_000,
      remaining: 0,
    });
  });

  it("counts a settled job in the lifetime and day usage, per model, once", async () => {
    const budgets = store();
    const at = Date.UTC(2026, 4, 1, 12) / 1000;
    await budgets.hold(
      "key_c",
      [{ id: "j1" }, { id: "j2" }].map((h) => ({ ...h, micros: 80_000 })),
      null,
    );
    const first = { micros: 70_000, images: 2, model: "flux.2-max", provider: "bfl", at };
    expect(await budgets.settle("key_c", "j1", first)).toBe(true);
    expect(await budgets.settle("key_c", "j1", first)).toBe(false);
    await budgets.settle("key_c", "j2", {
      ...first,
      micros: 0,
      provider: "local",
      at: at + 86_400,
    });
    const lifetime = await budgets.totals("key_c");
    expect(lifetime).toEqual({
      images: 4,
      jobs: 2,
      spentMicros: 70_000,
      byModel: [
        { model: "flux.2-max", provider: "bfl", images: 2, micros: 70_000 },
        { model: "flux.2-max", provider: "local", images: 2, micros: 0 },
      ],
    });
    const day = await budgets.totals("key_c", [usageDay(at)]);
    expect(day).toMatchObject({ images: 2, jobs: 1, spentMicros: 70_000 });
    expect(await budgets.totals("key_c", [usageDay(at - 86_400)])).toMatchObject({ images: 0 });
    expect(await budgets.counters("key_c")).toEqual({ spent: 70_000, held: 0 });
  });

  it("releases the leftover holds of one batch only", async () => {
    const budgets = store();
    await budgets.hold(
      "key_d",
      [
        { id: "batch_1:aa", micros: 10 },
        { id: "batch_1:bb", micros: 20 },
        { id: "batch_12:cc", micros: 40 },
        { id: "job_x", micros: 80 },
      ],
      null,
    );
    expect(await budgets.releaseMatching("key_d", "batch_1:")).toBe(2);
    const ledger = await budgets.ledger("key_d");
    expect([...ledger.holds.keys()].sort()).toEqual(["batch_12:cc", "job_x"]);
    expect(ledger.held).toBe(120);
  });
});
