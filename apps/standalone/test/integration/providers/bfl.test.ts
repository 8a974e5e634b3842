import { bflUpsampledPrompt, startBflFake, waitFor } from "@imagegate/testkit";
import { describeProviderContract, imageOf } from "./contract";

describeProviderContract({
  id: "bfl",
  startFake: startBflFake,
  env: (fake, key) => ({ BFL_API_KEY: key, BFL_BASE_URL: fake.url }),
  input: (call) => call.body as Record<string, unknown>,
  expectNativeSize: (input) => expect([input.width, input.height]).toEqual([1008, 704]),
  expectEdit: (_call, input) => {
    // Local links are not reachable from BFL, so references go inline as base64.
    expect(typeof input.input_image).toBe("string");
    expect(
      Buffer.from(input.input_image as string, "base64")
        .subarray(1, 4)
        .toString(),
    ).toBe("PNG");
    expect(input.input_image_2).toBe(input.input_image);
    expect(input.input_image_3).toBeUndefined();
  },
  submitsForTwo: 2,
  tasks: true,
  more: ({ gateway, generate, lastInput }) => {
    it("charges what BFL reports for each task (its cost in credits, 1 credit = $0.01)", async () => {
      const usage = async () => (await gateway().get("/v1/usage")).body;
      await waitFor(async () => (await usage()).held_usd === 0);
      const before = await usage();
      const res = await generate({ size: "256x256", n: 2 });
      expect(res.status).toBe(200);
      // The fake reports 6 credits a task; the estimate is BFL's list price, 7¢ a first megapixel.
      expect(res.body.cost_usd).toBe(0.12);
      const job = await gateway().get(`/v1/jobs/${res.body.job_id}`);
      expect(job.body.cost).toEqual({ estimated_usd: 0.14, actual_usd: 0.12, source: "provider" });
      expect(job.body.upstream_tasks.map((t: { cost_usd: number }) => t.cost_usd)).toEqual([
        0.06, 0.06,
      ]);
      await waitFor(async () => (await usage()).held_usd === 0);
      const after = await usage();
      expect(after.images - before.images).toBe(2);
      expect(after.spent_usd - before.spent_usd).toBeCloseTo(0.12, 6);
    });

    it("answers BFL's result.prompt as revised_prompt, upsampled when asked", async () => {
      const plain = await generate({ prompt: "a fox", size: "256x256" });
      expect(plain.body.data[0].revised_prompt).toBe("a fox");
      const upsampled = await generate({
        prompt: "a fox",
        size: "256x256",
        prompt_upsampling: true,
      });
      expect(lastInput().prompt_upsampling).toBe(true);
      expect(upsampled.body.data[0].revised_prompt).toBe(bflUpsampledPrompt("a fox"));
    });

    it("reports the gateway's choice for size auto, which BFL cannot make itself", async () => {
      const res = await generate({ size: "auto" });
      expect(res.status).toBe(200);
      expect([lastInput().width, lastInput().height]).toEqual([1024, 1024]);
      expect(res.body.size).toBe("1024x1024");
      expect(res.body.applied.size).toMatchObject({ chosen_by: "gateway", width: 1024 });
      expect(res.body.applied.parameters.size.kind).toBe("emulated");
    });

    it("reports width beside size as overridden, and refuses it when strict", async () => {
      const res = await generate({ size: "64x64", width: 800 });
      expect(res.status).toBe(200);
      expect([lastInput().width, lastInput().height]).toEqual([64, 64]);
      expect(await imageOf(res.body)).toMatchObject({ width: 64, height: 64 });
      expect(res.body.applied.parameters.width.kind).toBe("overridden");
      expect(res.body.applied.coerced).toEqual([
        expect.objectContaining({ param: "width", requested: "800", applied: "64" }),
      ]);
      const strict = await generate({ size: "64x64", width: 800, strict: true });
      expect(strict.status).toBe(400);
      expect(strict.body.error).toMatchObject({ param: "width", code: "parameter_coerced" });
    });
  },
});
