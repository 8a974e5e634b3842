import { newId } from "@imagegate/params";

describe("newId", () => {
  it.each([
    ["job", "job_"],
    ["batch", "batch_"],
    ["file", "file-"],
    ["request", "req_"],
  ] as const)("prefixes %s ids with %s", (kind, prefix) => {
    const id = newId(kind);
    expect(id.startsWith(prefix)).toBe(true);
    expect(id.slice(prefix.length)).toMatch(/^[0-9A-Za-z]{24}$/);
  });

  it("never repeats over 10,000 ids", () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newId("job")));
    expect(ids.size).toBe(10_000);
  });

  it("sorts by creation time", () => {
    const times = [1_700_000_000_000, 1_700_000_000_001, 1_700_000_060_000, 1_800_000_000_000];
    const ids = times.map((t) => newId("job", t));
    expect([...ids].sort()).toEqual(ids);
  });
});
