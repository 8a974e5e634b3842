import { createCachedSource } from "@imagegate/callbacks";

describe("createCachedSource", () => {
  it("loads once within the TTL, again after it, and refreshes at most once per period", async () => {
    let clock = 0;
    let loads = 0;
    const source = createCachedSource({
      load: async () => ++loads,
      ttlMs: 1_000,
      minRefreshMs: 100,
      now: () => clock,
    });
    expect(await source.get()).toBe(1);
    clock = 500;
    expect(await source.get()).toBe(1);
    expect(await source.refresh()).toBe(true);
    expect(await source.get()).toBe(2);
    clock = 550;
    expect(await source.refresh()).toBe(false);
    clock = 1_600;
    expect(await source.get()).toBe(3);
  });

  it("shares one load among concurrent readers", async () => {
    let loads = 0;
    const source = createCachedSource({
      load: async () => {
        loads++;
        await new Promise((r) => setTimeout(r, 20));
        return "jwks";
      },
      ttlMs: 1_000,
      minRefreshMs: 100,
    });
    await Promise.all([source.get(), source.get(), source.get()]);
    expect(loads).toBe(1);
  });
});
