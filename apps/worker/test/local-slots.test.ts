import { Worker } from "node:worker_threads";
import type { ProviderId } from "@imagegate/params";
import { createLocalSlots } from "../src/local-slots";

const limits = {
  bfl: { concurrency: 1 },
  fal: { concurrency: 1 },
  replicate: { concurrency: 1 },
  openai: { concurrency: 2 },
  local: { concurrency: 3 },
} satisfies Record<ProviderId, { concurrency: number }>;

describe("createLocalSlots", () => {
  it.each([
    // provider, served, bounded, tries that succeed out of 5
    ["openai", true, true, 2],
    ["local", true, true, 3],
    ["bfl", true, false, 5],
    ["fal", true, false, 5],
    ["replicate", true, false, 5],
    ["openai", false, false, 5],
  ] as const)(
    "%s (served: %s): bounded %s, %i of 5 tries take a slot",
    (provider, served, bounded, taken) => {
      const slots = createLocalSlots(served ? [provider] : [], limits);
      expect(slots.bounds(provider)).toBe(bounded);
      const tries = Array.from({ length: 5 }, () => slots.tryTake(provider));
      expect(tries.filter(Boolean)).toHaveLength(taken);
    },
  );

  it("counts each provider apart", () => {
    const slots = createLocalSlots(["openai", "local"], limits);
    expect([slots.tryTake("openai"), slots.tryTake("openai"), slots.tryTake("openai")]).toEqual([
      true,
      true,
      false,
    ]);
    expect(slots.tryTake("local")).toBe(true);
  });

  it("frees a slot on release, for a try or a waiter", async () => {
    const slots = createLocalSlots(["openai"], limits);
    slots.tryTake("openai");
    slots.tryTake("openai");
    let got = false;
    const waiting = slots.take("openai").then(() => {
      got = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(got).toBe(false);
    slots.release("openai");
    await waiting;
    expect(got).toBe(true);
    expect(slots.tryTake("openai")).toBe(false);
    slots.release("openai");
    expect(slots.tryTake("openai")).toBe(true);
  });

  it("shares its counts with slots made over its buffer", () => {
    const one = createLocalSlots(["openai"], limits);
    const two = createLocalSlots(["openai"], limits, one.buffer);
    expect(one.tryTake("openai")).toBe(true);
    expect(two.tryTake("openai")).toBe(true);
    expect(one.tryTake("openai")).toBe(false);
    two.release("openai");
    expect(one.tryTake("openai")).toBe(true);
  });

  it("wakes a waiter in one thread when another thread releases", async () => {
    const slots = createLocalSlots(["openai"], limits);
    // Another thread takes both of openai's slots (index 3 in PROVIDER_IDS) and gives one back later.
    const thread = new Worker(
      `const { workerData, parentPort } = require("node:worker_threads");
       const taken = new Int32Array(workerData);
       Atomics.add(taken, 3, 2);
       parentPort.postMessage("taken");
       setTimeout(() => { Atomics.sub(taken, 3, 1); Atomics.notify(taken, 3, 1); }, 50);`,
      { eval: true, workerData: slots.buffer },
    );
    await new Promise((resolve) => thread.once("message", resolve));
    expect(slots.tryTake("openai")).toBe(false);
    const started = Date.now();
    await slots.take("openai");
    expect(Date.now() - started).toBeGreaterThanOrEqual(30);
    expect(slots.tryTake("openai")).toBe(false);
    await thread.terminate();
  });
});
