import { FLUX2_MAX, normalizeImageRequest, planRequest } from "@imagegate/params";
import { createLocalProvider, type ProviderContext } from "@imagegate/providers";
import { decodeImage, makeImage } from "@imagegate/testkit";

const route = FLUX2_MAX.routes.find((r) => r.provider === "local");

function planFor(body: Record<string, unknown>, operation: "generation" | "edit" = "generation") {
  return planRequest(
    normalizeImageRequest({ prompt: "p", ...body }, { operation }),
    FLUX2_MAX,
    route as never,
    {
      randomSeed: () => 42,
    },
  );
}

function ctx(overrides: Partial<ProviderContext> = {}): ProviderContext {
  return {
    fetch,
    fetchResult: (url, init) => fetch(url, init),
    signal: new AbortController().signal,
    submitSignal: new AbortController().signal,
    waitSignal: () => new AbortController().signal,
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    now: Date.now,
    onTask: async () => {},
    taskFailed: async () => {},
    acquireSubmitSlot: async () => {},
    resume: undefined,
    images: [],
    mask: undefined,
    onProgress: () => {},
    poll: { schedule: { initialMs: 10, maxMs: 10 } },
    callback: undefined,
    ...overrides,
  };
}

describe("local provider", () => {
  it("renders one image at the plan's size with the call's seed", async () => {
    const provider = createLocalProvider();
    const plan = planFor({ size: "96x64", seed: 9 });
    const progress: number[] = [];
    const images = await provider.submit(
      plan,
      plan.calls[0] as never,
      ctx({ onProgress: (f) => progress.push(f) }),
    );
    expect(images).toHaveLength(1);
    expect(images[0]).toMatchObject({ contentType: "image/png", seed: 9 });
    expect(await decodeImage(images[0]?.data as Buffer)).toEqual({
      format: "png",
      width: 96,
      height: 64,
    });
    expect(progress).toEqual([1]);
  });

  it("edits the first input image", async () => {
    const provider = createLocalProvider();
    const plan = planFor({ size: "32x32" }, "edit");
    const source = await makeImage(50, 50);
    const image = { url: "http://x", mime: "image/png", read: async () => source };
    const [out] = await provider.submit(plan, plan.calls[0] as never, ctx({ images: [image] }));
    expect(await decodeImage(out?.data as Buffer)).toMatchObject({ width: 32, height: 32 });
  });

  it("rejects when aborted during its delay", async () => {
    const provider = createLocalProvider({ renderDelayMs: 5_000 });
    const controller = new AbortController();
    const plan = planFor({ size: "16x16" });
    const pending = provider.submit(
      plan,
      plan.calls[0] as never,
      ctx({ signal: controller.signal }),
    );
    controller.abort(new Error("canceled"));
    await expect(pending).rejects.toThrow("canceled");
  });
});
