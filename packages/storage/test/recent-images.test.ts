/** Recent images: kept by key, taken once, bounded by bytes and age. */
import { createRecentImages } from "../src/recent-images";

const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill);

describe("createRecentImages", () => {
  it("hands an image back once, as a Buffer over the same bytes", () => {
    const recent = createRecentImages();
    recent.keep("jobs/a/0.png", bytes(4, 7));
    const taken = recent.take("jobs/a/0.png");
    expect(Buffer.isBuffer(taken)).toBe(true);
    expect([...(taken ?? [])]).toEqual([7, 7, 7, 7]);
    expect(recent.take("jobs/a/0.png")).toBeUndefined();
  });

  it.each([
    { case: "a key never kept", keep: [] as [string, number][], take: "jobs/x/0.png" },
    { case: "an image larger than the bound", keep: [["jobs/b/0.png", 11]], take: "jobs/b/0.png" },
    {
      case: "the oldest image once the bound is passed",
      keep: [
        ["jobs/c/0.png", 6],
        ["jobs/c/1.png", 6],
      ],
      take: "jobs/c/0.png",
    },
  ] as { case: string; keep: [string, number][]; take: string }[])(
    "has nothing for $case",
    ({ keep, take }) => {
      const recent = createRecentImages({ maxBytes: 10 });
      for (const [key, size] of keep) recent.keep(key, bytes(size));
      expect(recent.take(take)).toBeUndefined();
    },
  );

  it("keeps the newest images within the bound", () => {
    const recent = createRecentImages({ maxBytes: 10 });
    recent.keep("jobs/d/0.png", bytes(6));
    recent.keep("jobs/d/1.png", bytes(4));
    expect(recent.take("jobs/d/0.png")).toHaveLength(6);
    expect(recent.take("jobs/d/1.png")).toHaveLength(4);
  });

  it("forgets an image once its age passes ttlMs", async () => {
    const recent = createRecentImages({ ttlMs: 20 });
    recent.keep("jobs/e/0.png", bytes(1));
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(recent.take("jobs/e/0.png")).toBeUndefined();
  });
});
